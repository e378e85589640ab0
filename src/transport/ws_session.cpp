#include "ws_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

namespace convene::transport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::shared_ptr<const std::string> Text(const nlohmann::json& json) {
    return std::make_shared<const std::string>(json.dump());
}

}  // namespace

WsSession::WsSession(std::shared_ptr<void> keep_alive, beast::tcp_stream& stream, live::Hub& hub,
                     http::LiveGrant grant, Settings settings)
    : keep_alive_(std::move(keep_alive)),
      ws_(stream),
      hub_(hub),
      grant_(std::move(grant)),
      settings_(settings) {}

asio::awaitable<void> WsSession::Run(
    beast::http::request<beast::http::string_body> upgrade,
    std::function<asio::awaitable<bool>(std::shared_ptr<WsSession>)> subscribe) {
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds{10};
    timeout.idle_timeout = 2 * settings_.ping_interval;
    timeout.keep_alive_pings = true;  // a ping at half the idle time, dropped at the full
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
        response.set(beast::http::field::server, "convene");
    }));
    ws_.read_message_max(settings_.max_message);
    ws_.text(true);

    auto [accept_ec] = co_await ws_.async_accept(upgrade, kTuple);
    if (accept_ec) co_return;
    auto subscribing = subscribe(shared_from_this());  // see server.cpp: no temporaries
    if (!co_await std::move(subscribing)) {
        Close(live::kCloseSessionDeleted, "session deleted");
    }

    beast::flat_buffer buffer;
    for (;;) {
        auto [ec, bytes] = co_await ws_.async_read(buffer, kTuple);
        if (ec) break;  // closed, dropped, timed out, or a message over the cap (1009)
        if (!ws_.got_text()) {
            Close(websocket::close_code::unknown_data, "text messages only");
        } else {
            HandleClientMessage(
                std::string_view(static_cast<const char*>(buffer.data().data()), buffer.size()));
        }
        buffer.consume(buffer.size());
    }
    hub_.Unsubscribe(grant_.session_id, this);
}

void WsSession::HandleClientMessage(std::string_view text) {
    auto message = nlohmann::json::parse(text, nullptr, false);
    if (message.is_discarded() || !message.is_object() || !message.contains("type") ||
        !message["type"].is_string()) {
        Close(websocket::close_code::bad_payload, "messages are JSON objects with a type");
        return;
    }
    const auto type = message["type"].get<std::string>();
    if (type == "ping") {
        Enqueue({Text({{"type", "pong"}}), false});
        return;
    }
    Enqueue({Text({{"type", "error"},
                   {"error", {{"code", "unknown_type"},
                              {"message", "Unknown message type: " + type.substr(0, 64)}}}}),
             false});
}

void WsSession::Deliver(std::shared_ptr<const std::string> message, bool whole_state) {
    asio::dispatch(ws_.get_executor(),
                   [self = shared_from_this(), item = Queued{std::move(message), whole_state}] {
                       self->Enqueue(item);
                   });
}

void WsSession::Close(std::uint16_t code, std::string reason) {
    asio::dispatch(ws_.get_executor(), [self = shared_from_this(), code, reason] {
        if (self->close_after_ || self->closing_) return;
        self->close_after_ =
            websocket::close_reason(static_cast<websocket::close_code>(code), reason);
        if (!self->writing_) self->WriteNext();
    });
}

void WsSession::Enqueue(Queued item) {
    if (closing_ || close_after_) return;
    if (queue_.size() >= settings_.max_queue) {
        // A lagging reader: keep what is being written, the newest whole state, and the new
        // message. Every whole state supersedes the ones before it.
        std::optional<Queued> in_flight;
        if (writing_) in_flight = queue_.front();
        std::optional<Queued> newest_state;
        for (std::size_t i = writing_ ? 1 : 0; i < queue_.size(); ++i) {
            if (queue_[i].whole_state) newest_state = queue_[i];
        }
        queue_.clear();
        if (in_flight) queue_.push_back(*in_flight);
        if (newest_state && !item.whole_state) queue_.push_back(*newest_state);
    }
    queue_.push_back(std::move(item));
    if (!writing_) WriteNext();
}

void WsSession::WriteNext() {
    if (queue_.empty()) {
        if (close_after_ && !closing_) {
            closing_ = true;
            ws_.async_close(*close_after_, [self = shared_from_this()](beast::error_code) {});
        }
        return;
    }
    writing_ = true;
    auto message = queue_.front().message;
    ws_.async_write(asio::buffer(*message),
                    [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec) {
                            self->queue_.clear();
                            return;
                        }
                        self->queue_.pop_front();
                        self->WriteNext();
                    });
}

}  // namespace convene::transport

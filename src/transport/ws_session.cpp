#include "ws_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <utility>

#include "convene/live/client_message.hpp"

namespace convene::transport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

void Mailbox::Post(Letter letter) {
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        first = letters_.empty();
        letters_.push_back(std::move(letter));
    }
    // One drain per batch: letters posted while it is pending join it.
    if (first) asio::post(context_, [this] { Drain(); });
}

void Mailbox::Drain() {
    std::vector<Letter> batch;
    {
        std::lock_guard lock(mutex_);
        batch.swap(letters_);
    }
    for (auto& letter : batch) {
        if (letter.message) {
            letter.session->Enqueue({std::move(letter.message), letter.whole_state});
        } else {
            letter.session->CloseAfterQueue(letter.close_code, std::move(letter.close_reason));
        }
    }
}

WsSession::WsSession(asio::ip::tcp::socket socket, Mailbox& mailbox, live::Hub& hub,
                     http::LiveGrant grant, Settings settings)
    : ws_(std::move(socket)),
      mailbox_(mailbox),
      hub_(hub),
      grant_(std::move(grant)),
      settings_(settings) {}

asio::awaitable<bool> WsSession::Open(
    const beast::http::request<beast::http::string_body>& upgrade,
    std::function<asio::awaitable<bool>(std::shared_ptr<WsSession>)> subscribe) {
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
    if (accept_ec) co_return false;
    auto subscribing = subscribe(shared_from_this());  // see server.cpp: no temporaries
    if (!co_await std::move(subscribing)) {
        CloseAfterQueue(live::kCloseSessionDeleted, "session deleted");
    }
    co_return true;
}

void WsSession::Run(std::function<void()> ended) {
    ended_ = std::move(ended);
    ReadNext();
}

void WsSession::ReadNext() {
    // Small pieces into a message that exists only while one arrives: a whole-message read
    // would hold a prepared buffer (~1.5 KB) per idle socket for the messages clients rarely
    // send. Beast still enforces read_message_max. Callbacks rather than a coroutine: an idle
    // socket's pending read is then the whole of its reading state.
    ws_.async_read_some(asio::buffer(piece_), [self = shared_from_this()](beast::error_code ec,
                                                                           std::size_t bytes) {
        self->OnRead(ec, bytes);
    });
}

void WsSession::OnRead(beast::error_code ec, std::size_t bytes) {
    if (ec) {  // closed, dropped, timed out, or a message over the cap (1009)
        hub_.Unsubscribe(grant_.session_id, this);
        if (ended_) std::exchange(ended_, nullptr)();
        return;
    }
    message_.append(piece_.data(), bytes);
    if (ws_.is_message_done()) {
        if (!ws_.got_text()) {
            CloseAfterQueue(websocket::close_code::unknown_data, "text messages only");
        } else {
            HandleClientMessage(message_);
        }
        std::string().swap(message_);
    }
    ReadNext();
}

void WsSession::HandleClientMessage(std::string_view text) {
    auto answer = live::AnswerClientMessage(text);
    if (answer.close_code) {
        CloseAfterQueue(*answer.close_code, std::move(answer.text));
        return;
    }
    Enqueue({std::make_shared<const std::string>(std::move(answer.text)), false});
}

void WsSession::Deliver(std::shared_ptr<const std::string> message, bool whole_state) {
    mailbox_.Post({.session = shared_from_this(), .message = std::move(message),
                   .whole_state = whole_state});
}

void WsSession::Close(std::uint16_t code, std::string reason) {
    // Through the same mailbox as deliveries: a close never overtakes a message before it.
    mailbox_.Post({.session = shared_from_this(), .close_code = code,
                   .close_reason = std::move(reason)});
}

void WsSession::CloseAfterQueue(std::uint16_t code, std::string reason) {
    if (close_after_ || closing_) return;
    close_after_ = std::make_unique<websocket::close_reason>(
        static_cast<websocket::close_code>(code), reason);
    if (!writing_) WriteNext();
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
    ws_.async_write(asio::buffer(*queue_.front().message),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec) {
                            self->queue_.clear();
                            return;
                        }
                        // At most max_queue entries: erasing the front is a short move.
                        self->queue_.erase(self->queue_.begin());
                        self->WriteNext();
                    });
}

}  // namespace convene::transport

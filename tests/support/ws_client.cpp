#include "ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <stdexcept>

namespace convene::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

}  // namespace

struct WsClient::Impl {
    asio::io_context ioc;
    websocket::stream<beast::tcp_stream> ws{ioc};
    beast::flat_buffer buffer;
    bool closed = false;

    /// Runs the io_context until `done` or the deadline; cancels what is pending on timeout.
    bool RunUntil(const bool& done, std::chrono::milliseconds timeout) {
        ioc.restart();
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done && std::chrono::steady_clock::now() < deadline) {
            ioc.run_one_for(deadline - std::chrono::steady_clock::now());
        }
        if (!done) {
            beast::get_lowest_layer(ws).cancel();
            ioc.restart();
            ioc.run_for(std::chrono::seconds{1});
        }
        return done;
    }

    beast::error_code Connect(std::uint16_t port, const std::string& target,
                              const Headers& headers, websocket::response_type& response,
                              int receive_buffer = 0) {
        beast::error_code ec;
        if (receive_buffer > 0) {
            auto& socket = beast::get_lowest_layer(ws).socket();
            socket.open(tcp::v4(), ec);
            if (!ec) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer), ec);
            if (ec) return ec;
        }
        beast::get_lowest_layer(ws).connect(
            tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
        if (ec) return ec;
        ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
            for (const auto& [name, value] : headers) req.set(name, value);
        }));
        bool done = false;
        ws.async_handshake(response, "127.0.0.1:" + std::to_string(port), target,
                           [&](beast::error_code e) {
                               ec = e;
                               done = true;
                           });
        if (!RunUntil(done, std::chrono::seconds{10})) return asio::error::timed_out;
        return ec;
    }
};

WsClient::WsClient(std::uint16_t port, const std::string& target, const Headers& headers,
                   int receive_buffer)
    : impl_(std::make_unique<Impl>()) {
    websocket::response_type response;
    if (auto ec = impl_->Connect(port, target, headers, response, receive_buffer)) {
        throw std::runtime_error("WebSocket upgrade of " + target + " failed: " + ec.message() +
                                 " (HTTP " + std::to_string(response.result_int()) + ")");
    }
}

WsClient::~WsClient() {
    beast::error_code ignored;
    beast::get_lowest_layer(impl_->ws).socket().close(ignored);
}

int WsClient::RefusedStatus(std::uint16_t port, const std::string& target, const Headers& headers) {
    Impl impl;
    websocket::response_type response;
    if (!impl.Connect(port, target, headers, response)) return 101;
    return static_cast<int>(response.result_int());
}

std::optional<std::string> WsClient::NextText(std::chrono::milliseconds timeout) {
    if (impl_->closed) return std::nullopt;
    bool done = false;
    beast::error_code ec;
    impl_->buffer.clear();
    impl_->ws.async_read(impl_->buffer, [&](beast::error_code e, std::size_t) {
        ec = e;
        done = true;
    });
    if (!impl_->RunUntil(done, timeout) || ec) {
        if (ec == websocket::error::closed) impl_->closed = true;
        return std::nullopt;
    }
    return beast::buffers_to_string(impl_->buffer.data());
}

std::optional<nlohmann::json> WsClient::Next(std::chrono::milliseconds timeout) {
    auto text = NextText(timeout);
    if (!text) return std::nullopt;
    return nlohmann::json::parse(*text);
}

std::optional<nlohmann::json> WsClient::NextOfType(const std::string& type,
                                                   std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        auto message = Next(left);
        if (!message) return std::nullopt;
        if ((*message)["type"] == type) return message;
    }
}

void WsClient::Send(const std::string& text) {
    impl_->ws.text(true);
    impl_->ws.write(asio::buffer(text));
}

void WsClient::SendBinary(const std::string& bytes) {
    impl_->ws.binary(true);
    impl_->ws.write(asio::buffer(bytes));
}

std::optional<std::uint16_t> WsClient::WaitForClose(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!impl_->closed) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        bool done = false;
        beast::error_code ec;
        impl_->buffer.clear();
        impl_->ws.async_read(impl_->buffer, [&](beast::error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!impl_->RunUntil(done, left)) return std::nullopt;
        if (ec == websocket::error::closed) impl_->closed = true;
        else if (ec) return std::nullopt;
    }
    return static_cast<std::uint16_t>(impl_->ws.reason().code);
}

}  // namespace convene::testing

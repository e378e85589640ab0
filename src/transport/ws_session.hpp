#pragma once

// Internal to the transport: one live WebSocket connection.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <optional>

#include "convene/http/router.hpp"
#include "convene/live/hub.hpp"

namespace convene::transport {

/// A live WebSocket on a session: subscribes to the Hub, writes what it delivers through a
/// capped queue (one write in flight), answers typed client messages, and keeps the peer
/// alive with pings. Everything runs on the connection's strand.
class WsSession final : public live::Subscriber, public std::enable_shared_from_this<WsSession> {
public:
    struct Settings {
        /// A ping after this much silence; a peer silent for twice as long is dropped.
        std::chrono::seconds ping_interval{20};
        std::size_t max_message = 4 * 1024;
        /// Queued messages before a lagging connection is coalesced to the latest state.
        std::size_t max_queue = 32;
    };

    using Stream = boost::beast::websocket::stream<boost::beast::tcp_stream&>;

    WsSession(std::shared_ptr<void> keep_alive, boost::beast::tcp_stream& stream, live::Hub& hub,
              http::LiveGrant grant, Settings settings);

    /// Completes the handshake, subscribes (via `subscribe`, which runs it off the I/O
    /// threads), then reads until the peer goes. Returns when the socket is done.
    boost::asio::awaitable<void> Run(
        boost::beast::http::request<boost::beast::http::string_body> upgrade,
        std::function<boost::asio::awaitable<bool>(std::shared_ptr<WsSession>)> subscribe);

    void Deliver(std::shared_ptr<const std::string> message, bool whole_state) override;
    void Close(std::uint16_t code, std::string reason) override;

    const http::LiveGrant& Grant() const { return grant_; }

private:
    struct Queued {
        std::shared_ptr<const std::string> message;
        bool whole_state;
    };
    void Enqueue(Queued item);
    void WriteNext();
    void HandleClientMessage(std::string_view text);

    std::shared_ptr<void> keep_alive_;  ///< the connection that owns the socket
    Stream ws_;
    live::Hub& hub_;
    http::LiveGrant grant_;
    Settings settings_;
    std::deque<Queued> queue_;
    bool writing_ = false;
    bool closing_ = false;
    std::optional<boost::beast::websocket::close_reason> close_after_;
};

}  // namespace convene::transport

#pragma once

// Internal to the transport: one live WebSocket connection.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <array>
#include <functional>
#include <memory>
#include <string>
#include <mutex>
#include <vector>

#include "convene/http/router.hpp"
#include "convene/live/hub.hpp"

namespace convene::transport {

class WsSession;

/// What other threads hand to the WebSockets of one I/O thread: deliveries and closes, in the
/// order they were made. A fan-out to 10,000 sockets from the hub's thread costs one wake-up
/// of each I/O thread, not a handler and a queue hop per socket; the I/O thread takes the
/// whole batch at once.
class Mailbox {
public:
    explicit Mailbox(boost::asio::io_context& context) : context_(context) {}

    struct Letter {
        std::shared_ptr<WsSession> session;
        std::shared_ptr<const std::string> message;  ///< null for a close
        bool whole_state = false;
        std::uint16_t close_code = 0;
        std::string close_reason;
    };
    /// Thread-safe; never blocks on I/O.
    void Post(Letter letter);

private:
    void Drain();

    boost::asio::io_context& context_;
    std::mutex mutex_;
    std::vector<Letter> letters_;
};

/// A live WebSocket on a session: subscribes to the Hub, writes what it delivers through a
/// capped queue (one write in flight), answers typed client messages, and keeps the peer
/// alive with pings. Everything runs on the one I/O thread that owns the connection.
class WsSession final : public live::Subscriber, public std::enable_shared_from_this<WsSession> {
public:
    struct Settings {
        /// A ping after this much silence; a peer silent for twice as long is dropped.
        std::chrono::seconds ping_interval{20};
        std::size_t max_message = 4 * 1024;
        /// Queued messages before a lagging connection is coalesced to the latest state.
        std::size_t max_queue = 32;
    };

    /// Beast's own WebSocket timeouts watch the socket; no stream timer layer in between. The
    /// session owns the socket: the HTTP connection it came from keeps none of its state.
    using Stream = boost::beast::websocket::stream<boost::asio::ip::tcp::socket>;

    WsSession(boost::asio::ip::tcp::socket socket, Mailbox& mailbox, live::Hub& hub,
              http::LiveGrant grant, Settings settings);

    /// Completes the handshake and subscribes (via `subscribe`, which runs it off the I/O
    /// threads). False when the handshake failed (the socket is done).
    boost::asio::awaitable<bool> Open(
        const boost::beast::http::request<boost::beast::http::string_body>& upgrade,
        std::function<boost::asio::awaitable<bool>(std::shared_ptr<WsSession>)> subscribe);
    /// Reads until the peer goes, then leaves the room and calls `ended` (on the I/O thread).
    /// Returns at once: the pending read keeps the session alive.
    void Run(std::function<void()> ended);

    void Deliver(std::shared_ptr<const std::string> message, bool whole_state) override;
    void Close(std::uint16_t code, std::string reason) override;

    const http::LiveGrant& Grant() const { return grant_; }

private:
    friend class Mailbox;
    struct Queued {
        std::shared_ptr<const std::string> message;
        bool whole_state;
    };
    void Enqueue(Queued item);
    void CloseAfterQueue(std::uint16_t code, std::string reason);
    void WriteNext();
    void ReadNext();
    void OnRead(boost::beast::error_code ec, std::size_t bytes);
    void HandleClientMessage(std::string_view text);

    Stream ws_;
    Mailbox& mailbox_;
    live::Hub& hub_;
    http::LiveGrant grant_;
    Settings settings_;
    std::function<void()> ended_;
    std::array<char, 64> piece_{};  ///< what one read takes (client messages are short)
    std::string message_;           ///< the client message being read, if any
    std::vector<Queued> queue_;  ///< a vector: an idle socket's empty queue holds no memory
    bool writing_ = false;
    bool closing_ = false;
    /// Rarely set: held apart, so that an idle session does not carry its ~130 bytes.
    std::unique_ptr<boost::beast::websocket::close_reason> close_after_;
};

}  // namespace convene::transport

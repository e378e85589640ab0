#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace convene::http {
class Router;
}
namespace convene::live {
class Hub;
}

namespace convene::transport {

/// The HTTP server: an event loop per I/O thread, each connection served by one loop (round
/// robin), handlers run on a separate application pool so that no I/O thread waits on the
/// database. Beast stays behind this header.
class Server {
public:
    struct Settings {
        std::string host = "127.0.0.1";
        std::uint16_t port = 8080;
        /// I/O threads; 0 means one per core.
        std::size_t io_threads = 0;
        /// Threads that run handlers (and so hold database connections); 0 means 2 per core.
        std::size_t app_threads = 0;
        std::size_t header_limit = 16 * 1024;
        /// A request (headers and body) must arrive within this, and a keep-alive connection
        /// idle for longer is closed: a slow client cannot pin a connection.
        std::chrono::milliseconds request_timeout{30'000};
        /// How long Stop() lets in-flight requests finish.
        std::chrono::milliseconds shutdown_grace{4'000};
        /// Live sockets: a ping after this much silence, dropped after twice as long.
        std::chrono::seconds ws_ping_interval{20};
    };

    /// `hub` receives live WebSocket connections (GET /ws/sessions/{id} upgrades).
    Server(Settings settings, http::Router& router, live::Hub& hub);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds the listening socket; returns the bound port (useful with port 0).
    /// Throws std::runtime_error with a clear message when the address cannot be bound.
    std::uint16_t Listen();
    /// Starts accepting and serving on background threads.
    void Start();
    /// Blocks until SIGINT or SIGTERM arrives, or Stop() is called.
    void WaitForSignal();
    /// Graceful stop: no new connections, idle ones closed, in-flight requests finished
    /// (within shutdown_grace), threads joined. Idempotent; safe from any non-I/O thread.
    void Stop();

    /// Connections currently open.
    std::size_t OpenConnections() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace convene::transport

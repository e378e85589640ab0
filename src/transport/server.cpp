#include "convene/transport/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <future>
#include <optional>
#include <unordered_set>
#include <mutex>
#include <thread>

#include "convene/domain/error.hpp"
#include "convene/http/error_response.hpp"
#include "convene/http/router.hpp"
#include "convene/http/security.hpp"
#include "convene/util/logging.hpp"
#include "convene/util/time.hpp"
#include "ws_session.hpp"

namespace convene::transport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// One I/O thread's loop: its connections live on it alone, so they need no strand, and
/// what other threads hand them goes through one mailbox.
struct IoLoop {
    IoLoop() : context(1), mailbox(context) {}
    asio::io_context context;
    Mailbox mailbox;
};

/// One accepted connection. Only its I/O thread touches `stream`, `busy` and `upgrade`.
struct Connection {
    Connection(tcp::socket socket, IoLoop& io_loop)
        : stream(std::in_place, std::move(socket)), loop(io_loop) {}
    /// The HTTP stream and its timers; gone once the socket is a WebSocket's (~0.5 KB less
    /// for each of thousands of idle participants).
    std::optional<beast::tcp_stream> stream;
    IoLoop& loop;  ///< its I/O thread's
    std::string client;
    bool busy = false;  ///< a request is being handled; Stop() lets it finish
    /// A WebSocket upgrade read by Serve, kept until the handshake is done.
    std::optional<bhttp::request<bhttp::string_body>> upgrade;
    /// Its WebSocket is open: the session forgets the connection when it ends.
    bool live = false;
};

/// An answer given before routing, after which the connection closes.
struct Refusal {
    int status;
    std::string code;
    std::string message;
};

const Refusal kTooLarge{413, "payload_too_large", "The request body is too large."};

/// The client went away or an idle connection timed out: nothing to answer.
bool IsGone(const beast::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
           ec == beast::error::timeout || ec == asio::error::connection_reset ||
           ec == asio::error::eof;
}

/// The answer to a request Beast could not read.
Refusal ReadRefusal(const beast::error_code& ec) {
    if (ec == bhttp::error::header_limit) {
        return {431, "headers_too_large", "The request headers are too large."};
    }
    if (ec == bhttp::error::body_limit) return kTooLarge;  // over the server-wide cap
    return {400, "malformed_request", "The request could not be read."};
}

/// What RFC 9112 has a server refuse in a request's framing and Beast lets through (it
/// accepts repeated equal lengths and codings other than chunked). Refusing them keeps every
/// proxy in front of Convene and Convene itself agreeing on where a request ends.
std::optional<Refusal> FramingRefusal(const bhttp::request_header<>& header, bool chunked) {
    const auto hosts = header.count(bhttp::field::host);
    if (hosts > 1 || (hosts == 0 && header.version() >= 11)) {
        return Refusal{400, "malformed_request", "A request needs exactly one Host header."};
    }
    const auto lengths = header.count(bhttp::field::content_length);
    if (lengths > 1 ||
        (lengths == 1 && header[bhttp::field::content_length].find(',') != std::string::npos)) {
        return Refusal{400, "malformed_request", "A request has at most one Content-Length."};
    }
    const auto codings = header.count(bhttp::field::transfer_encoding);
    if (codings > 0 && !chunked) {
        return Refusal{400, "malformed_request", "A Transfer-Encoding must end with chunked."};
    }
    if (codings > 1 ||
        (codings == 1 && !beast::iequals(header[bhttp::field::transfer_encoding], "chunked"))) {
        return Refusal{501, "unsupported_transfer_coding",
                       "Only the chunked transfer coding is supported."};
    }
    return std::nullopt;
}

http::Request ToRequest(bhttp::request<bhttp::string_body>&& message, const std::string& client) {
    auto request = http::Request::Make(http::ParseMethod(message.method_string()),
                                       std::string(message.target()), std::move(message.body()));
    for (const auto& field : message) {
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.client = client;
    return request;
}

bhttp::response<bhttp::string_body> ToMessage(http::Response&& response, unsigned version,
                                              bool head, bool keep_alive) {
    bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status),
                                                version};
    message.set(bhttp::field::server, "convene");
    message.set(bhttp::field::date, util::FormatHttpDate(util::SystemClock{}.Now()));
    for (auto& [name, value] : response.headers) message.insert(name, value);
    message.keep_alive(keep_alive);
    const auto size = response.body.size();
    if (!head) message.body() = std::move(response.body);
    if (response.status != 204 && response.status != 304) {
        message.content_length(size);
    }
    return message;
}

/// Runs `work()` on `pool` and completes with its result on the caller's executor (the
/// connection's strand): blocking work (SQLite, argon2id) never runs on an I/O thread.
/// A plain operation rather than a coroutine lambda: GCC 12 mishandles moved captures there.
template <typename T, typename Work>
asio::awaitable<T> OnPool(asio::thread_pool& pool, Work work) {
    // Asio runs the initiation as a coroutine; GCC 12 can relocate objects with inner pointers
    // (short strings) held in its parameters without moving them. Only a shared_ptr goes in.
    auto shared = std::make_shared<Work>(std::move(work));
    return asio::async_initiate<decltype(asio::use_awaitable), void(T)>(
        [&pool](auto handler, std::shared_ptr<Work> w) {
            auto guard = asio::make_work_guard(asio::get_associated_executor(handler));
            asio::post(pool, [handler = std::move(handler), guard = std::move(guard),
                              w = std::move(w)]() mutable {
                auto result = std::make_shared<T>((*w)());
                auto executor = guard.get_executor();
                asio::post(executor, [handler = std::move(handler), result]() mutable {
                    std::move(handler)(std::move(*result));
                });
            });
        },
        asio::use_awaitable, std::move(shared));
}

// GCC 12 mishandles objects with inner pointers (short strings) that are temporaries of a
// full-expression containing co_await: a moved string kept pointing into the coroutine frame
// (found by valgrind). So work for the pool is built in a statement of its own, then awaited.
struct RouteCall {
    http::Router* router;
    http::Request request;
    http::Response operator()() { return router->Handle(std::move(request)); }
};

struct LiveAuthorization {
    http::Router* router;
    http::Request request;
    domain::Result<http::LiveGrant> operator()() { return router->AuthorizeLive(request); }
};

}  // namespace


std::vector<std::unique_ptr<IoLoop>> MakeLoops(std::size_t count) {
    std::vector<std::unique_ptr<IoLoop>> loops;
    for (std::size_t i = 0; i < count; ++i) loops.push_back(std::make_unique<IoLoop>());
    return loops;
}

struct Server::Impl {
    Impl(Settings s, http::Router& r, live::Hub& h)
        : settings(std::move(s)),
          router(r),
          hub(h),
          app_pool(settings.app_threads
                       ? settings.app_threads
                       : 2 * std::max<std::size_t>(1, std::thread::hardware_concurrency())),
          loops(MakeLoops(settings.io_threads
                              ? settings.io_threads
                              : std::max(1u, std::thread::hardware_concurrency()))),
          acceptor(accept_context),
          signals(accept_context, SIGINT, SIGTERM) {}

    asio::awaitable<void> Accept();
    /// On the connection's own I/O thread: keeps the connection and starts serving it.
    void Admit(IoLoop& loop, tcp::socket socket);
    asio::awaitable<void> Serve(std::shared_ptr<Connection> connection);
    asio::awaitable<void> WriteErrorAndClose(Connection& connection, Refusal refusal,
                                             unsigned version);
    using Upgrade = bhttp::request<bhttp::string_body>;
    /// Authorises, completes the handshake and starts the session reading; returns then.
    asio::awaitable<void> ServeWebSocket(std::shared_ptr<Connection> connection,
                                         std::shared_ptr<Upgrade> upgrade);
    /// The hub subscription a WsSession runs once its handshake is done (off the I/O threads).
    std::function<asio::awaitable<bool>(std::shared_ptr<WsSession>)> SubscribeOnPool();
    void Forget(const std::shared_ptr<Connection>& connection);

    /// Logs how a connection ended and forgets it, or, when Serve left it upgrading to a
    /// WebSocket, starts that (a named type: see RouteCall).
    struct ConnectionDone {
        Impl* impl;
        std::shared_ptr<Connection> connection;
        void operator()(std::exception_ptr error) const;
    };

    Settings settings;
    http::Router& router;
    live::Hub& hub;
    asio::thread_pool app_pool;
    std::vector<std::unique_ptr<IoLoop>> loops;
    std::size_t next_loop = 0;  ///< round robin; only the acceptor's thread uses it
    /// The acceptor's own thread. Accepting allocates Asio's per-socket reactor state, which
    /// Asio keeps in a pool for reuse after the socket closes; allocated on an I/O thread, it
    /// sat between the connections' memory and kept whole pages of it resident after a crowd
    /// had left (+23 MB after 10,000). Here it is packed together with nothing else.
    asio::io_context accept_context{1};
    tcp::acceptor acceptor;
    asio::signal_set signals;
    std::vector<std::thread> threads;
    std::promise<void> stop_requested;
    std::once_flag stop_once;
    std::atomic<bool> stopping{false};
    bool stopped = false;

    mutable std::mutex mutex;
    std::condition_variable drained;
    /// Every open connection. A set: each one that ends is found at once, not by a walk over
    /// thousands of others (a list's remove made 10,000 closing WebSockets quadratic).
    std::unordered_set<std::shared_ptr<Connection>> connections;
};

asio::awaitable<void> Server::Impl::Accept() {
    for (;;) {
        IoLoop& loop = *loops[next_loop++ % loops.size()];
        auto [ec, socket] = co_await acceptor.async_accept(loop.context, kTuple);
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            spdlog::warn("accept failed: {}", ec.message());
            // Out of file descriptors: give connections a moment to close instead of spinning.
            asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds{100});
            co_await pause.async_wait(kTuple);
            continue;
        }
        asio::post(loop.context, [this, &loop, socket = std::move(socket)]() mutable {
            Admit(loop, std::move(socket));
        });
    }
}

void Server::Impl::Admit(IoLoop& loop, tcp::socket socket) {
    auto connection = std::make_shared<Connection>(std::move(socket), loop);
    beast::error_code endpoint_ec;
    const auto remote = connection->stream->socket().remote_endpoint(endpoint_ec);
    connection->client = endpoint_ec ? "unknown" : remote.address().to_string();
    {
        std::lock_guard lock(mutex);
        if (stopping) return;
        connections.insert(connection);
    }
    asio::co_spawn(loop.context, Serve(connection), ConnectionDone{this, connection});
}

void Server::Impl::ConnectionDone::operator()(std::exception_ptr error) const {
    if (error) {
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            spdlog::error("connection from {} failed: {}", connection->client, e.what());
        }
    } else if (connection->upgrade) {
        // Serve's frame (its parser and buffers) is gone; the WebSocket lives on in its own.
        auto upgrade = std::make_shared<Upgrade>(std::move(*connection->upgrade));
        connection->upgrade.reset();
        asio::co_spawn(connection->loop.context, impl->ServeWebSocket(connection, std::move(upgrade)),
                       ConnectionDone{impl, connection});
        return;
    }
    if (connection->live) return;
    impl->Forget(connection);
}

void Server::Impl::Forget(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex);
    connections.erase(connection);
    if (connections.empty()) drained.notify_all();
}

asio::awaitable<void> Server::Impl::WriteErrorAndClose(Connection& connection, Refusal refusal,
                                                       unsigned version) {
    // Its own request id, as every answer has: the user can quote it, the log line has it.
    const auto request_id = router.NewRequestId();
    auto response = http::ErrorResponse(
        {domain::ErrorKind::kMalformed, refusal.code, refusal.message, std::nullopt}, request_id);
    response.status = refusal.status;
    response.SetHeader("X-Request-Id", request_id);
    http::AddSecurityHeaders(response, http::IsHttps(router.Settings().base_url));
    auto out = ToMessage(std::move(response), version, false, false);
    auto& stream = *connection.stream;
    {
        const util::RequestLogScope logging_for(request_id);
        spdlog::info("{} rejected before routing: {} {}", connection.client, refusal.status,
                     out.body());
    }
    stream.expires_after(settings.request_timeout);
    co_await bhttp::async_write(stream, out, kTuple);
    // Lingering close: read what the client is still sending, so that closing with unread
    // data does not reset the connection before the client has read our answer.
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(std::chrono::seconds{2});
    std::array<char, 16 * 1024> sink{};
    for (std::size_t drained_bytes = 0; drained_bytes < 8 * 1024 * 1024;) {
        auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
        if (read_ec) break;
        drained_bytes += n;
    }
    stream.close();
}

asio::awaitable<void> Server::Impl::ServeWebSocket(std::shared_ptr<Connection> connection,
                                                   std::shared_ptr<Upgrade> upgrade) {
    // Authorise before any session data is sent (off the I/O thread: it reads the database).
    auto request = http::Request::Make(http::ParseMethod(upgrade->method_string()),
                                       std::string(upgrade->target()));
    for (const auto& field : *upgrade) {
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.client = connection->client;
    auto authorizing =
        OnPool<domain::Result<http::LiveGrant>>(app_pool, LiveAuthorization{&router, request});
    auto grant = co_await std::move(authorizing);
    if (!grant) {
        spdlog::info("{} GET {} refused: {}", connection->client, request.path,
                     grant.error().code);
        auto rejecting = WriteErrorAndClose(
            *connection,
            {http::StatusOf(grant.error().kind), grant.error().code, grant.error().message},
            upgrade->version());
        co_await std::move(rejecting);
        co_return;
    }
    spdlog::info("{} GET {} 101 live {}", connection->client, request.path,
                 grant->facilitator ? "facilitator" : "participant");

    // The socket is busy for its whole life: Stop() waits for the hub to close it cleanly.
    connection->busy = true;
    auto session = std::make_shared<WsSession>(
        connection->stream->release_socket(), connection->loop.mailbox, hub, std::move(*grant),
        WsSession::Settings{.ping_interval = settings.ws_ping_interval});
    connection->stream.reset();
    auto opening = session->Open(*upgrade, SubscribeOnPool());
    if (!co_await std::move(opening)) {
        connection->busy = false;
        co_return;
    }
    // From here the session reads by itself: no coroutine frame (nor this request) stays
    // behind for an idle socket, and the session forgets the connection when it ends.
    connection->live = true;
    session->Run([this, connection] {
        connection->busy = false;
        Forget(connection);
    });
}

std::function<asio::awaitable<bool>(std::shared_ptr<WsSession>)> Server::Impl::SubscribeOnPool() {
    return [this](std::shared_ptr<WsSession> self) {
        return OnPool<bool>(app_pool, [this, self] {
            const auto& g = self->Grant();
            try {
                return hub.Subscribe(g.session_id,
                                     g.facilitator ? live::Audience::kFacilitator
                                                   : live::Audience::kParticipant,
                                     g.identity, self);
            } catch (const std::exception& e) {
                spdlog::error("live subscribe to {} failed: {}", g.session_id, e.what());
                return false;
            }
        });
    };
}

asio::awaitable<void> Server::Impl::Serve(std::shared_ptr<Connection> connection) {
    auto& stream = *connection->stream;
    beast::flat_buffer buffer;
    for (;;) {
        if (stopping) break;
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(settings.header_limit));
        parser.body_limit(router.Settings().max_body);
        stream.expires_after(settings.request_timeout);

        auto [ec, bytes] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
        // A request that cannot be served as read: answered, then the connection closes, so
        // that nothing after it on the wire is taken for a request of its own.
        std::optional<Refusal> refusal;
        unsigned version = 11;
        // Too slow, idle or gone: the stream closed the socket on its timer (a client that
        // sends part of a request and stops is dropped at --request-timeout), or the client left.
        if (IsGone(ec)) {
            break;
        } else if (ec) {
            refusal = ReadRefusal(ec);
        } else {
            version = parser.get().version();
            refusal = FramingRefusal(parser.get(), parser.chunked());
        }
        const auto started = Clock::now();
        if (!refusal) {
            const auto& header = parser.get();
            const auto limit =
                router.BodyLimit(http::ParseMethod(header.method_string()), header.target());
            if (auto length = parser.content_length(); length && *length > limit) {
                refusal = kTooLarge;
            } else {
                parser.body_limit(limit);
                if (beast::iequals(header[bhttp::field::expect], "100-continue")) {
                    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, version};
                    co_await bhttp::async_write(stream, go_on, kTuple);
                }
                std::tie(ec, bytes) = co_await bhttp::async_read(stream, buffer, parser, kTuple);
                if (IsGone(ec) || ec == bhttp::error::partial_message) {
                    break;
                } else if (ec) {
                    refusal = ReadRefusal(ec);
                }
            }
        }
        if (refusal) {
            auto rejecting = WriteErrorAndClose(*connection, *refusal, version);
            co_await std::move(rejecting);
            co_return;
        }

        auto message = parser.release();
        if (beast::websocket::is_upgrade(message)) {
            connection->upgrade = std::move(message);  // ConnectionDone takes it from here
            co_return;
        }
        const bool head = message.method() == bhttp::verb::head;
        const bool keep_alive = message.keep_alive();
        auto request = ToRequest(std::move(message), connection->client);
        const auto path = http::RedactedPath(request.path);  // for the access log
        const auto method_name = http::MethodName(request.method);

        // Handlers are synchronous and may wait on SQLite: run them on the app pool, then come
        // back to this connection's strand to write.
        connection->busy = true;
        stream.expires_never();
        auto routed = OnPool<http::Response>(app_pool, RouteCall{&router, std::move(request)});
        auto response = co_await std::move(routed);

        const int status = response.status;
        const std::string request_id(response.Header("X-Request-Id").value_or(""));
        const bool again = keep_alive && !stopping;
        auto out = ToMessage(std::move(response), version, head, again);
        stream.expires_after(settings.request_timeout);
        std::tie(ec, bytes) = co_await bhttp::async_write(stream, out, kTuple);
        connection->busy = false;

        const auto elapsed =
            std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        {
            const util::RequestLogScope logging_for(request_id);
            spdlog::info("{} {} {} {} {:.1f}ms id={}", connection->client, method_name, path,
                         status, elapsed, request_id);
        }
        if (ec || !again) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
}

Server::Server(Settings settings, http::Router& router, live::Hub& hub)
    : impl_(std::make_unique<Impl>(std::move(settings), router, hub)) {}

Server::~Server() { Stop(); }

std::uint16_t Server::Listen() {
    auto& acceptor = impl_->acceptor;
    beast::error_code ec;
    const auto address = asio::ip::make_address(impl_->settings.host, ec);
    if (ec) throw std::runtime_error("cannot listen on '" + impl_->settings.host + "': " + ec.message());
    const tcp::endpoint endpoint{address, impl_->settings.port};
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        throw std::runtime_error("cannot listen on " + impl_->settings.host + ":" +
                                 std::to_string(impl_->settings.port) + ": " + ec.message());
    }
    return acceptor.local_endpoint().port();
}

void Server::Start() {
    auto& impl = *impl_;
    impl.signals.async_wait([&impl](const beast::error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("received signal {}, shutting down", signal);
        std::call_once(impl.stop_once, [&] { impl.stop_requested.set_value(); });
    });
    asio::co_spawn(impl.acceptor.get_executor(), impl.Accept(), asio::detached);
    auto run = [](asio::io_context& context) {
        return [&context] {
            auto busy = asio::make_work_guard(context);  // until Stop(), connections or not
            context.run();
        };
    };
    impl.threads.emplace_back(run(impl.accept_context));
    for (auto& loop : impl.loops) impl.threads.emplace_back(run(loop->context));
}

void Server::WaitForSignal() { impl_->stop_requested.get_future().wait(); }

void Server::Stop() {
    auto& impl = *impl_;
    if (impl.stopped) return;
    impl.stopped = true;
    std::call_once(impl.stop_once, [&] { impl.stop_requested.set_value(); });

    std::vector<std::shared_ptr<Connection>> open;
    {
        std::lock_guard lock(impl.mutex);
        impl.stopping = true;
        open.assign(impl.connections.begin(), impl.connections.end());
    }
    asio::post(impl.acceptor.get_executor(), [&impl] {
        beast::error_code ignored;
        impl.acceptor.close(ignored);
        impl.signals.cancel(ignored);
    });
    // Idle connections are closed now; busy ones finish their request and then close.
    for (auto& connection : open) {
        asio::post(connection->loop.context, [connection] {
            if (!connection->busy && connection->stream) connection->stream->close();
        });
    }
    {
        std::unique_lock lock(impl.mutex);
        impl.drained.wait_for(lock, impl.settings.shutdown_grace,
                              [&] { return impl.connections.empty(); });
        if (!impl.connections.empty()) {
            spdlog::warn("{} connections still open after the grace period; closing them",
                         impl.connections.size());
        }
    }
    impl.accept_context.stop();
    for (auto& loop : impl.loops) loop->context.stop();
    for (auto& thread : impl.threads) {
        if (thread.joinable()) thread.join();
    }
    impl.app_pool.join();
}

std::size_t Server::OpenConnections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->connections.size();
}

}  // namespace convene::transport

// convene-load: opens N participant WebSockets on one session of a server under test, makes
// it broadcast a series of changes, and reports how long each delivery took, from the trigger
// to each recipient and to the last one.
//
// Two kinds of server speak the same measurement:
//   --server convene  Convene: an organizer signs up, makes a session; N participants join it
//                     by code (each from its own address, through X-Forwarded-For: start
//                     Convene with --trusted-proxy 127.0.0.1), open /ws/sessions/{id}; each
//                     change is a new title (PATCH /api/sessions/{id}).
//   --server peer     bench/peer/server.mjs (Node.js + ws): /ws, POST /broadcast {title}.
//
// The sockets are read by one thread; the triggers are sent from another, so that waiting for
// an HTTP answer never delays a read. Each change waits for every recipient (or --timeout-ms)
// before the next. One JSON object on stdout; progress on stderr.
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
    std::string host = "127.0.0.1";
    std::string port;
    std::string server = "convene";
    int clients = 1000;
    int changes = 20;
    int gap_ms = 100;
    int timeout_ms = 30000;
    int connecting = 200;  ///< upgrades in flight at once
    int server_pid = 0;    ///< when given, its resident memory is read along the way
    /// Join storm: each participant joins and opens its socket while changes are broadcast
    /// every --gap-ms; then the --changes rounds run with everyone in, for comparison.
    bool storm = false;
};

[[noreturn]] void Fail(const std::string& what) {
    std::cerr << "convene-load: " << what << "\n";
    std::exit(1);
}

Options Parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) Fail("missing value after " + flag);
        const std::string value = argv[++i];
        auto number = [&] {
            int n = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc{} || end != value.data() + value.size() || n < 0) {
                Fail(flag + " wants a whole number");
            }
            return n;
        };
        if (flag == "--host") o.host = value;
        else if (flag == "--port") o.port = value;
        else if (flag == "--server") o.server = value;
        else if (flag == "--clients") o.clients = number();
        else if (flag == "--changes") o.changes = number();
        else if (flag == "--gap-ms") o.gap_ms = number();
        else if (flag == "--timeout-ms") o.timeout_ms = number();
        else if (flag == "--connecting") o.connecting = std::max(1, number());
        else if (flag == "--server-pid") o.server_pid = number();
        else if (flag == "--storm") o.storm = value == "1" || value == "yes";
        else Fail("unknown flag " + flag);
    }
    if (o.port.empty()) Fail("--port is required");
    if (o.server != "convene" && o.server != "peer") Fail("--server is convene or peer");
    if (o.storm && o.server != "convene") Fail("--storm joins by code: --server convene");
    return o;
}

/// One keep-alive HTTP/1.1 connection for the set-up calls and the triggers.
class HttpConnection {
public:
    explicit HttpConnection(const Options& o) : options_(o), stream_(ioc_) { Connect(); }

    struct Answer {
        unsigned status = 0;
        std::string body;
        std::string cookie;
    };

    Answer Send(http::verb method, const std::string& target, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers = {}) {
        http::request<http::string_body> request{method, target, 11};
        request.set(http::field::host, options_.host + ":" + options_.port);
        request.set(http::field::origin, "http://" + options_.host + ":" + options_.port);
        if (!body.empty()) request.set(http::field::content_type, "application/json");
        for (const auto& [name, value] : headers) request.set(name, value);
        if (!bearer_.empty()) request.set(http::field::authorization, "Bearer " + bearer_);
        request.body() = body;
        request.prepare_payload();
        http::response<http::string_body> response;
        try {
            Exchange(request, response);
        } catch (const beast::system_error&) {
            // The server closed the idle keep-alive connection (it waited while the sockets
            // came up): once more on a new one.
            Connect();
            response = {};
            Exchange(request, response);
        }
        return {response.result_int(), response.body(),
                std::string(response[http::field::set_cookie])};
    }

    void UseBearer(std::string token) { bearer_ = std::move(token); }

private:
    void Connect() {
        beast::error_code ignored;
        stream_.socket().close(ignored);
        buffer_.clear();
        tcp::resolver resolver(ioc_);
        stream_.connect(resolver.resolve(options_.host, options_.port));
    }
    void Exchange(http::request<http::string_body>& request,
                  http::response<http::string_body>& response) {
        http::write(stream_, request);
        http::read(stream_, buffer_, response);
    }

    const Options& options_;
    net::io_context ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::string bearer_;
};

json Expect(const HttpConnection::Answer& answer, unsigned status, const std::string& what) {
    if (answer.status != status) {
        Fail(what + ": HTTP " + std::to_string(answer.status) + " " + answer.body);
    }
    return answer.body.empty() ? json() : json::parse(answer.body);
}

/// Participant `i`'s own address, as phones have (told through a trusted proxy).
std::string AddressOf(std::size_t i) {
    return "10." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) + "." +
           std::to_string(i & 255);
}

/// When each change reached each client (nanoseconds on the steady clock; 0: not yet).
struct Arrivals {
    Arrivals(int changes, int clients)
        : at(static_cast<std::size_t>(changes), std::vector<std::int64_t>(static_cast<std::size_t>(clients), 0)),
          received(static_cast<std::size_t>(changes)) {}
    std::vector<std::vector<std::int64_t>> at;
    std::vector<std::atomic<int>> received;
    /// When participant 0 got a participant-count push (read after the crowd stopped).
    std::vector<std::int64_t> count_pushes;
};

std::int64_t Now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

/// The change number a change message carries (`round-<k>`), if any. A socket's first
/// message (the whole state, which has the title too) is not a delivery of the change.
std::optional<int> RoundOf(std::string_view text) {
    if (text.find(R"("type":"state")") != std::string_view::npos) return std::nullopt;
    constexpr std::string_view kMarker = "round-";
    const auto at = text.find(kMarker);
    if (at == std::string_view::npos) return std::nullopt;
    int round = 0;
    const auto* start = text.data() + at + kMarker.size();
    const auto [end, ec] = std::from_chars(start, text.data() + text.size(), round);
    if (ec != std::errc{} || end == start) return std::nullopt;
    return round;
}

/// Every participant socket, read by one io_context on one thread.
class Crowd {
public:
    Crowd(const Options& o, std::vector<std::string> targets, Arrivals& arrivals)
        : options_(o), targets_(std::move(targets)), arrivals_(arrivals) {
        tcp::resolver resolver(ioc_);
        endpoints_ = resolver.resolve(o.host, o.port);
    }

    /// With a code, each participant first joins by it (POST /api/join from its own address)
    /// and then opens its socket: the join storm. Without, `targets` are ready socket paths.
    void JoinBy(std::string code, std::string session_id) {
        code_ = std::move(code);
        session_id_ = std::move(session_id);
    }

    /// Opens every socket (at most --connecting in flight at once) on the reading thread.
    void Start() {
        const int first = std::min<int>(options_.connecting, static_cast<int>(targets_.size()));
        for (int i = 0; i < first; ++i) Begin(next_++);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    /// True when every socket is in and has its first message, within `timeout`.
    bool WaitReady(std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (!Settled() && Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{20});  // progress polling
        }
        return ready_.load() == static_cast<int>(targets_.size());
    }
    bool Settled() const {
        return ready_.load() + failed_.load() + join_failed_.load() >=
               static_cast<int>(targets_.size());
    }
    int Ready() const { return ready_.load(); }
    int Failed() const { return failed_.load(); }
    int JoinFailed() const { return join_failed_.load(); }

    void Stop() {
        ioc_.stop();
        if (thread_.joinable()) thread_.join();
    }

private:
    struct Socket {
        explicit Socket(net::io_context& ioc) : ws(ioc) {}
        websocket::stream<beast::tcp_stream> ws;
        beast::flat_buffer buffer;
        bool greeted = false;
    };
    struct Joining {
        explicit Joining(net::io_context& ioc) : stream(ioc) {}
        beast::tcp_stream stream;
        http::request<http::string_body> request;
        http::response<http::string_body> response;
        beast::flat_buffer buffer;
    };

    void Begin(std::size_t index) {
        if (code_.empty()) return Open(index);
        auto join = std::make_shared<Joining>(ioc_);
        join->request = {http::verb::post, "/api/join", 11};
        join->request.set(http::field::host, options_.host + ":" + options_.port);
        join->request.set(http::field::content_type, "application/json");
        join->request.set("X-Forwarded-For", AddressOf(index));
        join->request.body() = json{{"code", code_}}.dump();
        join->request.prepare_payload();
        auto failed = [this, index](const char* what, beast::error_code ec) {
            if (join_failed_.fetch_add(1) < 5) {
                std::cerr << "client " << index << ": join " << what << ": " << ec.message()
                          << "\n";
            }
            OpenNext();
        };
        join->stream.async_connect(endpoints_, [this, join, index, failed](
                                                   beast::error_code ec, const tcp::endpoint&) {
            if (ec) return failed("connect", ec);
            http::async_write(join->stream, join->request, [this, join, index, failed](
                                                               beast::error_code ec2, std::size_t) {
                if (ec2) return failed("write", ec2);
                http::async_read(join->stream, join->buffer, join->response,
                                 [this, join, index, failed](beast::error_code ec3, std::size_t) {
                                     if (ec3) return failed("read", ec3);
                                     if (join->response.result_int() != 200) {
                                         return failed("answer", beast::error_code{});
                                     }
                                     const auto token = json::parse(join->response.body())
                                         ["participant_token"].get<std::string>();
                                     targets_[index] = "/ws/sessions/" + session_id_ +
                                                       "?participant_token=" + token;
                                     Open(index);
                                 });
            });
        });
    }

    void Open(std::size_t index) {
        auto socket = std::make_shared<Socket>(ioc_);
        socket->ws.set_option(websocket::stream_base::decorator([](websocket::request_type& r) {
            r.set(http::field::user_agent, "convene-load");
        }));
        beast::get_lowest_layer(socket->ws).async_connect(
            endpoints_, [this, socket, index](beast::error_code ec, const tcp::endpoint&) {
                if (ec) return Failed(index, "connect", ec);
                socket->ws.async_handshake(
                    options_.host + ":" + options_.port, targets_[index],
                    [this, socket, index](beast::error_code ec2) {
                        if (ec2) return Failed(index, "upgrade", ec2);
                        Read(socket, index);
                    });
            });
    }

    void OpenNext() {
        if (next_ < targets_.size()) Begin(next_++);
    }

    void Failed(std::size_t index, const char* what, beast::error_code ec) {
        if (failed_.fetch_add(1) < 5) {
            std::cerr << "client " << index << ": " << what << ": " << ec.message() << "\n";
        }
        OpenNext();
    }

    void Read(const std::shared_ptr<Socket>& socket, std::size_t index) {
        socket->ws.async_read(socket->buffer, [this, socket, index](beast::error_code ec,
                                                                    std::size_t) {
            if (ec) return;  // closed: the server or Stop()
            const auto at = Now();
            const auto data = socket->buffer.cdata();
            const std::string_view text(static_cast<const char*>(data.data()), data.size());
            if (!socket->greeted) {
                socket->greeted = true;
                ready_.fetch_add(1);
                OpenNext();
            }
            if (index == 0 && text.find(R"("type":"participants")") != std::string_view::npos) {
                arrivals_.count_pushes.push_back(at);
            }
            if (auto round = RoundOf(text);
                round && *round >= 0 && *round < static_cast<int>(arrivals_.at.size())) {
                auto& slot = arrivals_.at[static_cast<std::size_t>(*round)][index];
                if (slot == 0) {
                    slot = at;
                    arrivals_.received[static_cast<std::size_t>(*round)].fetch_add(
                        1, std::memory_order_release);
                }
            }
            socket->buffer.consume(socket->buffer.size());
            Read(socket, index);
        });
    }

    const Options& options_;
    std::vector<std::string> targets_;
    Arrivals& arrivals_;
    net::io_context ioc_;
    tcp::resolver::results_type endpoints_;
    std::string code_;
    std::string session_id_;
    std::size_t next_ = 0;
    std::atomic<int> ready_{0};
    std::atomic<int> failed_{0};
    std::atomic<int> join_failed_{0};
    std::thread thread_;
};

/// The resident memory of process `pid` in KiB (VmRSS), 0 when unknown.
long ResidentKib(int pid) {
    if (pid <= 0) return 0;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:")) return std::strtol(line.c_str() + 6, nullptr, 10);
    }
    return 0;
}

double Percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(rank, values.size() - 1)];
}

}  // namespace

/// Latencies of the deliveries of some rounds: every recipient's, and the last one's.
struct Latencies {
    std::vector<double> deliveries;  // ms
    std::vector<double> lasts;       // per round, ms
    double busy_s = 0;               // sum over rounds of trigger → last recipient
    int missing = 0;

    /// Adds round `round`, sent at `t0`; with `all_expected`, a client without it is missing.
    void Add(const Arrivals& arrivals, int round, std::int64_t t0, bool all_expected) {
        std::int64_t last = t0;
        for (const auto at : arrivals.at[static_cast<std::size_t>(round)]) {
            if (at == 0) {
                if (all_expected) ++missing;
                continue;
            }
            deliveries.push_back(static_cast<double>(at - t0) / 1e6);
            last = std::max(last, at);
        }
        lasts.push_back(static_cast<double>(last - t0) / 1e6);
        busy_s += static_cast<double>(last - t0) / 1e9;
    }
};

/// The most participant-count pushes participant 0 saw in any one second of [from, to).
int BusiestSecond(const std::vector<std::int64_t>& pushes, std::int64_t from, std::int64_t to) {
    int most = 0;
    for (std::size_t i = 0; i < pushes.size(); ++i) {
        if (pushes[i] < from || pushes[i] >= to) continue;
        int in_window = 0;
        for (std::size_t j = i; j < pushes.size() && pushes[j] < pushes[i] + 1'000'000'000; ++j) {
            ++in_window;
        }
        most = std::max(most, in_window);
    }
    return most;
}

int main(int argc, char** argv) {
    const auto options = Parse(argc, argv);
    HttpConnection http_connection(options);
    std::vector<std::string> targets;
    std::string change_target;
    std::string session_id;
    std::string code;
    const auto n = static_cast<std::size_t>(options.clients);

    const auto setup_started = Clock::now();
    if (options.server == "convene") {
        const auto email = "bench-" + std::to_string(Now()) + "@bench.invalid";
        const auto signed_up = http_connection.Send(
            http::verb::post, "/api/auth/signup",
            json{{"email", email}, {"password", "benchmark password"}, {"name", "Bench"}}.dump());
        Expect(signed_up, 201, "sign-up");
        const auto cookie = signed_up.cookie.substr(0, signed_up.cookie.find(';'));
        const auto token = Expect(http_connection.Send(http::verb::post, "/api/tokens",
                                                       json{{"name", "bench"}}.dump(),
                                                       {{"Cookie", cookie}}),
                                  201, "API token")["token"];
        http_connection.UseBearer(token.get<std::string>());
        const auto session = Expect(
            http_connection.Send(http::verb::post, "/api/sessions", json{{"title", "bench"}}.dump()),
            201, "session");
        session_id = session["id"];
        code = session["code"];
        change_target = "/api/sessions/" + session_id;
        for (std::size_t i = 0; i < n && !options.storm; ++i) {
            const auto joined = Expect(
                http_connection.Send(http::verb::post, "/api/join", json{{"code", code}}.dump(),
                                     {{"X-Forwarded-For", AddressOf(i)}}),
                200, "join " + std::to_string(i));
            targets.push_back("/ws/sessions/" + session_id + "?participant_token=" +
                              joined["participant_token"].get<std::string>());
        }
        if (options.storm) targets.assign(n, "");
    } else {
        change_target = "/broadcast";
        targets.assign(n, "/ws");
    }
    const auto joined_in = Clock::now() - setup_started;

    // Rounds: during the storm (one every --gap-ms while the crowd comes in, at most 300),
    // then --changes with everyone in.
    constexpr int kMaxStormRounds = 300;
    const int storm_rounds_max = options.storm ? kMaxStormRounds : 0;
    Arrivals arrivals(storm_rounds_max + options.changes, options.clients);
    const auto trigger = [&](int round) {
        const auto body = json{{"title", "round-" + std::to_string(round)}}.dump();
        const auto t0 = Now();
        const auto answer = http_connection.Send(
            options.server == "convene" ? http::verb::patch : http::verb::post, change_target,
            body);
        if (answer.status >= 300) Fail("trigger: HTTP " + std::to_string(answer.status));
        return t0;
    };

    std::optional<Crowd> crowd;
    crowd.emplace(options, targets, arrivals);
    if (options.storm) crowd->JoinBy(code, session_id);
    const auto rss_before = ResidentKib(options.server_pid);
    const auto connect_started = Clock::now();
    Latencies storm;
    int storm_rounds = 0;
    const auto storm_start = Now();
    crowd->Start();
    if (options.storm) {
        std::vector<std::int64_t> sent;
        while (!crowd->Settled() && storm_rounds < storm_rounds_max &&
               Clock::now() - connect_started < std::chrono::milliseconds{options.timeout_ms} * 4) {
            sent.push_back(trigger(storm_rounds++));
            std::this_thread::sleep_for(std::chrono::milliseconds{options.gap_ms});
        }
        std::this_thread::sleep_for(std::chrono::seconds{1});  // the last round's stragglers
        for (int round = 0; round < storm_rounds; ++round) {
            storm.Add(arrivals, round, sent[static_cast<std::size_t>(round)], false);
        }
    }
    if (!crowd->WaitReady(std::chrono::milliseconds{options.timeout_ms} * 4)) {
        Fail("only " + std::to_string(crowd->Ready()) + " of " + std::to_string(n) +
             " sockets came up (" + std::to_string(crowd->JoinFailed()) + " joins and " +
             std::to_string(crowd->Failed()) + " upgrades failed)");
    }
    const auto connected_in = Clock::now() - connect_started;
    const auto storm_end = Now();
    std::this_thread::sleep_for(std::chrono::seconds{1});  // let the server settle, then read
    const auto rss_connected = ResidentKib(options.server_pid);
    std::cerr << n << " sockets up in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(connected_in).count()
              << " ms\n";

    Latencies idle;
    idle.deliveries.reserve(n * static_cast<std::size_t>(options.changes));
    for (int round = storm_rounds_max; round < storm_rounds_max + options.changes; ++round) {
        const auto t0 = trigger(round);
        const auto deadline = Clock::now() + std::chrono::milliseconds{options.timeout_ms};
        auto& received = arrivals.received[static_cast<std::size_t>(round)];
        while (received.load(std::memory_order_acquire) < options.clients &&
               Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::microseconds{200});  // completion polling
        }
        idle.Add(arrivals, round, t0, true);
        std::this_thread::sleep_for(std::chrono::milliseconds{options.gap_ms});
    }
    crowd->Stop();
    crowd.reset();  // every socket closes
    // The server notices 10,000 closes over a few seconds: read its memory until it has not
    // moved by more than 1% for 2 s (at most 15 s).
    auto rss_after = ResidentKib(options.server_pid);
    for (int steady = 0, waited = 0; options.server_pid > 0 && steady < 4 && waited < 30;
         ++waited) {
        std::this_thread::sleep_for(std::chrono::milliseconds{500});
        const auto now_kib = ResidentKib(options.server_pid);
        steady = std::abs(now_kib - rss_after) * 100 <= rss_after ? steady + 1 : 0;
        rss_after = now_kib;
    }

    const auto ms = [](auto duration) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
    };
    const auto& d = idle.deliveries;
    json result{{"server", options.server},
                {"clients", options.clients},
                {"changes", options.changes},
                {"setup_ms", ms(joined_in)},
                {"connect_ms", ms(connected_in)},
                {"p50_ms", Percentile(d, 50)},
                {"p99_ms", Percentile(d, 99)},
                {"max_ms", d.empty() ? 0 : *std::max_element(d.begin(), d.end())},
                {"last_p50_ms", Percentile(idle.lasts, 50)},
                {"last_max_ms",
                 idle.lasts.empty() ? 0 : *std::max_element(idle.lasts.begin(), idle.lasts.end())},
                {"deliveries_per_s",
                 idle.busy_s > 0 ? static_cast<double>(d.size()) / idle.busy_s : 0},
                {"missing", idle.missing},
                {"rss_before_kib", rss_before},
                {"rss_connected_kib", rss_connected},
                {"rss_after_kib", rss_after},
                {"rss_per_client_bytes",
                 n > 0 ? static_cast<double>(rss_connected - rss_before) * 1024.0 /
                             static_cast<double>(n)
                       : 0}};
    if (options.storm) {
        // A failed join or upgrade ends the run above (WaitReady): none failed here.
        result["storm"] = json{
            {"rounds", storm_rounds},
            {"gap_ms", options.gap_ms},
            {"deliveries", storm.deliveries.size()},
            {"p50_ms", Percentile(storm.deliveries, 50)},
            {"p99_ms", Percentile(storm.deliveries, 99)},
            {"max_ms", storm.deliveries.empty() ? 0 : *std::max_element(storm.deliveries.begin(),
                                                                         storm.deliveries.end())},
            {"count_pushes", arrivals.count_pushes.size()},
            {"count_pushes_busiest_second",
             BusiestSecond(arrivals.count_pushes, storm_start, storm_end)},
            {"p99_ratio_storm_over_idle",
             Percentile(d, 99) > 0 ? Percentile(storm.deliveries, 99) / Percentile(d, 99) : 0}};
    }
    std::cout << result.dump() << std::endl;
    return idle.missing == 0 ? 0 : 2;
}

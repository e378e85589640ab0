// Live state under stress: silent peers, slow readers, a large crowd. Real sockets throughout.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <thread>

#include "http_client.hpp"
#include "test_server.hpp"
#include "ws_client.hpp"

namespace convene {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using testing::HttpClient;
using testing::TestServer;
using testing::WsClient;

struct Fixture {
    explicit Fixture(app::Config config = {}) : server(config), owner(server.Port(), server.BaseUrl()) {
        owner.PostJson("/api/auth/signup",
                       {{"email", "owner@example.org"}, {"password", "long enough"}, {"name", "O"}});
        session = owner.PostJson("/api/sessions", {{"title", "Big room"}}).Json();
        id = session["id"];
    }
    std::string Token() {
        return HttpClient(server.Port())
            .PostJson("/api/join", {{"code", session["code"]}})
            .Json()["participant_token"];
    }
    WsClient::Headers OwnerHeaders() {
        return {{"Origin", server.BaseUrl()},
                {"Cookie", "convene_session=" + owner.Cookies().at("convene_session")}};
    }
    TestServer server;
    HttpClient owner;
    json session;
    std::string id;
};

TEST(LiveLoad, ASilentPeerIsPingedThenDropped) {
    app::Config config;
    config.ws_ping_interval_s = 1;
    Fixture f(config);
    // A raw client that completes the handshake and then never answers anything.
    const auto started = std::chrono::steady_clock::now();
    auto raw = testing::RawExchange(
        f.server.Port(),
        "GET /ws/sessions/" + f.id + "?participant_token=" + f.Token() +
            " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        10s);
    EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 101")) << raw.received.substr(0, 100);
    EXPECT_NE(raw.received.find('\x89'), std::string::npos) << "no ping frame was sent";
    EXPECT_TRUE(raw.closed);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 6s);
}

TEST(LiveLoad, ASlowReaderIsCoalescedWhileOthersKeepUp) {
    Fixture f;
    // Make every facilitator message large: ten slides of 9,000 characters.
    for (int i = 0; i < 10; ++i) {
        f.owner.Request("POST", "/api/sessions/" + f.id + "/slides",
                        json{{"title", "S" + std::to_string(i)}, {"body", std::string(9000, 'x')}}
                            .dump());
    }
    constexpr int kChanges = 150;
    const std::string final_title = "Title " + std::to_string(kChanges - 1);

    WsClient slow(f.server.Port(), "/ws/sessions/" + f.id, f.OwnerHeaders(), 4096);
    WsClient fast(f.server.Port(), "/ws/sessions/" + f.id, f.OwnerHeaders());
    ASSERT_TRUE(fast.Next());  // its state
    std::atomic<bool> fast_done{false};
    std::thread reader([&] {
        while (auto message = fast.Next(30s)) {
            if ((*message)["session"].value("title", "") == final_title) {
                fast_done = true;
                return;
            }
        }
    });
    for (int i = 0; i < kChanges; ++i) {
        ASSERT_EQ(f.owner
                      .Request("PATCH", "/api/sessions/" + f.id,
                               json{{"title", "Title " + std::to_string(i)}}.dump())
                      .status,
                  200);
    }
    reader.join();
    // Had the slow reader's full buffers held up the fan-out, the fast reader would still be
    // waiting (the slow one is only read below): seeing the last change is the proof. How
    // fast belongs to the benchmarks (bench/), not to a test.
    ASSERT_TRUE(fast_done) << "the fast reader never saw the last change";

    // The slow reader was neither cut off nor buffered without bound: it gets the latest
    // state, having skipped most steps in between.
    int received = 0;
    bool saw_final = false;
    while (auto message = slow.Next(10s)) {
        ++received;
        if ((*message)["session"].value("title", "") == final_title) {
            saw_final = true;
            break;
        }
    }
    EXPECT_TRUE(saw_final);
    EXPECT_LT(received, kChanges);
}

/// N participant sockets on one io_context, counting who saw the closed state and the close.
class Crowd {
public:
    Crowd(std::uint16_t port, std::vector<std::string> targets) : port_(port) {
        for (auto& target : targets) Connect(std::move(target));
    }
    /// Runs until `done()` or the deadline.
    bool RunUntil(const std::function<bool()>& done, std::chrono::seconds deadline) {
        const auto until = std::chrono::steady_clock::now() + deadline;
        while (!done() && std::chrono::steady_clock::now() < until) {
            ioc_.run_for(50ms);
            if (ioc_.stopped()) ioc_.restart();
        }
        return done();
    }
    int connected = 0;
    int saw_closed = 0;
    int closed_4000 = 0;
    int failed = 0;
    std::vector<std::string> errors;

private:
    struct Member {
        explicit Member(boost::asio::io_context& ioc) : ws(ioc) {}
        boost::beast::websocket::stream<boost::beast::tcp_stream> ws;
        boost::beast::flat_buffer buffer;
    };
    void Connect(std::string target) {
        namespace asio = boost::asio;
        auto member = std::make_shared<Member>(ioc_);
        boost::beast::get_lowest_layer(member->ws)
            .async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_),
                           [this, member, target](boost::beast::error_code ec) {
                               if (ec) {
                                   ++failed;
                                   errors.push_back("connect: " + ec.message());
                                   return;
                               }
                               member->ws.async_handshake(
                                   "127.0.0.1", target, [this, member](boost::beast::error_code e) {
                                       if (e) {
                                           ++failed;
                                           errors.push_back("handshake: " + e.message());
                                           return;
                                       }
                                       ++connected;
                                       Read(member);
                                   });
                           });
    }
    void Read(const std::shared_ptr<Member>& member) {
        member->ws.async_read(member->buffer, [this, member](boost::beast::error_code ec,
                                                             std::size_t) {
            if (ec) {
                if (member->ws.reason().code == 4000) ++closed_4000;
                return;
            }
            const auto text = boost::beast::buffers_to_string(member->buffer.data());
            member->buffer.consume(member->buffer.size());
            // A socket whose subscription lands just after the close gets its first state
            // already closed: what counts is seeing the closed state.
            if (json::parse(text)["status"] == "closed") ++saw_closed;
            Read(member);
        });
    }
    boost::asio::io_context ioc_;
    std::uint16_t port_;
};

TEST(LiveLoad, TwoThousandParticipantsAllSeeTheCloseAndAreLetGo) {
    Fixture f;
    constexpr int kSockets = 2000;
    constexpr int kTokens = 20;  // a participant may hold several sockets (tabs)
    std::vector<std::string> tokens;
    for (int i = 0; i < kTokens; ++i) tokens.push_back(f.Token());
    std::vector<std::string> targets;
    for (int i = 0; i < kSockets; ++i) {
        targets.push_back("/ws/sessions/" + f.id + "?participant_token=" +
                          tokens[static_cast<std::size_t>(i % kTokens)]);
    }
    Crowd crowd(f.server.Port(), std::move(targets));
    ASSERT_TRUE(crowd.RunUntil([&] { return crowd.connected + crowd.failed == kSockets; }, 60s));
    ASSERT_EQ(crowd.connected, kSockets) << (crowd.errors.empty() ? "" : crowd.errors[0]);

    ASSERT_EQ(f.owner.Request("POST", "/api/sessions/" + f.id + "/close").status, 200);
    EXPECT_TRUE(crowd.RunUntil([&] { return crowd.closed_4000 == kSockets; }, 60s));
    EXPECT_EQ(crowd.saw_closed, kSockets);
    EXPECT_EQ(crowd.closed_4000, kSockets);
}

}  // namespace
}  // namespace convene

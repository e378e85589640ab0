// The real server on 127.0.0.1:0 over real sockets.
#include <gtest/gtest.h>

#include <regex>

#include "http_client.hpp"
#include "test_server.hpp"

namespace convene {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::RawExchange;
using testing::TestServer;

json SignupBody(const std::string& email) {
    return {{"email", email}, {"password", "long enough"}, {"name", "Ann"}};
}

TEST(Server, HealthzOverARealSocket) {
    TestServer server;
    HttpClient client(server.Port());
    auto response = client.Get("/healthz");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.Json()["status"], "ok");
    EXPECT_TRUE(std::regex_match(response.Header("date").value_or(""),
                                 std::regex(R"(\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT)")));
}

TEST(Server, SignupThenMeWithTheCookieOnOneKeepAliveConnection) {
    TestServer server;
    HttpClient client(server.Port(), server.BaseUrl());
    auto signup = client.PostJson("/api/auth/signup", SignupBody("ann@example.org"));
    ASSERT_EQ(signup.status, 201) << signup.body;
    ASSERT_TRUE(client.Cookies().contains("convene_session"));
    auto me = client.Get("/api/me");
    EXPECT_EQ(me.status, 200);
    EXPECT_EQ(me.Json()["email"], "ann@example.org");
    EXPECT_EQ(me.Json()["role"], "admin");
    EXPECT_EQ(client.ConnectionsOpened(), 1);
}

TEST(Server, ALoginSurvivesARestart) {
    TestServer server;
    HttpClient client(server.Port(), server.BaseUrl());
    ASSERT_EQ(client.PostJson("/api/auth/signup", SignupBody("ann@example.org")).status, 201);
    const auto cookie = client.Cookies().at("convene_session");

    server.Restart();
    HttpClient after(server.Port(), server.BaseUrl());
    after.Cookies()["convene_session"] = cookie;
    auto me = after.Get("/api/me");
    EXPECT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.Json()["email"], "ann@example.org");
}

TEST(Server, OriginCheckOverTheWire) {
    TestServer server;
    HttpClient browser(server.Port(), server.BaseUrl());
    ASSERT_EQ(browser.PostJson("/api/auth/signup", SignupBody("ann@example.org")).status, 201);
    auto ok = browser.Request("PATCH", "/api/me", R"({"default_session_days":9})");
    EXPECT_EQ(ok.status, 200) << ok.body;

    HttpClient forger(server.Port(), "http://evil.example");
    forger.Cookies() = browser.Cookies();
    auto forged = forger.Request("PATCH", "/api/me", R"({"default_session_days":1})");
    EXPECT_EQ(forged.status, 403);
    EXPECT_EQ(forged.ErrorCode(), "bad_origin");
}

TEST(Server, ServesTheEmbeddedWebApp) {
    TestServer server;
    HttpClient client(server.Port());
    auto home = client.Get("/");
    EXPECT_EQ(home.status, 200);
    EXPECT_EQ(home.Header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(home.body.find("id=\"code\""), std::string::npos);
    auto head = client.Request("HEAD", "/");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(head.Header("content-length"), std::to_string(home.body.size()));
    auto again = client.Request("GET", "/", {}, {{"If-None-Match", *home.Header("etag")}});
    EXPECT_EQ(again.status, 304);
}

TEST(Server, UnknownApiRouteAndWrongMethod) {
    TestServer server;
    HttpClient client(server.Port());
    auto missing = client.Get("/api/does-not-exist");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.ErrorCode(), "not_found");
    auto wrong = client.Request("PUT", "/api/me");
    EXPECT_EQ(wrong.status, 405);
    EXPECT_EQ(wrong.ErrorCode(), "method_not_allowed");
}

TEST(Server, BodyOverTheLimitIs413) {
    app::Config config;
    config.max_body = 64 * 1024;
    TestServer server(config);
    HttpClient client(server.Port());
    // Over a route's own cap (16 KiB for sign-in), and over the server-wide cap.
    for (std::size_t size : {std::size_t{20 * 1024}, std::size_t{2 * 1024 * 1024}}) {
        auto response = client.Request("POST", "/api/auth/login", std::string(size, 'x'),
                                       {{"Content-Type", "application/json"}});
        EXPECT_EQ(response.status, 413) << size;
        EXPECT_EQ(response.ErrorCode(), "payload_too_large") << size;
    }
}

TEST(Server, ChunkedBodyOverTheLimitIs413) {
    TestServer server;
    std::string request =
        "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(8192, 'x');
    for (int i = 0; i < 4; ++i) request += "2000\r\n" + chunk + "\r\n";
    request += "0\r\n\r\n";
    auto raw = RawExchange(server.Port(), request);
    EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 413")) << raw.received.substr(0, 200);
    EXPECT_NE(raw.received.find("payload_too_large"), std::string::npos);
}

TEST(Server, HeadersOverTheLimitAre431) {
    TestServer server;
    auto raw = RawExchange(server.Port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                              std::string(64 * 1024, 'a') + "\r\n\r\n");
    EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 431")) << raw.received.substr(0, 200);
    EXPECT_NE(raw.received.find("headers_too_large"), std::string::npos);
}

TEST(Server, GarbageIs400AndTheConnectionCloses) {
    TestServer server;
    auto raw = RawExchange(server.Port(), "HELLO THERE\r\n\r\n");
    EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 400")) << raw.received;
    EXPECT_NE(raw.received.find("malformed_request"), std::string::npos);
    EXPECT_TRUE(raw.closed);
}

TEST(Server, ASlowClientCannotPinAConnection) {
    app::Config config;
    config.request_timeout_ms = 300;
    TestServer server(config);
    // Half a request line, then silence: the server must close well before our 10 s deadline.
    const auto started = std::chrono::steady_clock::now();
    auto raw = RawExchange(server.Port(), "GET /heal", std::chrono::seconds{10});
    EXPECT_TRUE(raw.closed);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{5});
}

TEST(Server, ExpectContinueIsHonoured) {
    TestServer server;
    const std::string body = SignupBody("ann@example.org").dump();
    auto raw = RawExchange(server.Port(),
                           "POST /api/auth/signup HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                           "Connection: close\r\nContent-Type: application/json\r\n"
                           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 100 Continue")) << raw.received;
    EXPECT_NE(raw.received.find("HTTP/1.1 201"), std::string::npos) << raw.received;
}

TEST(Server, ConcurrentClientsAreServed) {
    TestServer server;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            HttpClient client(server.Port(), server.BaseUrl());
            if (client.PostJson("/api/auth/signup", SignupBody("u" + std::to_string(t) + "@x.org"))
                    .status == 201 &&
                client.Get("/api/me").status == 200) {
                ++ok;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(ok, 8);
}

}  // namespace
}  // namespace convene

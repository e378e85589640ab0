// Sessions over real sockets with real seconds-long end dates.
#include <gtest/gtest.h>

#include <thread>

#include "convene/app/config.hpp"
#include "convene/util/time.hpp"
#include "http_client.hpp"
#include "test_databases.hpp"
#include "test_server.hpp"

namespace convene {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using testing::HttpClient;
using testing::TestServer;

util::Instant Now() { return util::SystemClock{}.Now(); }

json CreateSession(HttpClient& client, util::Instant ends_at) {
    auto created = client.PostJson("/api/sessions", {{"title", "Short"},
                                                     {"ends_at", util::FormatRfc3339(ends_at)}});
    EXPECT_EQ(created.status, 201) << created.body;
    return created.Json();
}

/// Polls the session until it is closed or `deadline` passes (then returns it anyway).
json WaitUntilClosed(HttpClient& client, const std::string& id, util::Instant deadline) {
    for (;;) {
        auto session = client.Get("/api/sessions/" + id).Json();
        if (session["status"] == "closed" || Now() > deadline) return session;
        std::this_thread::sleep_for(50ms);  // polling interval, not a stand-in for the condition
    }
}

app::Config On(const testing::TestDatabase& database) {
    app::Config config;
    config.db_path = database.Url();
    return config;
}

// On an SQLite file and on PostgreSQL: the timer closes each session to the second on both.
class SessionsIntegration : public ::testing::TestWithParam<std::string> {
protected:
    SessionsIntegration()
        : database(GetParam()), server(On(database)), client(server.Port(), server.BaseUrl()) {
        EXPECT_EQ(client.PostJson("/api/auth/signup", {{"email", "ann@example.org"},
                                                       {"password", "long enough"},
                                                       {"name", "Ann"}})
                      .status,
                  201);
    }
    testing::TestDatabase database;
    TestServer server;
    HttpClient client;
};

TEST_P(SessionsIntegration, ASessionClosesByItselfAtItsEndDate) {
    const auto ends_at = Now() + 2s;
    auto session = CreateSession(client, ends_at);
    auto participant = HttpClient(server.Port()).PostJson("/api/join", {{"code", session["code"]}});
    EXPECT_EQ(participant.status, 200);

    auto closed = WaitUntilClosed(client, session["id"], ends_at + 10s);
    ASSERT_EQ(closed["status"], "closed") << closed;
    EXPECT_EQ(closed["closed_at"], util::FormatRfc3339(ends_at));
    EXPECT_EQ(closed["close_reason"], "expiry");
    EXPECT_EQ(HttpClient(server.Port()).PostJson("/api/join", {{"code", session["code"]}}).status,
              423);
}

TEST_P(SessionsIntegration, MovingTheEndDateReArmsTheTimer) {
    // A far end date arms nothing soon; moving it close must wake the scheduler.
    auto session = CreateSession(client, Now() + std::chrono::days{3});
    const auto ends_at = Now() + 2s;
    auto moved = client.Request("PATCH", "/api/sessions/" + std::string(session["id"]),
                                json{{"ends_at", util::FormatRfc3339(ends_at)}}.dump());
    ASSERT_EQ(moved.status, 200) << moved.body;
    auto closed = WaitUntilClosed(client, session["id"], ends_at + 10s);
    EXPECT_EQ(closed["status"], "closed");
    EXPECT_EQ(closed["closed_at"], util::FormatRfc3339(ends_at));
}

TEST_P(SessionsIntegration, ASessionThatExpiredWhileTheServerWasDownIsClosedAtStartUp) {
    const auto ends_at = Now() + 2s;
    auto session = CreateSession(client, ends_at);
    const auto cookie = client.Cookies();
    server.Stop();
    // The server must be down while the end date passes: wait for that instant itself.
    std::this_thread::sleep_until(std::chrono::system_clock::time_point(ends_at + 1s));
    server.Restart();

    HttpClient after(server.Port(), server.BaseUrl());
    after.Cookies() = cookie;
    auto closed = after.Get("/api/sessions/" + std::string(session["id"])).Json();
    EXPECT_EQ(closed["status"], "closed");  // at once: no polling here
    EXPECT_EQ(closed["closed_at"], util::FormatRfc3339(ends_at));
    EXPECT_EQ(closed["close_reason"], "expiry");
}

INSTANTIATE_TEST_SUITE_P(Engines, SessionsIntegration, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& engine) {
                             return engine.param;
                         });

// Until the nodes share their jobs and live state, one server per PostgreSQL database: a
// second is refused at its start, saying why, and the first goes on serving.
TEST(PostgresServer, ASecondServerOnTheSameDatabaseIsRefused) {
    testing::TestDatabase database("postgres");
    TestServer first(On(database));
    try {
        TestServer second(On(database));
        FAIL() << "two servers on one database";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("one server per PostgreSQL database"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(HttpClient(first.Port()).Get("/healthz").status, 200);
}

/// Sends 5 wrong codes claiming to come from `forwarded_for`, then the right code.
int StatusAfterFiveWrongCodes(std::uint16_t port, const std::string& code,
                              const std::string& wrong, const std::string& forwarded_for,
                              const std::string& next_forwarded_for) {
    HttpClient client(port);
    for (int i = 0; i < 5; ++i) {
        client.Request("POST", "/api/join", json{{"code", wrong}}.dump(),
                       {{"X-Forwarded-For", forwarded_for}});
    }
    return client
        .Request("POST", "/api/join", json{{"code", code}}.dump(),
                 {{"X-Forwarded-For", next_forwarded_for}})
        .status;
}

TEST(JoinThrottleBehindProxy, ForwardedForCountsOnlyFromATrustedProxy) {
    for (const bool trusted : {false, true}) {
        app::Config config;
        if (trusted) config.trusted_proxies = {"127.0.0.1"};
        TestServer server(config);
        HttpClient owner(server.Port(), server.BaseUrl());
        owner.PostJson("/api/auth/signup",
                       {{"email", "o@example.org"}, {"password", "long enough"}, {"name", "O"}});
        auto session = CreateSession(owner, Now() + std::chrono::days{1});
        const std::string code = session["code"];
        const std::string wrong = code == "000000" ? "000001" : "000000";
        // One guesser behind the proxy, then a different person behind the same proxy.
        const int status =
            StatusAfterFiveWrongCodes(server.Port(), code, wrong, "203.0.113.7", "203.0.113.8");
        // Untrusted: the header is ignored, everyone is "127.0.0.1", so the guesser's block
        // hits the next person too; a client cannot dodge the throttle by forging the header.
        // Trusted: the next person is someone else and gets in.
        EXPECT_EQ(status, trusted ? 200 : 429) << (trusted ? "trusted" : "untrusted");
    }
}

}  // namespace
}  // namespace convene

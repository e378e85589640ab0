// GET /metrics on the real server: what Prometheus scrapes, with an admin's API token.
#include <gtest/gtest.h>

#include "http_client.hpp"
#include "test_server.hpp"
#include "ws_client.hpp"

namespace convene {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::TestServer;
using testing::WsClient;

/// The value of the series `series` (name and labels as printed), or -1 when absent.
double Value(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
}

TEST(MetricsOverTheWire, AnAdminTokenScrapesRequestsSessionsSocketsJoinsAndTheOutbox) {
    TestServer server;
    HttpClient admin(server.Port(), server.BaseUrl());
    ASSERT_EQ(admin.PostJson("/api/auth/signup", {{"email", "ann@example.org"},
                                                  {"password", "long enough"},
                                                  {"name", "Ann"}})
                  .status,
              201);
    const std::string token = admin.PostJson("/api/tokens", {{"name", "prometheus"}}).Json()["token"];
    auto session = admin.PostJson("/api/sessions", {{"title", "Retro"}}).Json();
    const std::string id = session["id"];
    admin.PostJson("/api/sessions/" + id + "/invitations", {{"emails", "bo@example.org"}});

    HttpClient anyone(server.Port());
    const std::string wrong = session["code"] == "000000" ? "000001" : "000000";
    EXPECT_EQ(anyone.PostJson("/api/join", {{"code", wrong}}).status, 404);
    auto joined = anyone.PostJson("/api/join", {{"code", session["code"]}});
    ASSERT_EQ(joined.status, 200);
    WsClient participant(server.Port(),
                         "/ws/sessions/" + id + "?participant_token=" +
                             std::string(joined.Json()["participant_token"]));
    ASSERT_TRUE(participant.NextOfType("state"));

    // Not for everyone: the metrics say who uses the server and how.
    EXPECT_EQ(anyone.Get("/metrics").status, 401);

    HttpClient prometheus(server.Port());
    auto scrape = prometheus.Request("GET", "/metrics", {}, {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(scrape.status, 200) << scrape.body;
    EXPECT_EQ(scrape.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const auto& text = scrape.body;
    EXPECT_EQ(Value(text, R"(convene_http_requests_total{method="POST",route="/api/sessions",status="201"})"), 1)
        << text;
    EXPECT_EQ(Value(text, R"(convene_http_requests_total{method="GET",route="/metrics",status="401"})"), 1);
    EXPECT_GE(Value(text, R"(convene_http_request_duration_seconds_count{method="POST",route="/api/join"})"), 1);
    EXPECT_EQ(Value(text, "convene_sessions_open"), 1);
    EXPECT_EQ(Value(text, R"(convene_websockets_open{audience="participant"})"), 1);
    EXPECT_EQ(Value(text, R"(convene_websockets_open{audience="facilitator"})"), 0);
    EXPECT_EQ(Value(text, "convene_joins_total"), 1);
    EXPECT_EQ(Value(text, R"(convene_join_failures_total{code="unknown_code"})"), 1);
    EXPECT_EQ(Value(text, "convene_join_wrong_codes_total"), 1);
    EXPECT_GE(Value(text, R"(convene_outbox_messages{status="queued"})") +
                  Value(text, R"(convene_outbox_messages{status="sent"})"),
              1);
    EXPECT_EQ(Value(text, "convene_sessions_auto_closed_total"), 0);

    // A change to the session is a broadcast, timed.
    admin.Request("PATCH", "/api/sessions/" + id, json{{"title", "Retro!"}}.dump(),
                  {{"Content-Type", "application/json"}});
    ASSERT_TRUE(participant.NextOfType("title"));
    scrape = prometheus.Request("GET", "/metrics", {}, {{"Authorization", "Bearer " + token}});
    EXPECT_GE(Value(scrape.body, "convene_broadcast_seconds_count"), 1) << scrape.body;
}

}  // namespace
}  // namespace convene

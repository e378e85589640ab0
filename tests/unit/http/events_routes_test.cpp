// Events routes: the contract's shapes and failures, through the router.
#include "router_fixture.hpp"

namespace convene::http {
namespace {

using nlohmann::json;

class EventsRoutesTest : public testing::RouterFixture {
protected:
    EventsRoutesTest() : ann(SignUp("ann@example.org")), bob(SignUp("bob@example.org")) {}

    Response Call(Method method, const std::string& target, const std::string& cookie,
                  const json& body = nullptr) {
        return Send(method, target, body.is_null() ? std::string() : body.dump(),
                    AsBrowser(cookie));
    }

    std::string ann;
    std::string bob;
};

TEST_F(EventsRoutesTest, CreateListAndAddSessionsInTheContractShape) {
    auto created = Call(Method::kPost, "/api/events", bob,
                        {{"title", "Product Demo"}, {"description", "Every week"}});
    ASSERT_EQ(created.status, 201) << created.body;
    const auto event = Body(created);
    EXPECT_EQ(event["slug"], "product-demo");
    EXPECT_EQ(event["registration_url"], std::string(kBase) + "/e/product-demo");
    EXPECT_EQ(event["session_count"], 0);
    EXPECT_TRUE(event["next_session_at"].is_null());
    const std::string path = "/api/events/" + std::string(event["id"]) + "/sessions";

    auto added = Call(Method::kPost, path, bob,
                      {{"start", "2027-06-01T18:30"}, {"timezone", "America/New_York"},
                       {"count", 2}, {"duration_minutes", 45}});
    ASSERT_EQ(added.status, 201) << added.body;
    const auto created_sessions = Body(added)["sessions"];
    ASSERT_EQ(created_sessions.size(), 2u);
    for (const char* field : {"id", "event_id", "name", "start", "timezone", "starts_at",
                              "duration_minutes", "status", "registrant_count"}) {
        EXPECT_TRUE(created_sessions[0].contains(field)) << field;
    }
    EXPECT_EQ(created_sessions[0]["start"], "2027-06-01T18:30");
    EXPECT_EQ(created_sessions[0]["starts_at"], "2027-06-01T22:30:00Z");
    EXPECT_EQ(created_sessions[1]["start"], "2027-06-08T18:30");
    EXPECT_EQ(created_sessions[0]["status"], "scheduled");
    EXPECT_EQ(created_sessions[0]["duration_minutes"], 45);

    auto list = Body(Call(Method::kGet, "/api/events", bob))["events"];
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["session_count"], 2);
    EXPECT_EQ(list[0]["next_session_at"], "2027-06-01T22:30:00Z");
    EXPECT_EQ(Body(Call(Method::kGet, path, bob))["sessions"].size(), 2u);
    // Ann is the admin: she sees and manages every event.
    EXPECT_EQ(Body(Call(Method::kGet, "/api/events", ann))["events"].size(), 1u);
}

TEST_F(EventsRoutesTest, FailuresAnswerTheContractCodes) {
    const std::string id = Body(Call(Method::kPost, "/api/events", bob, {{"title", "Demo"}}))["id"];
    const std::string path = "/api/events/" + id + "/sessions";
    EXPECT_EQ(ErrorCode(Call(Method::kPost, path, bob,
                             {{"start", "2027-06-01T18:30"}, {"timezone", "Nowhere/City"}})),
              "invalid_timezone");
    EXPECT_EQ(Call(Method::kPost, path, bob,
                   {{"start", "2027-06-01T18:30"}, {"timezone", "Nowhere/City"}}).status,
              422);
    EXPECT_EQ(ErrorCode(Call(Method::kPost, path, bob, {{"start", 5}, {"timezone", "UTC"}})),
              "invalid_start");
    EXPECT_EQ(ErrorCode(Call(Method::kPost, "/api/events", bob, {{"title", ""}})),
              "invalid_title");
    const auto stranger = SignUp("carl@example.org");
    EXPECT_EQ(Call(Method::kGet, "/api/events/" + id, stranger).status, 404);
    EXPECT_EQ(Call(Method::kPost, path, stranger, {{"start", "2027-06-01T18:30"},
                                                   {"timezone", "UTC"}}).status,
              404);
    EXPECT_EQ(Send(Method::kGet, "/api/events").status, 401);
    EXPECT_EQ(Call(Method::kPatch, "/api/events/" + id, bob, {{"title", "Demo day"}}).status, 200);
    EXPECT_EQ(Call(Method::kDelete, "/api/events/" + id, bob).status, 204);
    EXPECT_EQ(Call(Method::kGet, "/api/events/" + id, bob).status, 404);
}

TEST_F(EventsRoutesTest, ASessionIsMovedThenCancelledOrDeletedOnlyWithConfirmation) {
    const std::string id = Body(Call(Method::kPost, "/api/events", bob, {{"title", "Demo"}}))["id"];
    const auto added = Body(Call(Method::kPost, "/api/events/" + id + "/sessions", bob,
                                 {{"start", "2027-06-01T18:30"}, {"timezone", "Europe/Paris"},
                                  {"count", 2}}))["sessions"];
    const std::string first = "/api/events/" + id + "/sessions/" + std::string(added[0]["id"]);
    const std::string second = "/api/events/" + id + "/sessions/" + std::string(added[1]["id"]);

    // Moved to another day, time and zone: starts_at follows the new wall time.
    auto moved = Call(Method::kPatch, first, bob,
                      {{"start", "2027-06-02T09:00"}, {"timezone", "Asia/Tokyo"},
                       {"name", "Demo (Asia)"}});
    ASSERT_EQ(moved.status, 200) << moved.body;
    EXPECT_EQ(Body(moved)["start"], "2027-06-02T09:00");
    EXPECT_EQ(Body(moved)["starts_at"], "2027-06-02T00:00:00Z");
    EXPECT_EQ(Body(moved)["name"], "Demo (Asia)");
    EXPECT_EQ(ErrorCode(Call(Method::kPatch, first, bob, {{"timezone", "Asia/Atlantis"}})),
              "invalid_timezone");

    auto unconfirmed = Call(Method::kPost, first + "/cancel", bob);
    EXPECT_EQ(unconfirmed.status, 400);
    EXPECT_EQ(ErrorCode(unconfirmed), "confirmation_required");
    auto cancelled = Call(Method::kPost, first + "/cancel?confirm=true", bob);
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    EXPECT_EQ(Body(cancelled)["status"], "cancelled");
    EXPECT_EQ(ErrorCode(Call(Method::kPatch, first, bob, {{"name", "Back"}})), "session_cancelled");

    EXPECT_EQ(ErrorCode(Call(Method::kDelete, second, bob)), "confirmation_required");
    EXPECT_EQ(Call(Method::kDelete, second + "?confirm=true", bob).status, 204);
    EXPECT_EQ(ErrorCode(Call(Method::kDelete, second + "?confirm=true", bob)),
              "event_session_not_found");
    const auto stranger = SignUp("carl@example.org");
    EXPECT_EQ(Call(Method::kPost, first + "/cancel?confirm=true", stranger).status, 404);
    const auto left = Body(Call(Method::kGet, "/api/events/" + id + "/sessions", bob))["sessions"];
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0]["status"], "cancelled");
    // A cancelled session is not the next one.
    EXPECT_TRUE(Body(Call(Method::kGet, "/api/events/" + id, bob))["next_session_at"].is_null());
}

}  // namespace
}  // namespace convene::http

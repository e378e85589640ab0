// Registration routes: the public page's data, registering, personal links, and the
// organizer's registrants, participants and invitations, through the router.
#include "convene/util/time.hpp"
#include "router_fixture.hpp"

namespace convene::http {
namespace {

using nlohmann::json;

class RegistrationsRoutesTest : public testing::RouterFixture {
protected:
    RegistrationsRoutesTest() : ann(SignUp("ann@example.org")), bob(SignUp("bob@example.org")) {
        const auto event = Body(Call(Method::kPost, "/api/events", ann, {{"title", "Demo Day"}}));
        event_id = event["id"];
        const auto dated =
            Body(Call(Method::kPost, "/api/events/" + event_id + "/sessions", ann,
                      {{"start", "2026-12-01T10:00"}, {"timezone", "Europe/Paris"}, {"count", 2}}))
                ["sessions"];
        first = dated[0]["id"];
        second = dated[1]["id"];
    }

    Response Call(Method method, const std::string& target, const std::string& cookie,
                  const json& body = nullptr) {
        return Send(method, target, body.is_null() ? std::string() : body.dump(),
                    cookie.empty() ? Headers{} : AsBrowser(cookie));
    }
    Response RegisterAs(const std::string& email, const std::string& session,
                        const std::string& client = "192.0.2.1") {
        return Send(Method::kPost, "/api/public/events/demo-day/registrations",
                    json{{"session_id", session}, {"name", "Vi"}, {"email", email},
                         {"timezone", "America/New_York"}}
                        .dump(),
                    {}, client);
    }

    std::string ann, bob, event_id, first, second;
};

TEST_F(RegistrationsRoutesTest, APersonRegistersFromThePublicPageAndFollowsTheirLink) {
    auto page = Call(Method::kGet, "/api/public/events/demo-day?visitor=v1", "");
    ASSERT_EQ(page.status, 200) << page.body;
    const auto view = Body(page);
    EXPECT_EQ(view["title"], "Demo Day");
    ASSERT_EQ(view["sessions"].size(), 2u);
    EXPECT_EQ(view["sessions"][0]["id"], first);  // the next one first
    EXPECT_FALSE(view["sessions"][0].contains("room_id"));
    EXPECT_FALSE(view["sessions"][0].contains("registrant_count"));
    EXPECT_EQ(Call(Method::kGet, "/api/public/events/nope", "").status, 404);

    auto registered = RegisterAs("vi@example.org", first);
    ASSERT_EQ(registered.status, 201) << registered.body;
    const auto body = Body(registered);
    EXPECT_EQ(body["session"]["id"], first);
    EXPECT_EQ(body["status"], "registered");
    const std::string link = body["link"];
    ASSERT_TRUE(link.starts_with(std::string(kBase) + "/r/rtk_")) << link;
    const auto token = link.substr(link.rfind('/') + 1);

    auto again = RegisterAs("Vi@Example.org", first);
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(ErrorCode(again), "already_registered");
    EXPECT_EQ(RegisterAs("vi@example.org", second).status, 201);

    auto state = Call(Method::kGet, "/api/public/registrations/" + token, "");
    ASSERT_EQ(state.status, 200) << state.body;
    EXPECT_EQ(Body(state)["state"], "countdown");
    EXPECT_EQ(Body(state)["opens_at"], "2026-12-01T08:45:00Z");
    EXPECT_EQ(Body(state)["event"]["slug"], "demo-day");
    auto early = Call(Method::kPost, "/api/public/registrations/" + token + "/enter", "");
    EXPECT_EQ(early.status, 409);
    EXPECT_EQ(ErrorCode(early), "room_not_open");
    EXPECT_EQ(Call(Method::kGet, "/api/public/registrations/rtk_nope", "").status, 404);

    clock.Set(*util::ParseRfc3339("2026-12-01T08:50:00Z"));
    auto entered = Call(Method::kPost, "/api/public/registrations/" + token + "/enter", "");
    ASSERT_EQ(entered.status, 200) << entered.body;
    EXPECT_TRUE(Body(entered)["participant_token"].get<std::string>().starts_with("ptk_"));
    auto back = Send(Method::kPost, "/api/public/registrations/" + token + "/enter",
                     json{{"participant_token", Body(entered)["participant_token"]}}.dump());
    EXPECT_EQ(Body(back)["returning"], true);
    EXPECT_EQ(Body(back)["participant_id"], Body(entered)["participant_id"]);
}

TEST_F(RegistrationsRoutesTest, BadRegistrationsGetTheContractsErrors) {
    auto post = [&](const json& body) {
        return Send(Method::kPost, "/api/public/events/demo-day/registrations", body.dump());
    };
    EXPECT_EQ(ErrorCode(post({{"name", "Vi"}, {"email", "vi@example.org"}})), "invalid_session_id");
    EXPECT_EQ(ErrorCode(post({{"session_id", first}, {"email", "vi@example.org"}})),
              "invalid_name");
    EXPECT_EQ(ErrorCode(post({{"session_id", first}, {"name", "Vi"}, {"email", "nope"}})),
              "invalid_email");
    auto zone = post({{"session_id", first}, {"name", "Vi"}, {"email", "vi@example.org"},
                      {"timezone", "Nowhere/Land"}});
    EXPECT_EQ(zone.status, 422);
    EXPECT_EQ(ErrorCode(zone), "invalid_timezone");
    EXPECT_EQ(Send(Method::kPost, "/api/public/events/demo-day/registrations", "{").status, 400);
    EXPECT_EQ(ErrorCode(post({{"session_id", "nope"}, {"name", "Vi"}, {"email", "v@x.org"}})),
              "event_session_not_found");
}

TEST_F(RegistrationsRoutesTest, RegistrationIsRateLimitedPerClientAddress) {
    int accepted = 0;
    Response last;
    for (int i = 0; i < 40; ++i) {
        last = RegisterAs("p" + std::to_string(i) + "@example.org", first, "198.51.100.7");
        if (last.status == 201) ++accepted;
    }
    EXPECT_EQ(accepted, 30);
    EXPECT_EQ(last.status, 429);
    EXPECT_TRUE(last.Header("Retry-After"));
    // Someone else, elsewhere, is not held back by that client.
    EXPECT_EQ(RegisterAs("else@example.org", first, "203.0.113.9").status, 201);
}

TEST_F(RegistrationsRoutesTest, TheOrganizerSeesRegistrantsRemovesThemAndExportsThem) {
    ASSERT_EQ(Call(Method::kGet, "/api/public/events/demo-day?visitor=v1", "").status, 200);
    ASSERT_EQ(RegisterAs("vi@example.org", first).status, 201);
    const std::string base = "/api/events/" + event_id;
    auto by_hand = Call(Method::kPost, base + "/sessions/" + second + "/registrants", ann,
                        {{"name", "=Mallory, Jr"}, {"email", "mal@example.org"}});
    ASSERT_EQ(by_hand.status, 201) << by_hand.body;
    EXPECT_EQ(Body(by_hand)["source"], "organizer");
    EXPECT_EQ(Body(by_hand)["timezone"], "Europe/Paris");
    EXPECT_EQ(Call(Method::kPost, base + "/sessions/" + second + "/registrants", bob,
                   {{"name", "X"}, {"email", "x@example.org"}})
                  .status,
              404);

    auto all = Call(Method::kGet, base + "/participants", ann);
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_EQ(Body(all)["visits"], 1);
    EXPECT_EQ(Body(all)["registrations"], 2);
    EXPECT_EQ(Body(all)["attendance"], 0);
    auto one = Body(Call(Method::kGet, base + "/participants?session=" + second, ann));
    ASSERT_EQ(one["registrants"].size(), 1u);
    EXPECT_EQ(one["registrants"][0]["email"], "mal@example.org");
    EXPECT_EQ(Call(Method::kGet, base + "/participants?session=nope", ann).status, 404);
    EXPECT_EQ(Call(Method::kGet, base + "/participants", bob).status, 404);

    auto csv = Call(Method::kGet, base + "/participants?format=csv", ann);
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.Header("Content-Type").value_or(""), "text/csv; charset=utf-8");
    EXPECT_TRUE(csv.body.starts_with("name,email,session,starts_at,timezone,source,"));
    // A value a spreadsheet would run as a formula is defused, then quoted for its comma.
    EXPECT_NE(csv.body.find("\"'=Mallory, Jr\",mal@example.org,"), std::string::npos) << csv.body;

    const std::string id = Body(by_hand)["id"];
    EXPECT_EQ(Call(Method::kDelete, base + "/registrants/" + id, bob).status, 404);
    EXPECT_EQ(Call(Method::kDelete, base + "/registrants/" + id, ann).status, 204);
    EXPECT_EQ(Call(Method::kDelete, base + "/registrants/" + id, ann).status, 404);
    EXPECT_EQ(Body(Call(Method::kGet, base + "/participants", ann))["registrations"], 1);
}

TEST_F(RegistrationsRoutesTest, DeleteNeedsNoRegistrantsCancelIsAllowedWithThem) {
    ASSERT_EQ(RegisterAs("vi@example.org", first).status, 201);
    const std::string base = "/api/events/" + event_id + "/sessions/";
    auto listed = Body(Call(Method::kGet, "/api/events/" + event_id + "/sessions", ann));
    EXPECT_EQ(listed["sessions"][0]["registrant_count"], 1);
    EXPECT_EQ(ErrorCode(Call(Method::kDelete, base + first, ann)), "confirmation_required");
    auto refused = Call(Method::kDelete, base + first + "?confirm=true", ann);
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(ErrorCode(refused), "has_registrants");
    const std::string room = Body(Call(Method::kPost, base + first + "/room", ann))["room_id"];
    const std::string join_url = Body(Call(Method::kGet, "/api/sessions/" + room, ann))["join_url"];
    const auto join_path = join_url.substr(join_url.find("/j/"));
    EXPECT_NE(Call(Method::kGet, join_path, "").body.find("/live.js"), std::string::npos);
    auto cancelled = Call(Method::kPost, base + first + "/cancel?confirm=true", ann);
    ASSERT_EQ(cancelled.status, 200);
    EXPECT_EQ(Body(cancelled)["status"], "cancelled");
    // The room's own join link now shows the cancelled page too.
    auto page = Call(Method::kGet, join_path, "");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("/cancelled.js"), std::string::npos) << page.body.substr(0, 300);
    EXPECT_EQ(Call(Method::kDelete, base + second + "?confirm=true", ann).status, 204);
}

TEST_F(RegistrationsRoutesTest, TheOrganizerEntersTheRoomAndInvitesPeopleToTheEvent) {
    const std::string base = "/api/events/" + event_id;
    auto room = Call(Method::kPost, base + "/sessions/" + first + "/room", ann);
    ASSERT_EQ(room.status, 200) << room.body;
    const std::string room_id = Body(room)["room_id"];
    EXPECT_EQ(Body(room)["url"], "/sessions/" + room_id);
    auto session = Call(Method::kGet, "/api/sessions/" + room_id, ann);
    ASSERT_EQ(session.status, 200);
    EXPECT_EQ(Body(session)["kind"], "event");
    EXPECT_EQ(Call(Method::kPost, base + "/sessions/" + first + "/room", bob).status, 404);

    auto invited = Call(Method::kPost, base + "/invitations", ann,
                        {{"emails", "a@example.org, nope, b@example.org"}});
    ASSERT_EQ(invited.status, 202) << invited.body;
    EXPECT_EQ(Body(invited)["sent"], json::array({"a@example.org", "b@example.org"}));
    EXPECT_EQ(Body(invited)["invalid"][0]["address"], "nope");
    auto mails = outbox.List(std::nullopt, 10).messages;
    ASSERT_EQ(mails.size(), 2u);
    EXPECT_EQ(mails[0].kind, "event_invitation");
    EXPECT_NE(mails[0].text_body.find(std::string(kBase) + "/e/demo-day"), std::string::npos);
    EXPECT_EQ(Call(Method::kPost, base + "/invitations", bob, {{"emails", "a@example.org"}}).status,
              404);
}

TEST_F(RegistrationsRoutesTest, TheTeamAndSpeakersRunTheRoomsTheOwnerManages) {
    const std::string base = "/api/events/" + event_id;
    auto added = Call(Method::kPost, base + "/team", ann, {{"email", "bob@example.org"}});
    ASSERT_EQ(added.status, 201) << added.body;
    const std::string bob_id = Body(added)["user_id"];
    EXPECT_EQ(ErrorCode(Call(Method::kPost, base + "/team", ann, {{"email", "x@example.org"}})),
              "user_not_found");
    EXPECT_EQ(Body(Call(Method::kGet, base + "/team", ann))["members"].size(), 1u);
    // Bob sees the event and enters the room as a co-facilitator, but does not manage it.
    EXPECT_EQ(Body(Call(Method::kGet, "/api/events", bob))["events"].size(), 1u);
    auto room = Call(Method::kPost, base + "/sessions/" + first + "/room", bob);
    ASSERT_EQ(room.status, 200) << room.body;
    const std::string room_id = Body(room)["room_id"];
    EXPECT_EQ(Body(Call(Method::kGet, "/api/sessions/" + room_id, bob))["role"], "facilitator");
    EXPECT_EQ(Call(Method::kPatch, base, bob, {{"title", "Bob's"}}).status, 404);
    EXPECT_EQ(Call(Method::kGet, base + "/team", bob).status, 404);
    auto left_out = Call(Method::kDelete, base + "/sessions/" + second + "/team/" + bob_id, ann);
    ASSERT_EQ(left_out.status, 200) << left_out.body;
    EXPECT_TRUE(Body(left_out)["members"].empty());
    auto refused = Call(Method::kPost, base + "/sessions/" + second + "/room", bob);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(ErrorCode(refused), "not_on_team");

    auto speaker = Call(Method::kPost, base + "/sessions/" + first + "/speakers", ann,
                        {{"name", "Sam"}, {"email", "sam@example.org"}});
    ASSERT_EQ(speaker.status, 201) << speaker.body;
    EXPECT_EQ(Body(speaker)["joined"], false);
    EXPECT_FALSE(Body(speaker).contains("link"));  // only ever in the speaker's email
    const auto mail = outbox.List(std::nullopt, 1).messages.at(0).text_body;
    const auto at = mail.find("/s/stk_");
    ASSERT_NE(at, std::string::npos);
    const auto token = mail.substr(at + 3, mail.find('\n', at) - at - 3);
    auto entered = Send(Method::kPost, "/api/public/speakers/" + token + "/enter", "");
    ASSERT_EQ(entered.status, 200) << entered.body;
    EXPECT_EQ(Body(entered)["url"], "/sessions/" + room_id);
    const auto cookie = std::string(entered.Header("Set-Cookie").value_or(""));
    ASSERT_TRUE(cookie.starts_with("convene_session=")) << cookie;
    const auto sam = cookie.substr(0, cookie.find(';'));
    EXPECT_EQ(Body(Call(Method::kGet, "/api/sessions/" + room_id, sam))["role"], "facilitator");
    auto session_team = Body(Call(Method::kGet, base + "/sessions/" + first + "/team", ann));
    EXPECT_EQ(session_team["speakers"][0]["joined"], true);
    EXPECT_EQ(Call(Method::kPost, "/api/public/speakers/stk_nope/enter", "").status, 404);
    const std::string speaker_id = Body(speaker)["id"];
    EXPECT_EQ(Call(Method::kDelete, base + "/sessions/" + first + "/speakers/" + speaker_id, ann)
                  .status,
              204);
    EXPECT_EQ(Call(Method::kGet, "/api/sessions/" + room_id, sam).status, 404);
}

TEST_F(RegistrationsRoutesTest, AReplayGivesTheTimelineAndTheRecording) {
    const std::string base = "/api/events/" + event_id + "/sessions/" + first;
    auto before = Call(Method::kGet, base + "/replay", ann);
    ASSERT_EQ(before.status, 200) << before.body;
    EXPECT_TRUE(Body(before)["room_id"].is_null());
    EXPECT_TRUE(Body(before)["slides"].empty());
    const std::string room = Body(Call(Method::kPost, base + "/room", ann))["room_id"];
    replays.RecordAttendance({{room, 2}});
    auto patched = Call(Method::kPatch, base, ann, {{"recording_url", "https://v.example.org/1"}});
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(Body(patched)["recording_url"], "https://v.example.org/1");
    EXPECT_EQ(ErrorCode(Call(Method::kPatch, base, ann, {{"recording_url", "ftp://x"}})),
              "invalid_recording_url");
    const auto replay = Body(Call(Method::kGet, base + "/replay", ann));
    EXPECT_EQ(replay["room_id"], room);
    EXPECT_TRUE(replay["opened_at"].is_string());
    EXPECT_TRUE(replay["closed_at"].is_null());
    EXPECT_EQ(replay["attendance"].size(), 1u);
    EXPECT_EQ(replay["attendance"][0]["participants"], 2);
    EXPECT_EQ(replay["peak"], 2);
    EXPECT_EQ(replay["registrants"], 0);
    EXPECT_EQ(replay["attended"], 0);
    EXPECT_EQ(replay["session"]["recording_url"], "https://v.example.org/1");
    EXPECT_EQ(Call(Method::kGet, base + "/replay", bob).status, 404);
}

}  // namespace
}  // namespace convene::http

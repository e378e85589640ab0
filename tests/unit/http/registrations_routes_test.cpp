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
    auto cancelled = Call(Method::kPost, base + first + "/cancel?confirm=true", ann);
    ASSERT_EQ(cancelled.status, 200);
    EXPECT_EQ(Body(cancelled)["status"], "cancelled");
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

}  // namespace
}  // namespace convene::http

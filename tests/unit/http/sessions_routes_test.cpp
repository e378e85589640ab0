// Sessions, trash, audit and join routes with their failures, through the router.
#include "convene/util/time.hpp"
#include "qr_decode.hpp"
#include "router_fixture.hpp"

namespace convene::http {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class SessionsRoutesTest : public testing::RouterFixture {
protected:
    SessionsRoutesTest() : owner(SignUp("owner@example.org")), helper(SignUp("helper@example.org")) {}

    Response Call(Method method, const std::string& target, const std::string& cookie,
                  const std::string& body = {}) {
        return Send(method, target, body, AsBrowser(cookie));
    }

    json CreateSession(const json& body = {{"title", "Weekly sync"}}) {
        auto response = Call(Method::kPost, "/api/sessions", owner, body.dump());
        EXPECT_EQ(response.status, 201) << response.body;
        return Body(response);
    }

    std::string UserId(const std::string& cookie) {
        return Body(Send(Method::kGet, "/api/me", {}, {{"Cookie", cookie}}))["id"];
    }

    void MakeCoHost(const std::string& session_id) {
        AddFacilitator(session_id, *accounts.GetUser(UserId(helper)));
    }

    std::string owner;
    std::string helper;
};

TEST_F(SessionsRoutesTest, CreateAnswersTheContractShape) {
    auto session = CreateSession();
    for (const char* field : {"id", "title", "kind", "status", "ends_at", "closed_at", "code",
                              "join_url", "created_at", "role"}) {
        EXPECT_TRUE(session.contains(field)) << field;
    }
    EXPECT_EQ(session["status"], "open");
    EXPECT_EQ(session["kind"], "standard");
    EXPECT_EQ(session["role"], "owner");
    EXPECT_TRUE(session["closed_at"].is_null());
    const std::string join_url = session["join_url"];
    EXPECT_TRUE(join_url.starts_with(std::string(kBase) + "/j/")) << join_url;
    const std::string ends_at = session["ends_at"];
    EXPECT_EQ(util::ParseRfc3339(ends_at), clock.Now() + std::chrono::days{20});
    EXPECT_TRUE(ends_at.ends_with("Z"));
    EXPECT_TRUE(CreateSession({{"title", "Main"}, {"kind", "main"}})["ends_at"].is_null());
}

TEST_F(SessionsRoutesTest, CreateNamesTheBadField) {
    auto expect = [&](const json& body, const std::string& code) {
        auto response = Call(Method::kPost, "/api/sessions", owner, body.dump());
        EXPECT_EQ(response.status, 422) << body;
        EXPECT_EQ(ErrorCode(response), code) << body;
    };
    expect(json::object(), "invalid_title");
    expect({{"title", ""}}, "invalid_title");
    expect({{"title", 5}}, "invalid_title");
    expect({{"title", "t"}, {"kind", "huge"}}, "invalid_kind");
    expect({{"title", "t"}, {"duration_days", 0}}, "invalid_duration_days");
    expect({{"title", "t"}, {"duration_days", 366}}, "invalid_duration_days");
    expect({{"title", "t"}, {"duration_days", "3"}}, "invalid_duration_days");
    expect({{"title", "t"}, {"ends_at", "tomorrow"}}, "invalid_ends_at");
    expect({{"title", "t"}, {"ends_at", "2020-01-01T00:00:00Z"}}, "invalid_ends_at");
    EXPECT_EQ(Send(Method::kPost, "/api/sessions", R"({"title":"t"})").status, 401);
}

TEST_F(SessionsRoutesTest, ListFiltersAndRejectsUnknownFilters) {
    const std::string open_id = CreateSession()["id"];
    const std::string closed_id = CreateSession({{"title", "Old"}})["id"];
    Call(Method::kPost, "/api/sessions/" + closed_id + "/close", owner);
    auto list = [&](const std::string& query) {
        return Body(Send(Method::kGet, "/api/sessions" + query, {}, {{"Cookie", owner}}))["sessions"];
    };
    EXPECT_EQ(list("").size(), 2u);
    ASSERT_EQ(list("?status=open").size(), 1u);
    EXPECT_EQ(list("?status=open")[0]["id"], open_id);
    EXPECT_EQ(list("?status=closed")[0]["id"], closed_id);
    EXPECT_EQ(list("?role=facilitator").size(), 0u);
    EXPECT_EQ(list("?role=owner&status=closed").size(), 1u);
    EXPECT_EQ(ErrorCode(Send(Method::kGet, "/api/sessions?status=maybe", {}, {{"Cookie", owner}})),
              "invalid_status");
    EXPECT_EQ(ErrorCode(Send(Method::kGet, "/api/sessions?role=boss", {}, {{"Cookie", owner}})),
              "invalid_role");
}

TEST_F(SessionsRoutesTest, StrangersGet404CoFacilitatorsGet403ForOwnerActions) {
    const std::string id = CreateSession()["id"];
    for (auto [method, suffix] : std::vector<std::pair<Method, std::string>>{
             {Method::kGet, ""}, {Method::kPatch, ""}, {Method::kDelete, ""},
             {Method::kPost, "/close"}, {Method::kPost, "/open"}, {Method::kPost, "/code"},
             {Method::kPost, "/duplicate"}, {Method::kGet, "/audit"}}) {
        auto response = Call(method, "/api/sessions/" + id + suffix, helper, "{}");
        EXPECT_EQ(response.status, 404) << suffix;
        EXPECT_EQ(ErrorCode(response), "session_not_found") << suffix;
    }
    EXPECT_EQ(Call(Method::kGet, "/api/sessions/unknown", owner).status, 404);

    MakeCoHost(id);
    auto seen = Call(Method::kGet, "/api/sessions/" + id, helper);
    EXPECT_EQ(seen.status, 200);
    EXPECT_EQ(Body(seen)["role"], "facilitator");
    EXPECT_EQ(Call(Method::kPatch, "/api/sessions/" + id, helper, R"({"title":"Ours"})").status,
              200);
    for (auto [method, suffix, body] : std::vector<std::tuple<Method, std::string, std::string>>{
             {Method::kDelete, "", ""}, {Method::kPost, "/close", ""}, {Method::kPost, "/open", ""},
             {Method::kPost, "/code", ""}, {Method::kGet, "/audit", ""},
             {Method::kPatch, "", R"({"duration_days":3})"}}) {
        auto response = Call(method, "/api/sessions/" + id + suffix, helper, body);
        EXPECT_EQ(response.status, 403) << suffix;
        EXPECT_EQ(ErrorCode(response), "owner_only") << suffix;
    }
    EXPECT_EQ(Call(Method::kPost, "/api/sessions/" + id + "/duplicate", helper).status, 201);
}

TEST_F(SessionsRoutesTest, CloseOpenAndPatch) {
    const std::string id = CreateSession()["id"];
    auto closed = Body(Call(Method::kPost, "/api/sessions/" + id + "/close", owner));
    EXPECT_EQ(closed["status"], "closed");
    EXPECT_EQ(closed["close_reason"], "owner");
    EXPECT_EQ(closed["closed_at"], util::FormatRfc3339(clock.Now()));
    const auto at = util::FormatRfc3339(clock.Now() + 48h);
    auto opened =
        Body(Call(Method::kPost, "/api/sessions/" + id + "/open", owner, json{{"ends_at", at}}.dump()));
    EXPECT_EQ(opened["status"], "open");
    EXPECT_EQ(opened["ends_at"], at);
    auto patched = Call(Method::kPatch, "/api/sessions/" + id, owner,
                        R"({"title":"New title","duration_days":2})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(Body(patched)["title"], "New title");
    EXPECT_EQ(Body(patched)["ends_at"], util::FormatRfc3339(clock.Now() + std::chrono::days{2}));
    EXPECT_EQ(ErrorCode(Call(Method::kPatch, "/api/sessions/" + id, owner, R"({"ends_at":"x"})")),
              "invalid_ends_at");
}

TEST_F(SessionsRoutesTest, NewCodeDuplicateTrashRestoreAndAudit) {
    auto session = CreateSession();
    const std::string id = session["id"];
    auto redrawn = Body(Call(Method::kPost, "/api/sessions/" + id + "/code", owner));
    EXPECT_NE(redrawn["code"], session["code"]);
    EXPECT_NE(redrawn["join_url"], session["join_url"]);

    auto copy = Call(Method::kPost, "/api/sessions/" + id + "/duplicate", owner);
    EXPECT_EQ(copy.status, 201);
    EXPECT_NE(Body(copy)["id"], id);

    EXPECT_EQ(Call(Method::kDelete, "/api/sessions/" + id, owner).status, 204);
    EXPECT_EQ(Call(Method::kGet, "/api/sessions/" + id, owner).status, 404);
    auto trash = Body(Send(Method::kGet, "/api/trash", {}, {{"Cookie", owner}}))["sessions"];
    ASSERT_EQ(trash.size(), 1u);
    EXPECT_EQ(trash[0]["id"], id);
    EXPECT_EQ(trash[0]["purge_at"], util::FormatRfc3339(clock.Now() + std::chrono::days{30}));
    EXPECT_EQ(Call(Method::kPost, "/api/trash/" + id + "/restore", helper).status, 404);
    auto restored = Call(Method::kPost, "/api/trash/" + id + "/restore", owner);
    EXPECT_EQ(restored.status, 200);
    EXPECT_EQ(Body(restored)["code"], redrawn["code"]);

    auto audit = Body(Send(Method::kGet, "/api/sessions/" + id + "/audit", {}, {{"Cookie", owner}}));
    std::vector<std::string> actions;
    for (const auto& entry : audit["entries"]) actions.push_back(entry["action"]);
    EXPECT_EQ(actions, (std::vector<std::string>{"code_regenerated", "deleted", "restored"}));
}

TEST_F(SessionsRoutesTest, JoinAnswersPerTheContract) {
    auto session = CreateSession();
    auto joined = Send(Method::kPost, "/api/join", json{{"code", session["code"]}}.dump());
    ASSERT_EQ(joined.status, 200) << joined.body;
    auto body = Body(joined);
    EXPECT_EQ(body["session"]["id"], session["id"]);
    EXPECT_EQ(body["session"]["status"], "open");
    EXPECT_FALSE(body["session"].contains("code"));  // participants get no owner data
    EXPECT_TRUE(body["participant_token"].is_string());

    const std::string url = session["join_url"];
    const auto token = url.substr(url.rfind('/') + 1);
    EXPECT_EQ(Send(Method::kPost, "/api/join", json{{"link", token}}.dump()).status, 200);

    Call(Method::kPost, "/api/sessions/" + std::string(session["id"]) + "/close", owner);
    auto closed = Send(Method::kPost, "/api/join", json{{"code", session["code"]}}.dump());
    EXPECT_EQ(closed.status, 423);
    EXPECT_EQ(ErrorCode(closed), "session_closed");

    const std::string wrong = session["code"] == "999999" ? "999998" : "999999";
    for (int i = 0; i < 5; ++i) {
        auto miss = Send(Method::kPost, "/api/join", json{{"code", wrong}}.dump(), {}, "198.51.100.9");
        EXPECT_EQ(miss.status, 404);
        EXPECT_EQ(ErrorCode(miss), "unknown_code");
    }
    auto limited = Send(Method::kPost, "/api/join", json{{"code", wrong}}.dump(), {}, "198.51.100.9");
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.Header("Retry-After"), "60");
}

TEST_F(SessionsRoutesTest, QrCodesEncodeTheJoinUrl) {
    auto session = CreateSession();
    const std::string id = session["id"];
    auto png = Send(Method::kGet, "/api/sessions/" + id + "/qr.png?size=300", {}, {{"Cookie", owner}});
    ASSERT_EQ(png.status, 200);
    EXPECT_EQ(png.Header("Content-Type"), "image/png");
    EXPECT_EQ(testing::DecodeQr(png.body), session["join_url"]);

    auto svg = Send(Method::kGet, "/api/sessions/" + id + "/qr.svg", {}, {{"Cookie", owner}});
    ASSERT_EQ(svg.status, 200);
    EXPECT_EQ(svg.Header("Content-Type"), "image/svg+xml");
    EXPECT_TRUE(svg.body.starts_with("<svg"));

    // A new code means a new link, and so a new QR code.
    auto redrawn = Body(Call(Method::kPost, "/api/sessions/" + id + "/code", owner));
    auto after = Send(Method::kGet, "/api/sessions/" + id + "/qr.png", {}, {{"Cookie", owner}});
    EXPECT_EQ(testing::DecodeQr(after.body), redrawn["join_url"]);

    // Sizes are clamped; nonsense is refused; strangers see nothing.
    auto huge = Send(Method::kGet, "/api/sessions/" + id + "/qr.png?size=999999", {}, {{"Cookie", owner}});
    EXPECT_EQ(huge.status, 200);
    EXPECT_LT(huge.body.size(), 1'000'000u);
    EXPECT_EQ(ErrorCode(Send(Method::kGet, "/api/sessions/" + id + "/qr.png?size=big", {},
                             {{"Cookie", owner}})),
              "invalid_size");
    EXPECT_EQ(Send(Method::kGet, "/api/sessions/" + id + "/qr.png", {}, {{"Cookie", helper}}).status,
              404);
}

TEST_F(SessionsRoutesTest, JoinLinkPageIsServedForLiveLinksOnly) {
    auto session = CreateSession();
    const std::string url = session["join_url"];
    const auto path = url.substr(std::string(kBase).size());
    auto page = Send(Method::kGet, path);
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("/live.js"), std::string::npos);

    Call(Method::kPost, "/api/sessions/" + std::string(session["id"]) + "/code", owner);
    auto stale = Send(Method::kGet, path);
    EXPECT_EQ(stale.status, 404);
    EXPECT_NE(stale.body.find("no longer valid"), std::string::npos);
    EXPECT_EQ(Send(Method::kGet, "/j/made-up").status, 404);
}

TEST_F(SessionsRoutesTest, AParticipantComesBackWithTheirTokenAlone) {
    auto session = CreateSession();
    auto first = Body(Send(Method::kPost, "/api/join", json{{"code", session["code"]}}.dump()));
    auto again = Send(Method::kPost, "/api/join",
                      json{{"participant_token", first["participant_token"]}}.dump());
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(Body(again)["participant_id"], first["participant_id"]);
    EXPECT_EQ(Body(again)["returning"], true);
    EXPECT_EQ(ErrorCode(Send(Method::kPost, "/api/join", R"({"participant_token":"ptk_nope"})")),
              "unknown_code");
}

TEST_F(SessionsRoutesTest, SlideRoutes) {
    const std::string id = CreateSession()["id"];
    const std::string base = "/api/sessions/" + id + "/slides";
    auto deck = Body(Send(Method::kGet, base, {}, {{"Cookie", owner}}));
    ASSERT_EQ(deck["slides"].size(), 1u);
    EXPECT_EQ(deck["slides"][0]["kind"], "join");
    EXPECT_EQ(deck["slides"][0]["active"], true);
    EXPECT_EQ(deck["active_slide_id"], deck["slides"][0]["id"]);

    auto added = Call(Method::kPost, base, owner, R"({"title":"Agenda","body":"1. Hello"})");
    ASSERT_EQ(added.status, 201) << added.body;
    const std::string slide_id = Body(added)["id"];
    EXPECT_EQ(Body(added)["kind"], "text");
    EXPECT_EQ(Body(added)["position"], 1);

    auto patched = Call(Method::kPatch, base + "/" + slide_id, owner, R"({"position":0})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(Body(patched)["position"], 0);
    auto active = Body(Call(Method::kPost, base + "/" + slide_id + "/activate", owner));
    EXPECT_EQ(active["active_slide_id"], slide_id);
    EXPECT_EQ(Body(Call(Method::kGet, "/api/sessions/" + id, owner))["active_slide_id"], slide_id);

    EXPECT_EQ(ErrorCode(Call(Method::kPost, base, owner, R"({"kind":"poll"})")), "invalid_kind");
    EXPECT_EQ(ErrorCode(Call(Method::kPost, base, owner, R"({"position":-1})")), "invalid_position");
    EXPECT_EQ(ErrorCode(Call(Method::kPatch, base + "/nope", owner, R"({"title":"x"})")),
              "slide_not_found");
    EXPECT_EQ(Call(Method::kGet, base, helper).status, 404);
    EXPECT_EQ(Call(Method::kDelete, base + "/" + slide_id, owner).status, 204);
    EXPECT_TRUE(Body(Call(Method::kGet, base, owner))["active_slide_id"].is_null());
}

TEST_F(SessionsRoutesTest, ATrashedSessionAnswers404Everywhere) {
    auto session = CreateSession();
    const std::string id = session["id"];
    ASSERT_EQ(Call(Method::kDelete, "/api/sessions/" + id, owner).status, 204);
    for (auto [method, suffix] : std::vector<std::pair<Method, std::string>>{
             {Method::kGet, ""}, {Method::kPatch, ""}, {Method::kDelete, ""},
             {Method::kPost, "/close"}, {Method::kPost, "/open"}, {Method::kPost, "/code"},
             {Method::kPost, "/duplicate"}, {Method::kGet, "/audit"}, {Method::kGet, "/slides"},
             {Method::kGet, "/qr.png"}}) {
        EXPECT_EQ(Call(method, "/api/sessions/" + id + suffix, owner, "{}").status, 404) << suffix;
    }
    EXPECT_EQ(Send(Method::kPost, "/api/join", json{{"code", session["code"]}}.dump()).status, 404);
    EXPECT_TRUE(Body(Send(Method::kGet, "/api/sessions", {}, {{"Cookie", owner}}))["sessions"].empty());
}

TEST_F(SessionsRoutesTest, FacilitatorRoutes) {
    const std::string id = CreateSession()["id"];
    const std::string base = "/api/sessions/" + id + "/facilitators";
    auto added = Call(Method::kPost, base, owner, R"({"email":"helper@example.org"})");
    ASSERT_EQ(added.status, 201) << added.body;
    EXPECT_EQ(Body(added)["status"], "added");
    auto invited = Call(Method::kPost, base, owner, R"({"email":"new@example.org"})");
    ASSERT_EQ(invited.status, 201);
    EXPECT_EQ(Body(invited)["status"], "invited");
    const std::string invitation = Body(invited)["invitation"]["id"];

    auto list = Body(Call(Method::kGet, base, helper));  // co-facilitators may see it
    ASSERT_EQ(list["facilitators"].size(), 1u);
    EXPECT_EQ(list["facilitators"][0]["email"], "helper@example.org");
    ASSERT_EQ(list["pending"].size(), 1u);
    EXPECT_EQ(list["pending"][0]["email"], "new@example.org");

    EXPECT_EQ(ErrorCode(Call(Method::kPost, base, helper, R"({"email":"x@example.org"})")),
              "owner_only");
    EXPECT_EQ(ErrorCode(Call(Method::kPost, base, owner, R"({"email":"nope"})")), "invalid_email");
    EXPECT_EQ(Call(Method::kPost, base, owner, R"({"email":"new@example.org"})").status, 409);
    EXPECT_EQ(Call(Method::kDelete, base + "/invitations/" + invitation, owner).status, 204);
    EXPECT_EQ(Call(Method::kDelete, base + "/invitations/" + invitation, owner).status, 404);
    EXPECT_EQ(Call(Method::kDelete, base + "/" + std::string(list["facilitators"][0]["user_id"]),
                   owner)
                  .status,
              204);
    EXPECT_EQ(Call(Method::kGet, base, helper).status, 404);
}

TEST_F(SessionsRoutesTest, InvitationsTakeTextOrArrays) {
    const std::string id = CreateSession()["id"];
    const std::string path = "/api/sessions/" + id + "/invitations";
    auto text = Call(Method::kPost, path, owner,
                     R"({"emails":"ann@example.org; bob@example.org\nnot-an-address"})");
    ASSERT_EQ(text.status, 202) << text.body;
    EXPECT_EQ(Body(text)["sent"], json::array({"ann@example.org", "bob@example.org"}));
    EXPECT_EQ(Body(text)["invalid"][0]["address"], "not-an-address");
    auto array = Call(Method::kPost, path, owner, R"({"emails":["cat@example.org", 7]})");
    ASSERT_EQ(array.status, 202) << array.body;
    EXPECT_EQ(Body(array)["sent"], json::array({"cat@example.org"}));
    EXPECT_EQ(Body(array)["invalid"][0]["reason"], "not text");
    EXPECT_EQ(ErrorCode(Call(Method::kPost, path, owner, R"({"emails":5})")), "invalid_emails");
    EXPECT_EQ(Call(Method::kPost, path, helper, R"({"emails":"a@example.org"})").status, 404);
}

}  // namespace
}  // namespace convene::http

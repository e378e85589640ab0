// The authorisation matrix: every route of the route table against every kind of caller, each
// cell in a fresh world. Each route must be classified below: a route added to the table
// without a class fails the test, so none can be forgotten.
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "convene/storage/connection.hpp"
#include "router_fixture.hpp"

namespace convene::http {

// Test names and failure messages show the route, not its bytes.
void PrintTo(const Route& route, std::ostream* out) {
    *out << MethodName(route.method) << " " << route.pattern;
}

namespace {

using nlohmann::json;

enum class Role { kAnonymous, kParticipant, kOtherMember, kCoFacilitator, kOwner, kAdmin };
constexpr Role kRoles[] = {Role::kAnonymous,     Role::kParticipant, Role::kOtherMember,
                           Role::kCoFacilitator, Role::kOwner,       Role::kAdmin};

std::string Name(Role role) {
    switch (role) {
        case Role::kAnonymous: return "anonymous";
        case Role::kParticipant: return "participant";
        case Role::kOtherMember: return "other member";
        case Role::kCoFacilitator: return "co-facilitator";
        case Role::kOwner: return "owner";
        case Role::kAdmin: return "admin";
    }
    return "?";
}

/// Who may do what, by kind of route. "Allowed" means past authorisation: any status but 401,
/// 403 and 404 (a body the route finds invalid still gets its 422).
enum class Access {
    kPublic,              ///< everyone, with or without an account
    kSignedIn,            ///< any account, on its own things
    kSessionFacilitator,  ///< the session's owner and co-facilitators
    kSessionOwner,        ///< its owner only (co-facilitators 403)
    kTrashOwner,          ///< a trashed session's owner only
    kOwnToken,            ///< the API token's own account
    kEventTeam,           ///< an event's owner, admins, and its team (read, enter rooms)
    kEventManager,        ///< an event's owner and admins
    kAdmin,               ///< admins
};

/// Every route, by "METHOD pattern".
const std::map<std::string, Access>& Classes() {
    static const std::map<std::string, Access> classes{
        {"GET /healthz", Access::kPublic},
        {"POST /api/auth/signup", Access::kPublic},
        {"POST /api/auth/login", Access::kPublic},
        {"POST /api/auth/logout", Access::kPublic},
        {"GET /api/me", Access::kSignedIn},
        {"PATCH /api/me", Access::kSignedIn},
        {"POST /api/me/password", Access::kSignedIn},
        {"POST /api/tokens", Access::kSignedIn},
        {"GET /api/tokens", Access::kSignedIn},
        {"DELETE /api/tokens/{id}", Access::kOwnToken},
        {"POST /api/sessions", Access::kSignedIn},
        {"GET /api/sessions", Access::kSignedIn},
        {"GET /api/sessions/{id}", Access::kSessionFacilitator},
        {"PATCH /api/sessions/{id}", Access::kSessionFacilitator},
        {"DELETE /api/sessions/{id}", Access::kSessionOwner},
        {"POST /api/sessions/{id}/close", Access::kSessionOwner},
        {"POST /api/sessions/{id}/open", Access::kSessionOwner},
        {"POST /api/sessions/{id}/code", Access::kSessionOwner},
        {"POST /api/sessions/{id}/duplicate", Access::kSessionFacilitator},
        {"GET /api/sessions/{id}/audit", Access::kSessionOwner},
        {"GET /api/sessions/{id}/qr.svg", Access::kSessionFacilitator},
        {"GET /api/sessions/{id}/qr.png", Access::kSessionFacilitator},
        {"GET /api/sessions/{id}/slides", Access::kSessionFacilitator},
        {"POST /api/sessions/{id}/slides", Access::kSessionFacilitator},
        {"PATCH /api/sessions/{id}/slides/{slide_id}", Access::kSessionFacilitator},
        {"DELETE /api/sessions/{id}/slides/{slide_id}", Access::kSessionFacilitator},
        {"POST /api/sessions/{id}/slides/{slide_id}/activate", Access::kSessionFacilitator},
        {"GET /api/sessions/{id}/facilitators", Access::kSessionFacilitator},
        {"POST /api/sessions/{id}/facilitators", Access::kSessionOwner},
        {"DELETE /api/sessions/{id}/facilitators/{user_id}", Access::kSessionOwner},
        {"DELETE /api/sessions/{id}/facilitators/invitations/{invitation_id}",
         Access::kSessionOwner},
        {"POST /api/sessions/{id}/invitations", Access::kSessionFacilitator},
        {"GET /api/trash", Access::kSignedIn},
        {"POST /api/trash/{id}/restore", Access::kTrashOwner},
        {"POST /api/events", Access::kSignedIn},
        {"GET /api/events", Access::kSignedIn},
        {"GET /api/events/{id}", Access::kEventTeam},
        {"PATCH /api/events/{id}", Access::kEventManager},
        {"DELETE /api/events/{id}", Access::kEventManager},
        {"POST /api/events/{id}/sessions", Access::kEventManager},
        {"GET /api/events/{id}/sessions", Access::kEventTeam},
        {"PATCH /api/events/{id}/sessions/{session_id}", Access::kEventManager},
        {"DELETE /api/events/{id}/sessions/{session_id}", Access::kEventManager},
        {"POST /api/events/{id}/sessions/{session_id}/cancel", Access::kEventManager},
        {"POST /api/events/{id}/sessions/{session_id}/room", Access::kEventTeam},
        {"POST /api/events/{id}/sessions/{session_id}/registrants", Access::kEventManager},
        {"DELETE /api/events/{id}/registrants/{registration_id}", Access::kEventManager},
        {"GET /api/events/{id}/participants", Access::kEventManager},
        {"GET /api/events/{id}/sessions/{session_id}/replay", Access::kEventTeam},
        {"GET /api/events/{id}/team", Access::kEventManager},
        {"POST /api/events/{id}/team", Access::kEventManager},
        {"DELETE /api/events/{id}/team/{user_id}", Access::kEventManager},
        {"GET /api/events/{id}/sessions/{session_id}/team", Access::kEventManager},
        {"POST /api/events/{id}/sessions/{session_id}/team", Access::kEventManager},
        {"DELETE /api/events/{id}/sessions/{session_id}/team/{user_id}", Access::kEventManager},
        {"POST /api/events/{id}/sessions/{session_id}/speakers", Access::kEventManager},
        {"DELETE /api/events/{id}/sessions/{session_id}/speakers/{speaker_id}",
         Access::kEventManager},
        {"POST /api/events/{id}/invitations", Access::kEventTeam},  // the team spreads the word
        {"GET /api/public/events/{slug}", Access::kPublic},
        {"POST /api/public/events/{slug}/registrations", Access::kPublic},
        {"GET /api/public/registrations/{token}", Access::kPublic},
        {"POST /api/public/registrations/{token}/enter", Access::kPublic},
        {"POST /api/public/speakers/{token}/enter", Access::kPublic},
        {"GET /api/admin/outbox", Access::kAdmin},
        {"POST /api/admin/outbox/{id}/retry", Access::kAdmin},
        {"POST /api/join", Access::kPublic},
        {"GET /j/{token}", Access::kPublic},
        {"GET /sessions/{id}", Access::kPublic},
        {"GET /sessions/{id}/present", Access::kPublic},
        {"GET /events/{id}", Access::kPublic},
        {"GET /events/{id}/sessions/{session_id}/replay", Access::kPublic},
        {"GET /e/{slug}", Access::kPublic},
        {"GET /r/{token}", Access::kPublic},
        {"GET /s/{token}", Access::kPublic},
    };
    return classes;
}

std::string Key(const Route& route) {
    return std::string(MethodName(route.method)) + " " + std::string(route.pattern);
}

/// A valid body for the routes that need one, so that the cell tests who may, not what: "{}"
/// for the others.
std::string BodyFor(const std::string& key) {
    static const std::map<std::string, std::string> bodies{
        {"POST /api/sessions/{id}/facilitators", R"({"email":"new@example.org"})"},
        {"POST /api/sessions/{id}/invitations", R"({"emails":["guest@example.org"]})"},
        {"POST /api/events/{id}/sessions/{session_id}/registrants",
         R"({"name":"New","email":"new@example.org"})"},
        {"POST /api/events/{id}/team", R"({"email":"other@example.org"})"},
        {"POST /api/events/{id}/sessions/{session_id}/team", R"({"email":"cora@example.org"})"},
        {"POST /api/events/{id}/sessions/{session_id}/speakers",
         R"({"name":"New","email":"new@example.org"})"},
        {"POST /api/events/{id}/invitations", R"({"emails":["guest@example.org"]})"},
    };
    const auto found = bodies.find(key);
    return found == bodies.end() ? "{}" : found->second;
}

/// The status each caller gets from a class of route; 0 for "allowed".
int Expected(Access access, Role role) {
    const bool signed_in = role != Role::kAnonymous && role != Role::kParticipant;
    if (access == Access::kPublic) return 0;
    if (!signed_in) return 401;
    switch (access) {
        case Access::kSignedIn:
            return 0;
        case Access::kSessionFacilitator:
            return role == Role::kOwner || role == Role::kCoFacilitator ? 0 : 404;
        case Access::kSessionOwner:
            return role == Role::kOwner ? 0 : role == Role::kCoFacilitator ? 403 : 404;
        case Access::kTrashOwner:
        case Access::kOwnToken:
            return role == Role::kOwner ? 0 : 404;
        case Access::kEventTeam:
            return role == Role::kOtherMember ? 404 : 0;
        case Access::kEventManager:
            return role == Role::kOwner || role == Role::kAdmin ? 0 : 404;
        case Access::kAdmin:
            return role == Role::kAdmin ? 0 : 403;
        case Access::kPublic:
            break;
    }
    return 0;
}

/// A fresh world: an admin (the first account), an owner with a session (a slide, a
/// co-facilitator, a pending invitation, a participant), a trashed session, an API token and an
/// event (a session ahead, a team member who is the session's co-facilitator too, a registrant,
/// a speaker), and another member with nothing of theirs.
class World : public testing::RouterFixture {
public:
    World() {
        cookies[Role::kAdmin] = SignUp("admin@example.org");
        cookies[Role::kOwner] = SignUp("owner@example.org");
        cookies[Role::kCoFacilitator] = SignUp("cora@example.org");
        cookies[Role::kOtherMember] = SignUp("other@example.org");
        const auto owner = AsBrowser(cookies[Role::kOwner]);

        auto session = Ok(Send(Method::kPost, "/api/sessions", R"({"title":"S"})", owner));
        ids["{id}@session"] = session["id"];
        const std::string join_url = session["join_url"];
        ids["{token}@j"] = join_url.substr(join_url.rfind('/') + 1);
        const std::string s = "/api/sessions/" + ids["{id}@session"];
        auto cora = Ok(Send(Method::kPost, s + "/facilitators", R"({"email":"cora@example.org"})", owner));
        ids["{user_id}@facilitator"] = cora["facilitator"]["user_id"];
        auto pending =
            Ok(Send(Method::kPost, s + "/facilitators", R"({"email":"later@example.org"})", owner));
        ids["{invitation_id}"] = pending["invitation"]["id"];
        ids["{slide_id}"] = Ok(Send(Method::kPost, s + "/slides", R"({"title":"One"})", owner))["id"];
        participant_token = Ok(Send(Method::kPost, "/api/join",
                                    json{{"code", session["code"]}}.dump()))["participant_token"];

        auto trashed = Ok(Send(Method::kPost, "/api/sessions", R"({"title":"T"})", owner));
        ids["{id}@trash"] = trashed["id"];
        Send(Method::kDelete, "/api/sessions/" + ids["{id}@trash"], {}, owner);
        ids["{id}@token"] = Ok(Send(Method::kPost, "/api/tokens", R"({"name":"t"})", owner))["id"];

        auto event = Ok(Send(Method::kPost, "/api/events", R"({"title":"E"})", owner));
        ids["{id}@event"] = event["id"];
        ids["{slug}"] = event["slug"];
        const std::string e = "/api/events/" + ids["{id}@event"];
        auto added = Ok(Send(Method::kPost, e + "/sessions",
                             R"({"start":"2030-01-10T10:00","timezone":"Europe/Paris"})", owner));
        ids["{session_id}"] = added["sessions"][0]["id"];
        const std::string es = e + "/sessions/" + ids["{session_id}"];
        ids["{user_id}@team"] =
            Ok(Send(Method::kPost, e + "/team", R"({"email":"cora@example.org"})", owner))["user_id"];
        auto registrant = Ok(Send(Method::kPost, es + "/registrants",
                                  R"({"name":"Reg","email":"reg@example.org"})", owner));
        ids["{registration_id}"] = registrant["id"];
        const std::string link = registrant["link"];
        ids["{token}@r"] = link.substr(link.rfind('/') + 1);
        ids["{speaker_id}"] = Ok(Send(Method::kPost, es + "/speakers",
                                      R"({"name":"Spe","email":"spe@example.org"})", owner))["id"];
        // The speaker's link is only in their email.
        auto db = database.Acquire();
        auto text = db->Prepare("SELECT text_body FROM outbox WHERE recipient = 'spe@example.org'")
                        .ReadOne([](const storage::Statement& row) { return row.Text(0); });
        std::smatch match;
        if (text && std::regex_search(*text, match, std::regex("/s/([A-Za-z0-9_-]+)"))) {
            ids["{token}@s"] = match[1];
        }
        ids["{id}@outbox"] = *db->Prepare("SELECT id FROM outbox LIMIT 1")
                                  .ReadOne([](const storage::Statement& row) { return row.Text(0); });
    }
    void TestBody() override {}

    /// The route's path with every capture filled with a thing of this world.
    std::string Fill(std::string_view pattern) {
        std::string path(pattern);
        const std::string p(pattern);
        const auto kind = p.starts_with("/api/events") || p.starts_with("/events") ? "event"
                          : p.starts_with("/api/trash")                           ? "trash"
                          : p.starts_with("/api/tokens")                          ? "token"
                          : p.starts_with("/api/admin/outbox")                    ? "outbox"
                                                                                  : "session";
        const auto user = p.find("/team/") != std::string::npos ? "team" : "facilitator";
        const auto token = p.starts_with("/j/")                   ? "j"
                           : p.find("registrations/{token}") != std::string::npos ||
                                   p.starts_with("/r/")
                               ? "r"
                               : "s";
        const std::map<std::string, std::string> values{
            {"{id}", ids["{id}@" + std::string(kind)]},
            {"{user_id}", ids["{user_id}@" + std::string(user)]},
            {"{token}", ids["{token}@" + std::string(token)]},
            {"{slide_id}", ids["{slide_id}"]},
            {"{invitation_id}", ids["{invitation_id}"]},
            {"{session_id}", ids["{session_id}"]},
            {"{registration_id}", ids["{registration_id}"]},
            {"{speaker_id}", ids["{speaker_id}"]},
            {"{slug}", ids["{slug}"]},
        };
        for (const auto& [capture, value] : values) {
            for (auto at = path.find(capture); at != std::string::npos; at = path.find(capture)) {
                EXPECT_FALSE(value.empty()) << capture << " in " << pattern;
                path.replace(at, capture.size(), value);
            }
        }
        return path;
    }

    Response As(Role role, const Route& route) {
        Headers headers{{"Origin", kBase}};
        if (cookies.count(role)) headers.emplace_back("Cookie", cookies[role]);
        auto path = Fill(route.pattern);
        // A participant carries their token: it must open nothing beyond their own socket.
        if (role == Role::kParticipant) path += "?participant_token=" + participant_token;
        const bool body = route.method == Method::kPost || route.method == Method::kPatch;
        return Send(route.method, path, body ? BodyFor(Key(route)) : "", std::move(headers));
    }

    std::map<Role, std::string> cookies;
    std::map<std::string, std::string> ids;
    std::string participant_token;

private:
    static json Ok(const Response& response) {
        EXPECT_LT(response.status, 300) << response.body;
        return json::parse(response.body, nullptr, false);
    }
};

class AuthorizationMatrix : public ::testing::TestWithParam<Route> {};

TEST_P(AuthorizationMatrix, EveryCallerGetsWhatTheRouteClassAllows) {
    const auto& route = GetParam();
    const auto found = Classes().find(Key(route));
    ASSERT_NE(found, Classes().end())
        << Key(route) << " is not in the authorisation matrix: classify it in Classes()";
    for (const auto role : kRoles) {
        World world;
        const auto response = world.As(role, route);
        const int expected = Expected(found->second, role);
        SCOPED_TRACE(Key(route) + " as " + Name(role) + ": " + std::to_string(response.status) +
                     " " + response.body.substr(0, 200));
        if (expected == 0) {
            EXPECT_TRUE(response.status != 401 && response.status != 403 && response.status != 404);
        } else {
            EXPECT_EQ(response.status, expected);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Routes, AuthorizationMatrix, ::testing::ValuesIn(ApiRoutes()),
                         [](const auto& test) {
                             std::string name = Key(test.param);
                             for (auto& c : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             }
                             return name;
                         });

// The matrix has no class for a route that is gone from the table.
TEST(AuthorizationMatrixTable, ClassifiesOnlyRoutesThatExist) {
    std::set<std::string> routes;
    for (const auto& route : ApiRoutes()) routes.insert(Key(route));
    for (const auto& [key, access] : Classes()) EXPECT_TRUE(routes.count(key)) << key;
}

}  // namespace
}  // namespace convene::http

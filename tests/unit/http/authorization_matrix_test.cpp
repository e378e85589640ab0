// The authorisation matrix: every route of the route table against every kind of caller, each
// cell in a fresh world. Each route must be classified below: a route added to the table
// without a class fails the test, so none can be forgotten.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "populated_world.hpp"

namespace convene::http {

// Test names and failure messages show the route, not its bytes.
void PrintTo(const Route& route, std::ostream* out) {
    *out << MethodName(route.method) << " " << route.pattern;
}

namespace {

using testing::Name;
using testing::Role;
using testing::kRoles;

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
        {"GET /readyz", Access::kPublic},
        {"GET /metrics", Access::kAdmin},
        {"GET /api/auth/options", Access::kPublic},
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

/// A fresh world of one of everything, asked as `role` to call `route`.
Response As(testing::PopulatedWorld& world, Role role, const Route& route) {
    auto path = world.Fill(route.pattern);
    // A participant carries their token: it must open nothing beyond their own socket.
    if (role == Role::kParticipant) path += "?participant_token=" + world.participant_token;
    const bool body = route.method == Method::kPost || route.method == Method::kPatch;
    return world.Send(route.method, path, body ? BodyFor(Key(route)) : "", world.HeadersOf(role));
}

class AuthorizationMatrix : public ::testing::TestWithParam<Route> {};

TEST_P(AuthorizationMatrix, EveryCallerGetsWhatTheRouteClassAllows) {
    const auto& route = GetParam();
    const auto found = Classes().find(Key(route));
    ASSERT_NE(found, Classes().end())
        << Key(route) << " is not in the authorisation matrix: classify it in Classes()";
    for (const auto role : kRoles) {
        testing::PopulatedWorld world;
        const auto response = As(world, role, route);
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

#include "convene/http/error_response.hpp"
#include "convene/http/json.hpp"
#include "convene/http/render.hpp"
#include "convene/http/security.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {
namespace {
std::string SessionCookie(const Call& call, std::string_view value, long long max_age);
}  // namespace

void SetSessionCookie(const Call& call, Response& response, const domain::SignedIn& signed_in) {
    response.SetHeader("Set-Cookie",
                       SessionCookie(call, signed_in.session_token, signed_in.lifetime.count()));
}

namespace {

std::string SessionCookie(const Call& call, std::string_view value, long long max_age) {
    std::string cookie = std::string(SessionCookieName(call.settings.base_url)) + "=" +
                         std::string(value) + "; Path=/; Max-Age=" + std::to_string(max_age) +
                         "; HttpOnly; SameSite=Lax";
    if (IsHttps(call.settings.base_url)) cookie += "; Secure";  // required by __Host-
    return cookie;
}

Response SignedInResponse(const Call& call, int status, const domain::SignedIn& signed_in) {
    auto response = JsonResponse(status, RenderUser(signed_in.user));
    SetSessionCookie(call, response, signed_in);
    return response;
}

struct Credentials {
    Json body;
    std::string email;
    std::string password;
};

/// The body with its `email` and `password` fields, shared by sign-up and sign-in.
Result<Credentials> ReadCredentials(const Request& request) {
    auto body = ParseObject(request);
    if (!body) return body.error();
    auto email = RequiredString(*body, "email", "invalid_email");
    if (!email) return email.error();
    auto password = RequiredString(*body, "password", "invalid_password");
    if (!password) return password.error();
    return Credentials{std::move(*body), std::move(*email), std::move(*password)};
}

}  // namespace

Response Signup(Call& call) {
    auto credentials = ReadCredentials(call.request);
    if (!credentials) return Error(call, credentials.error());
    auto name = RequiredString(credentials->body, "name", "invalid_name");
    if (!name) return Error(call, name.error());

    auto signed_in =
        call.services.accounts.Signup({credentials->email, credentials->password, *name});
    if (!signed_in) return Error(call, signed_in.error());
    return SignedInResponse(call, 201, *signed_in);
}

Response GetAuthOptions(Call& call) {
    return JsonResponse(
        200, {{"signup", std::string(domain::SignupModeName(call.services.accounts.Signups()))}});
}

Response Login(Call& call) {
    auto credentials = ReadCredentials(call.request);
    if (!credentials) return Error(call, credentials.error());

    auto signed_in = call.services.accounts.Login(
        {credentials->email, credentials->password, call.request.client});
    if (!signed_in) return Error(call, signed_in.error());
    return SignedInResponse(call, 200, *signed_in);
}

Response Logout(Call& call) {
    if (call.principal && call.principal->via == AuthMethod::kCookie) {
        call.services.accounts.Logout(call.principal->session_token);
    }
    auto response = NoContent();
    response.SetHeader("Set-Cookie", SessionCookie(call, "", 0));
    return response;
}

Response GetMe(Call& call) { return JsonResponse(200, RenderUser(call.User())); }

Response PatchMe(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto name = OptionalString(*body, "name", "invalid_name");
    if (!name) return Error(call, name.error());
    auto days = OptionalInt(*body, "default_session_days", "invalid_default_session_days", 1, 365);
    if (!days) return Error(call, days.error());

    auto user = call.services.accounts.UpdateProfile(call.User().id, {*name, *days});
    if (!user) return Error(call, user.error());
    return JsonResponse(200, RenderUser(*user));
}

Response ChangePassword(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto current = RequiredString(*body, "current_password", "invalid_current_password");
    if (!current) return Error(call, current.error());
    auto fresh = RequiredString(*body, "new_password", "invalid_password");
    if (!fresh) return Error(call, fresh.error());
    const auto& principal = *call.principal;
    auto changed = call.services.accounts.ChangePassword(
        call.User().id, principal.via == AuthMethod::kCookie ? principal.session_token : "",
        {*current, *fresh});
    if (!changed) return Error(call, changed.error());
    return NoContent();
}

Response CreateToken(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto name = RequiredString(*body, "name", "invalid_name");
    if (!name) return Error(call, name.error());

    auto created = call.services.accounts.CreateToken(call.User().id, *name);
    if (!created) return Error(call, created.error());
    auto json = RenderApiToken(created->token);
    json["token"] = created->secret;
    return JsonResponse(201, json);
}

Response ListTokens(Call& call) {
    Json tokens = Json::array();
    for (const auto& token : call.services.accounts.ListTokens(call.User().id)) {
        tokens.push_back(RenderApiToken(token));
    }
    return JsonResponse(200, {{"tokens", tokens}});
}

Response DeleteToken(Call& call) {
    auto revoked = call.services.accounts.RevokeToken(call.User().id, call.Param("id"));
    if (!revoked) return Error(call, revoked.error());
    return NoContent();
}

}  // namespace convene::http::handlers

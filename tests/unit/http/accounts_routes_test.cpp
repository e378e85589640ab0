// Every accounts route with its failures, through the router (no sockets).
#include "router_fixture.hpp"

namespace convene::http {
namespace {

using nlohmann::json;
using testing::RouterFixture;

class AccountsRoutesTest : public RouterFixture {};

std::string SignupBody(const std::string& email, const std::string& password = "long enough",
                       const std::string& name = "Ann") {
    return json{{"email", email}, {"password", password}, {"name", name}}.dump();
}

TEST_F(AccountsRoutesTest, SignupCreatesTheUserAndSetsAHardenedCookie) {
    auto response = Send(Method::kPost, "/api/auth/signup", SignupBody("ann@example.org"));
    ASSERT_EQ(response.status, 201) << response.body;
    auto body = Body(response);
    EXPECT_EQ(body["email"], "ann@example.org");
    EXPECT_EQ(body["name"], "Ann");
    EXPECT_EQ(body["role"], "admin");
    EXPECT_EQ(body["default_session_days"], 20);
    EXPECT_TRUE(body["id"].is_string());
    EXPECT_FALSE(body.contains("password_hash"));
    const std::string cookie(response.Header("Set-Cookie").value());
    EXPECT_TRUE(cookie.starts_with("convene_session=cvs_"));
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
    EXPECT_NE(cookie.find("Path=/"), std::string::npos);
    EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain http base URL
}

TEST_F(AccountsRoutesTest, SignupFailures) {
    EXPECT_EQ(ErrorCode(Send(Method::kPost, "/api/auth/signup", SignupBody("bad"))),
              "invalid_email");
    EXPECT_EQ(ErrorCode(Send(Method::kPost, "/api/auth/signup", SignupBody("a@b.org", "short"))),
              "invalid_password");
    EXPECT_EQ(
        ErrorCode(Send(Method::kPost, "/api/auth/signup", SignupBody("a@b.org", "long enough", ""))),
        "invalid_name");
    auto missing = Send(Method::kPost, "/api/auth/signup", R"({"email":"a@b.org","name":"A"})");
    EXPECT_EQ(missing.status, 422);
    EXPECT_EQ(ErrorCode(missing), "invalid_password");
    auto wrong_type =
        Send(Method::kPost, "/api/auth/signup", R"({"email":42,"password":"long enough","name":"A"})");
    EXPECT_EQ(wrong_type.status, 422);
    EXPECT_EQ(ErrorCode(wrong_type), "invalid_email");

    SignUp("ann@example.org");
    auto taken = Send(Method::kPost, "/api/auth/signup", SignupBody("ANN@example.org"));
    EXPECT_EQ(taken.status, 409);
    EXPECT_EQ(ErrorCode(taken), "email_taken");
}

TEST_F(AccountsRoutesTest, OptionsTellTheSignupMode) {
    auto response = Send(Method::kGet, "/api/auth/options");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(Body(response), json({{"signup", "open"}}));
}

TEST_F(AccountsRoutesTest, SecondAccountIsAMember) {
    SignUp("admin@example.org");
    auto response = Send(Method::kPost, "/api/auth/signup", SignupBody("member@example.org"));
    EXPECT_EQ(Body(response)["role"], "member");
}

TEST_F(AccountsRoutesTest, LoginSucceedsOrAnswers401) {
    SignUp("ann@example.org", "the password");
    auto ok = Send(Method::kPost, "/api/auth/login",
                   json{{"email", "ann@example.org"}, {"password", "the password"}}.dump());
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(Body(ok)["email"], "ann@example.org");
    EXPECT_TRUE(ok.Header("Set-Cookie"));

    auto bad = Send(Method::kPost, "/api/auth/login",
                    json{{"email", "ann@example.org"}, {"password", "not it"}}.dump());
    EXPECT_EQ(bad.status, 401);
    EXPECT_EQ(ErrorCode(bad), "invalid_credentials");
    EXPECT_FALSE(bad.Header("Set-Cookie"));
}

TEST_F(AccountsRoutesTest, FailedLoginsAreThrottledWithRetryAfter) {
    SignUp("ann@example.org", "the password");
    const auto wrong = json{{"email", "ann@example.org"}, {"password", "nope"}}.dump();
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(Send(Method::kPost, "/api/auth/login", wrong, {}, "203.0.113.7").status, 401);
    }
    auto limited = Send(Method::kPost, "/api/auth/login", wrong, {}, "203.0.113.7");
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(ErrorCode(limited), "too_many_attempts");
    EXPECT_TRUE(limited.Header("Retry-After"));
}

TEST_F(AccountsRoutesTest, PasswordChangeKeepsThisSessionOnly) {
    const auto cookie = SignUp("ann@example.org", "old password");
    const auto headers = AsBrowser(cookie);
    const std::string path = "/api/me/password";
    EXPECT_EQ(Send(Method::kPost, path, R"({"current_password":"old password","new_password":"new password"})")
                  .status,
              401);
    EXPECT_EQ(ErrorCode(Send(Method::kPost, path,
                             R"({"current_password":"nope","new_password":"new password"})",
                             headers)),
              "invalid_current_password");
    EXPECT_EQ(ErrorCode(Send(Method::kPost, path, R"({"current_password":"old password"})", headers)),
              "invalid_password");
    EXPECT_EQ(Send(Method::kPost, path,
                   R"({"current_password":"old password","new_password":"new password"})", headers)
                  .status,
              204);
    EXPECT_EQ(Send(Method::kGet, "/api/me", {}, headers).status, 200);  // still signed in here
    EXPECT_EQ(Send(Method::kPost, "/api/auth/login",
                   R"({"email":"ann@example.org","password":"new password"})")
                  .status,
              200);
}

TEST_F(AccountsRoutesTest, MeNeedsSignIn) {
    auto response = Send(Method::kGet, "/api/me");
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(ErrorCode(response), "unauthenticated");
    EXPECT_EQ(Send(Method::kGet, "/api/me", {}, {{"Cookie", "convene_session=cvs_forged"}}).status,
              401);
}

TEST_F(AccountsRoutesTest, MeReturnsTheContractFields) {
    const auto cookie = SignUp("ann@example.org");
    auto body = Body(Send(Method::kGet, "/api/me", {}, {{"Cookie", cookie}}));
    for (const char* field : {"id", "email", "name", "role", "default_session_days"}) {
        EXPECT_TRUE(body.contains(field)) << field;
    }
}

TEST_F(AccountsRoutesTest, PatchMeValidatesDefaultSessionDays) {
    const auto cookie = SignUp("ann@example.org");
    auto patch = [&](const std::string& body) {
        return Send(Method::kPatch, "/api/me", body, AsBrowser(cookie));
    };
    auto ok = patch(R"({"default_session_days": 30})");
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(Body(ok)["default_session_days"], 30);
    for (const char* bad : {R"({"default_session_days": 0})", R"({"default_session_days": 366})",
                            R"({"default_session_days": "30"})", R"({"default_session_days": 2.5})",
                            R"({"default_session_days": true})"}) {
        auto response = patch(bad);
        EXPECT_EQ(response.status, 422) << bad;
        EXPECT_EQ(ErrorCode(response), "invalid_default_session_days") << bad;
    }
    EXPECT_EQ(Body(patch(R"({"default_session_days": 365.0})"))["default_session_days"], 365);
    EXPECT_EQ(Body(patch(R"({"name": "Ann B"})"))["name"], "Ann B");
    EXPECT_EQ(ErrorCode(patch(R"({"name": "a\nb"})")), "invalid_name");
}

TEST_F(AccountsRoutesTest, LogoutEndsTheCookieSession) {
    const auto cookie = SignUp("ann@example.org");
    auto response = Send(Method::kPost, "/api/auth/logout", {}, AsBrowser(cookie));
    EXPECT_EQ(response.status, 204);
    EXPECT_NE(std::string(response.Header("Set-Cookie").value()).find("Max-Age=0"),
              std::string::npos);
    EXPECT_EQ(Send(Method::kGet, "/api/me", {}, {{"Cookie", cookie}}).status, 401);
    // Logging out when not signed in is harmless.
    EXPECT_EQ(Send(Method::kPost, "/api/auth/logout").status, 204);
}

TEST_F(AccountsRoutesTest, ApiTokensWorkAsBearerAndCanBeRevoked) {
    const auto cookie = SignUp("ann@example.org");
    auto created = Send(Method::kPost, "/api/tokens", R"({"name":"ci"})", AsBrowser(cookie));
    ASSERT_EQ(created.status, 201) << created.body;
    const auto token = Body(created)["token"].get<std::string>();
    const auto id = Body(created)["id"].get<std::string>();
    const Headers bearer{{"Authorization", "Bearer " + token}};

    EXPECT_EQ(Body(Send(Method::kGet, "/api/me", {}, bearer))["email"], "ann@example.org");
    // Bearer requests need no Origin, even to change state.
    EXPECT_EQ(Send(Method::kPatch, "/api/me", R"({"default_session_days":7})", bearer).status, 200);

    auto list = Body(Send(Method::kGet, "/api/tokens", {}, bearer));
    ASSERT_EQ(list["tokens"].size(), 1u);
    EXPECT_EQ(list["tokens"][0]["name"], "ci");
    EXPECT_FALSE(list["tokens"][0].contains("token"));

    EXPECT_EQ(ErrorCode(Send(Method::kGet, "/api/me", {}, {{"Authorization", "Bearer cvn_nope"}})),
              "invalid_token");
    EXPECT_EQ(ErrorCode(Send(Method::kGet, "/api/me", {}, {{"Authorization", "Basic abc"}})),
              "invalid_token");
    EXPECT_EQ(ErrorCode(Send(Method::kPost, "/api/tokens", R"({})", bearer)), "invalid_name");

    EXPECT_EQ(Send(Method::kDelete, "/api/tokens/" + id, {}, bearer).status, 204);
    EXPECT_EQ(Send(Method::kGet, "/api/me", {}, bearer).status, 401);
    EXPECT_EQ(Send(Method::kDelete, "/api/tokens/" + id, {}, AsBrowser(cookie)).status, 404);
}

TEST_F(AccountsRoutesTest, AnotherUsersTokenCannotBeRevoked) {
    const auto ann = SignUp("ann@example.org");
    const auto bob = SignUp("bob@example.org");
    auto created = Send(Method::kPost, "/api/tokens", R"({"name":"ci"})", AsBrowser(ann));
    const auto id = Body(created)["id"].get<std::string>();
    auto response = Send(Method::kDelete, "/api/tokens/" + id, {}, AsBrowser(bob));
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(ErrorCode(response), "token_not_found");
}

// --- The Origin check (contract: Accounts) ---

TEST_F(AccountsRoutesTest, CookieStateChangeWithoutOriginOrRefererIs403) {
    const auto cookie = SignUp("ann@example.org");
    auto response = Send(Method::kPatch, "/api/me", R"({"name":"X"})", {{"Cookie", cookie}});
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(ErrorCode(response), "bad_origin");
}

TEST_F(AccountsRoutesTest, CookieStateChangeFromAnotherOriginIs403) {
    const auto cookie = SignUp("ann@example.org");
    for (const char* origin : {"http://evil.example", "https://convene.test", "null",
                               "http://convene.test.evil.example"}) {
        auto response = Send(Method::kPatch, "/api/me", R"({"name":"X"})",
                             {{"Cookie", cookie}, {"Origin", origin}});
        EXPECT_EQ(response.status, 403) << origin;
        EXPECT_EQ(ErrorCode(response), "bad_origin") << origin;
    }
}

TEST_F(AccountsRoutesTest, RefererOfTheBaseUrlStandsInForAMissingOrigin) {
    const auto cookie = SignUp("ann@example.org");
    EXPECT_EQ(Send(Method::kPatch, "/api/me", R"({"name":"X"})",
                   {{"Cookie", cookie}, {"Referer", "http://convene.test/profile?x=1"}})
                  .status,
              200);
    EXPECT_EQ(Send(Method::kPatch, "/api/me", R"({"name":"X"})",
                   {{"Cookie", cookie}, {"Referer", "http://evil.example/convene.test"}})
                  .status,
              403);
}

TEST_F(AccountsRoutesTest, ReadsNeedNoOrigin) {
    const auto cookie = SignUp("ann@example.org");
    EXPECT_EQ(Send(Method::kGet, "/api/me", {}, {{"Cookie", cookie}, {"Origin", "http://evil.example"}})
                  .status,
              200);
}

TEST_F(AccountsRoutesTest, SignupFromAForeignOriginIs403ButScriptsWithoutOriginWork) {
    auto foreign = Send(Method::kPost, "/api/auth/signup", SignupBody("ann@example.org"),
                        {{"Origin", "http://evil.example"}});
    EXPECT_EQ(foreign.status, 403);
    EXPECT_EQ(Send(Method::kPost, "/api/auth/signup", SignupBody("ann@example.org")).status, 201);
}

class HttpsAccountsRoutesTest : public RouterFixture {
protected:
    HttpsAccountsRoutesTest() : RouterFixture({}, "https://convene.example") {}
};

TEST_F(HttpsAccountsRoutesTest, CookieIsSecureBehindAnHttpsBaseUrl) {
    auto response = Send(Method::kPost, "/api/auth/signup", SignupBody("ann@example.org"));
    ASSERT_EQ(response.status, 201);
    EXPECT_NE(std::string(response.Header("Set-Cookie").value()).find("; Secure"),
              std::string::npos);
}

}  // namespace
}  // namespace convene::http

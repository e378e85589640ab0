// Headers every answer carries, and the sign-in cookie's name and attributes.
#include "convene/http/security.hpp"

#include <gtest/gtest.h>

#include "router_fixture.hpp"

namespace convene::http {
namespace {

using testing::RouterFixture;

class SecurityHeadersTest : public RouterFixture {};

void ExpectHardened(const Response& response, const std::string& what) {
    SCOPED_TRACE(what + " (" + std::to_string(response.status) + ")");
    EXPECT_EQ(response.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(response.Header("X-Frame-Options"), "DENY");
    EXPECT_EQ(response.Header("Referrer-Policy"), "same-origin");
    const auto csp = std::string(response.Header("Content-Security-Policy").value_or(""));
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_FALSE(response.Header("Strict-Transport-Security"));  // plain http here
}

TEST_F(SecurityHeadersTest, EveryKindOfAnswerCarriesThem) {
    const auto cookie = SignUp("ann@example.org");
    auto created = Send(Method::kPost, "/api/sessions", R"({"title":"Q&A"})", AsBrowser(cookie));
    ASSERT_EQ(created.status, 201);
    const std::string id = Body(created)["id"];

    ExpectHardened(Send(Method::kGet, "/healthz"), "health JSON");
    ExpectHardened(created, "API JSON");
    ExpectHardened(Send(Method::kGet, "/api/nothing-here"), "API 404");
    ExpectHardened(Send(Method::kDelete, "/healthz"), "405");
    ExpectHardened(Send(Method::kGet, "/api/me"), "401");
    auto svg = Send(Method::kGet, "/api/sessions/" + id + "/qr.svg", {}, AsBrowser(cookie));
    ExpectHardened(svg, "QR SVG");
    // An SVG opened on its own must not run anything.
    EXPECT_EQ(svg.Header("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
    auto page = Send(Method::kGet, "/");
    ExpectHardened(page, "page");
    // Pages keep their own policy: their scripts and styles come from this site only.
    EXPECT_NE(std::string(page.Header("Content-Security-Policy").value()).find("default-src 'self'"),
              std::string::npos);
    ExpectHardened(Send(Method::kGet, "/no-such-file.js"), "static 404");
}

TEST_F(SecurityHeadersTest, ARevalidatedPageKeepsItsOwnPolicy) {
    // Browsers take a 304's headers over the stored page's: the page policy must come again,
    // or the default one (no script at all) replaces it and the cached page stops working.
    const auto page = Send(Method::kGet, "/signin");
    ASSERT_EQ(page.status, 200);
    const auto etag = std::string(page.Header("ETag").value());
    const auto again = Send(Method::kGet, "/signin", {}, {{"If-None-Match", etag}});
    ASSERT_EQ(again.status, 304);
    EXPECT_EQ(again.Header("Content-Security-Policy"), page.Header("Content-Security-Policy"));
}

class HttpsSecurityTest : public RouterFixture {
protected:
    HttpsSecurityTest() : RouterFixture({}, "https://convene.example") {}
};

TEST_F(HttpsSecurityTest, TheCookieIsHostPrefixedSecureAndOnlyThatNameSignsIn) {
    auto response = Send(Method::kPost, "/api/auth/signup",
                         R"({"email":"ann@example.org","password":"long enough","name":"Ann"})");
    ASSERT_EQ(response.status, 201);
    const auto set_cookie = std::string(response.Header("Set-Cookie").value());
    EXPECT_TRUE(set_cookie.starts_with("__Host-convene_session=")) << set_cookie;
    for (const char* attribute : {"; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax"}) {
        EXPECT_NE(set_cookie.find(attribute), std::string::npos) << attribute;
    }
    EXPECT_EQ(set_cookie.find("Domain"), std::string::npos);
    EXPECT_EQ(response.Header("Strict-Transport-Security"), "max-age=31536000");

    const auto token = set_cookie.substr(set_cookie.find('=') + 1,
                                         set_cookie.find(';') - set_cookie.find('=') - 1);
    EXPECT_EQ(Send(Method::kGet, "/api/me", {}, {{"Cookie", "__Host-convene_session=" + token}})
                  .status,
              200);
    // The same token under the unprefixed name is what a sibling subdomain could plant.
    EXPECT_EQ(Send(Method::kGet, "/api/me", {}, {{"Cookie", "convene_session=" + token}}).status,
              401);
}

TEST(Security, HttpsIsRecognisedInAnyCase) {
    EXPECT_TRUE(IsHttps("https://convene.example"));
    EXPECT_TRUE(IsHttps("HTTPS://convene.example"));
    EXPECT_FALSE(IsHttps("http://convene.example"));
    EXPECT_FALSE(IsHttps("https:/"));
    EXPECT_EQ(SessionCookieName("HTTPS://x"), "__Host-convene_session");
    EXPECT_EQ(SessionCookieName("http://x"), "convene_session");
}

TEST(Security, LinkSecretsAreLeftOutOfLoggedPaths) {
    EXPECT_EQ(RedactedPath("/j/AbCdEf123"), "/j/\u2026");
    EXPECT_EQ(RedactedPath("/r/rtk_secret"), "/r/\u2026");
    EXPECT_EQ(RedactedPath("/s/stk_secret"), "/s/\u2026");
    EXPECT_EQ(RedactedPath("/api/public/registrations/rtk_secret/enter"),
              "/api/public/registrations/\u2026/enter");
    EXPECT_EQ(RedactedPath("/api/public/speakers/stk_secret/enter"),
              "/api/public/speakers/\u2026/enter");
    EXPECT_EQ(RedactedPath("/api/sessions/abc"), "/api/sessions/abc");
    EXPECT_EQ(RedactedPath("/join"), "/join");
}

}  // namespace
}  // namespace convene::http

// The router's own behaviour: matching, error shape, limits, failures. No sockets.
#include "convene/http/json.hpp"
#include "convene/storage/migrator.hpp"
#include "router_fixture.hpp"

namespace convene::http {
namespace {

using testing::RouterFixture;

std::vector<Route> TestRoutes() {
    return {
        {Method::kGet, "/api/test/boom",
         [](Call&) -> Response { throw std::runtime_error("secret internal detail"); },
         {.auth = Auth::kNone}},
        {Method::kGet, "/api/test/echo/{id}",
         [](Call& call) { return JsonResponse(200, {{"id", call.Param("id")}}); },
         {.auth = Auth::kNone}},
        {Method::kPost, "/api/test/tiny", [](Call&) { return NoContent(); },
         {.auth = Auth::kNone, .max_body = 10}},
    };
}

class RouterTest : public RouterFixture {
protected:
    RouterTest() : RouterFixture(TestRoutes()) {}
};

void ExpectErrorShape(const Response& response, int status, const std::string& code) {
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(response.Header("Content-Type"), "application/json; charset=utf-8");
    auto body = nlohmann::json::parse(response.body);
    ASSERT_TRUE(body.contains("error")) << response.body;
    EXPECT_EQ(body["error"]["code"], code);
    EXPECT_TRUE(body["error"]["message"].is_string());
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
}

TEST_F(RouterTest, UnknownApiRouteIs404InTheContractShape) {
    ExpectErrorShape(Send(Method::kGet, "/api/nothing/here"), 404, "not_found");
    ExpectErrorShape(Send(Method::kPost, "/api/nothing"), 404, "not_found");
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
    auto response = Send(Method::kDelete, "/api/me");
    ExpectErrorShape(response, 405, "method_not_allowed");
    EXPECT_EQ(response.Header("Allow"), "GET, PATCH");
}

TEST_F(RouterTest, MalformedBodiesAre400) {
    const auto cookie = SignUp("ann@example.org");
    ExpectErrorShape(Send(Method::kPatch, "/api/me", "{not json", AsBrowser(cookie)), 400,
                     "malformed_json");
    ExpectErrorShape(Send(Method::kPatch, "/api/me", "[1,2]", AsBrowser(cookie)), 400,
                     "malformed_request");
    ExpectErrorShape(Send(Method::kPost, "/api/auth/login", "\"text\""), 400, "malformed_request");
}

TEST_F(RouterTest, ExceptionInAHandlerIsALogged500WithoutInternals) {
    auto response = Send(Method::kGet, "/api/test/boom");
    ExpectErrorShape(response, 500, "internal");
    EXPECT_EQ(response.body.find("secret"), std::string::npos);
    const auto id = Body(response)["error"]["request_id"].get<std::string>();
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(response.Header("X-Request-Id"), id);
}

TEST_F(RouterTest, PathCapturesAreDecoded) {
    EXPECT_EQ(Body(Send(Method::kGet, "/api/test/echo/a%20b"))["id"], "a b");
    ExpectErrorShape(Send(Method::kGet, "/api/test/echo/bad%zz"), 404, "not_found");
    ExpectErrorShape(Send(Method::kGet, "/api/test/echo/"), 404, "not_found");
}

TEST_F(RouterTest, BodyOverTheRouteCapIs413) {
    EXPECT_EQ(Send(Method::kPost, "/api/test/tiny", "0123456789").status, 204);
    ExpectErrorShape(Send(Method::kPost, "/api/test/tiny", "01234567890"), 413,
                     "payload_too_large");
    EXPECT_EQ(router.BodyLimit(Method::kPost, "/api/test/tiny?x=1"), 10u);
    EXPECT_EQ(router.BodyLimit(Method::kPost, "/api/unknown"), kDefaultMaxBody);
}

TEST_F(RouterTest, EveryResponseCarriesARequestId) {
    EXPECT_TRUE(Send(Method::kGet, "/healthz").Header("X-Request-Id"));
    EXPECT_TRUE(Send(Method::kGet, "/api/none").Header("X-Request-Id"));
    EXPECT_TRUE(Send(Method::kGet, "/").Header("X-Request-Id"));
}

TEST_F(RouterTest, HealthzAnswersOk) {
    auto response = Send(Method::kGet, "/healthz");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(Body(response)["status"], "ok");
}

TEST_F(RouterTest, ApiAnswersAreNotCached) {
    EXPECT_EQ(Send(Method::kGet, "/api/test/echo/x").Header("Cache-Control"), "no-store");
}

TEST_F(RouterTest, RateLimitedBucketAnswers429WithRetryAfter) {
    const std::string body = R"({"email":"x@example.org","password":"wrong"})";
    int limited_at = -1;
    for (int i = 0; i < 40 && limited_at < 0; ++i) {
        // A different account each time, so that only the route's per-client bucket can bite.
        auto response = Send(Method::kPost, "/api/auth/signup",
                             nlohmann::json{{"email", "u" + std::to_string(i) + "@example.org"},
                                            {"password", "long enough"},
                                            {"name", "U"}}
                                 .dump(),
                             {}, "198.51.100.7");
        if (response.status == 429) {
            limited_at = i;
            ExpectErrorShape(response, 429, "rate_limited");
            EXPECT_TRUE(response.Header("Retry-After"));
        }
    }
    EXPECT_EQ(limited_at, 30);
    // Another client is unaffected.
    EXPECT_EQ(Send(Method::kPost, "/api/auth/login", body, {}, "198.51.100.8").status, 401);
}

TEST_F(RouterTest, ClientsIdleForAWindowAreForgottenFromEveryRateLimit) {
    const std::string body = R"({"email":"x@example.org","password":"wrong"})";
    for (int i = 0; i < 3; ++i) {
        Send(Method::kPost, "/api/auth/login", body, {}, "198.51.100." + std::to_string(i));
    }
    Send(Method::kPost, "/api/join", R"({"code":"000000"})", {}, "198.51.100.9");
    EXPECT_EQ(router.ForgetIdleClients(), 0u);
    clock.Advance(std::chrono::hours{1});  // longer than any bucket's window
    EXPECT_EQ(router.ForgetIdleClients(), 4u);
    EXPECT_EQ(router.ForgetIdleClients(), 0u);
}

TEST(RouterOrigin, OriginOfNormalisesUrls) {
    EXPECT_EQ(OriginOf("http://Example.org:80/path?q"), "http://example.org");
    EXPECT_EQ(OriginOf("https://example.org:443"), "https://example.org");
    EXPECT_EQ(OriginOf("https://example.org:8443/x"), "https://example.org:8443");
    EXPECT_EQ(OriginOf("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    EXPECT_EQ(OriginOf("ftp://example.org"), "");
    EXPECT_EQ(OriginOf("example.org"), "");
    EXPECT_EQ(OriginOf("http://user@evil.org"), "");
}

TEST(ClientAddress, BelievesForwardedForOnlyFromTrustedProxies) {
    auto request = Request::Make(Method::kGet, "/", {}, {{"X-Forwarded-For", "203.0.113.5"}});
    request.client = "198.51.100.1";
    EXPECT_EQ(ClientAddress(request, {}), "198.51.100.1");
    EXPECT_EQ(ClientAddress(request, {"10.0.0.1"}), "198.51.100.1");
    request.client = "10.0.0.1";
    EXPECT_EQ(ClientAddress(request, {"10.0.0.1"}), "203.0.113.5");
    // A client cannot forge its way past the proxy chain: the rightmost untrusted hop wins.
    request.headers = {{"X-Forwarded-For", "1.2.3.4, 203.0.113.5, 10.0.0.2"}};
    EXPECT_EQ(ClientAddress(request, {"10.0.0.1", "10.0.0.2"}), "203.0.113.5");
    request.headers = {};
    EXPECT_EQ(ClientAddress(request, {"10.0.0.1"}), "10.0.0.1");
}

TEST(ForwardedProto, BelievedOnlyFromTrustedProxies) {
    auto request = Request::Make(Method::kGet, "/", {}, {{"X-Forwarded-Proto", "https"}});
    request.client = "198.51.100.1";
    EXPECT_EQ(ForwardedProto(request, {"10.0.0.1"}), std::nullopt);
    request.client = "10.0.0.1";
    EXPECT_EQ(ForwardedProto(request, {"10.0.0.1"}), "https");
    // The proxy nearest the client wrote the leftmost value.
    request.headers = {{"X-Forwarded-Proto", " HTTP , https"}};
    EXPECT_EQ(ForwardedProto(request, {"10.0.0.1"}), "http");
    request.headers = {{"X-Forwarded-Proto", "gopher"}};
    EXPECT_EQ(ForwardedProto(request, {"10.0.0.1"}), std::nullopt);
    request.headers = {};
    EXPECT_EQ(ForwardedProto(request, {"10.0.0.1"}), std::nullopt);
}

TEST_F(RouterTest, BehindAProxyPlainHttpGoesToHttpsAndOnlyHttpsGetsHsts) {
    Router behind(ApiRoutes(), RateBuckets(), services, clock, random,
                  {.base_url = "https://convene.example.org", .trusted_proxies = {"10.0.0.1"}},
                  static_files);
    auto send = [&](std::string proto, Method method, std::string target,
                    std::string client = "10.0.0.1") {
        auto request = Request::Make(method, std::move(target), R"({"code":"123456"})",
                                     {{"X-Forwarded-Proto", std::move(proto)},
                                      {"X-Forwarded-For", "203.0.113.9"},
                                      {"Content-Type", "application/json"}});
        request.client = std::move(client);
        return behind.Handle(std::move(request));
    };
    const auto plain = send("http", Method::kPost, "/api/join?x=1");
    EXPECT_EQ(plain.status, 308);
    EXPECT_EQ(plain.Header("Location"), "https://convene.example.org/api/join?x=1");
    EXPECT_FALSE(plain.Header("Strict-Transport-Security"));
    // Probes are answered where they ask.
    EXPECT_EQ(send("http", Method::kGet, "/healthz").status, 200);

    const auto secure = send("https", Method::kPost, "/api/join");
    EXPECT_EQ(secure.status, 404);  // reached the route: no such code
    EXPECT_EQ(secure.Header("Strict-Transport-Security"), "max-age=31536000");
    // A peer that is not the proxy cannot ask for the redirect, nor turn HSTS off.
    const auto direct = send("http", Method::kGet, "/healthz", "198.51.100.1");
    EXPECT_EQ(direct.status, 200);
    EXPECT_EQ(direct.Header("Strict-Transport-Security"), "max-age=31536000");
}

TEST(LoopbackUrl, RecognisesLoopbackHosts) {
    for (const char* url : {"http://127.0.0.1:8080", "http://localhost", "http://[::1]:80",
                            "https://127.1.2.3/x", "http://app.localhost:3000"}) {
        EXPECT_TRUE(IsLoopbackUrl(url)) << url;
    }
    for (const char* url : {"https://convene.example.org", "http://192.168.1.10:8080",
                            "http://[2001:db8::1]", "http://127.example.org"}) {
        EXPECT_FALSE(IsLoopbackUrl(url)) << url;
    }
}

class LoopbackRouterTest : public RouterFixture {
protected:
    LoopbackRouterTest() : RouterFixture({}, "http://127.0.0.1:8080") {}
};

TEST_F(LoopbackRouterTest, HealthzWarnsAboutALoopbackBaseUrl) {
    auto body = Body(Send(Method::kGet, "/healthz"));
    ASSERT_EQ(body["warnings"].size(), 1u);
    EXPECT_NE(body["warnings"][0].get<std::string>().find("loopback"), std::string::npos);
}

TEST_F(RouterTest, HealthzWarnsThatAPlainHttpBaseUrlCannotHaveSecureCookies) {
    auto body = Body(Send(Method::kGet, "/healthz"));
    ASSERT_EQ(body["warnings"].size(), 1u);
    EXPECT_NE(body["warnings"][0].get<std::string>().find("https"), std::string::npos);
}

class HttpsRouterTest : public RouterFixture {
protected:
    HttpsRouterTest() : RouterFixture({}, "https://convene.example.org") {}
};

TEST_F(HttpsRouterTest, HealthzHasNoWarningForARealBaseUrl) {
    EXPECT_TRUE(Body(Send(Method::kGet, "/healthz"))["warnings"].empty());
}

TEST_F(HttpsRouterTest, ReadyzSaysEachCheckAndIsReadyWhenAllPass) {
    auto response = Send(Method::kGet, "/readyz");
    ASSERT_EQ(response.status, 200) << response.body;
    auto body = Body(response);
    EXPECT_EQ(body["status"], "ready") << body.dump();
    const auto& checks = body["checks"];
    EXPECT_EQ(checks["database"]["writable"], true);
    EXPECT_EQ(checks["schema"]["version"], storage::LatestSchemaVersion());
    EXPECT_EQ(checks["schema"]["expected"], storage::LatestSchemaVersion());
    EXPECT_EQ(checks["outbox"]["queued"], 0);
    EXPECT_TRUE(checks["tz"]["version"].is_string());
    EXPECT_EQ(checks["base_url"]["url"], "https://convene.example.org");
}

TEST_F(RouterTest, ReadyzIsDegradedNotDownForWhatAnAdminShouldFix) {
    // A plain http base URL and a failed email: still serving (200), but said.
    {
        auto db = database.Acquire();
        db->Prepare("INSERT INTO outbox (id, message_id, recipient, subject, text_body, "
                    "html_body, kind, status, attempts, created_at, due_at) VALUES ('m1', "
                    "'<m1@x>', 'a@example.org', 's', 't', 'h', 'invitation', 'failed', 3, 0, 0)")
            .Run();
    }
    auto response = Send(Method::kGet, "/readyz");
    EXPECT_EQ(response.status, 200);
    auto body = Body(response);
    EXPECT_EQ(body["status"], "degraded");
    EXPECT_EQ(body["checks"]["outbox"]["ok"], false);
    EXPECT_EQ(body["checks"]["outbox"]["failed"], 1);
    EXPECT_EQ(body["checks"]["base_url"]["ok"], false);
    EXPECT_EQ(body["checks"]["database"]["ok"], true);
}

}  // namespace
}  // namespace convene::http

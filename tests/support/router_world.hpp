#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "convene/http/router.hpp"
#include "convene/http/routes.hpp"
#include "service_world.hpp"

namespace convene::testing {

/// The real route table over a migrated :memory: database, with fake clock and random,
/// called directly: no sockets. `extra` routes are added after the API's (test-only hooks).
/// Plain (no GoogleTest) so that the fuzz targets build the same world as the tests.
class RouterWorld : public ServiceWorld {
public:
    static constexpr const char* kBase = "http://convene.test";

    explicit RouterWorld(std::vector<http::Route> extra = {}, std::string base_url = kBase,
                         std::string db_path = ":memory:", std::uint64_t seed = 42)
        : ServiceWorld(std::move(db_path), seed),
          services{.accounts = accounts,
                   .sessions = sessions,
                   .joins = joins,
                   .slides = slides,
                   .facilitators = facilitators,
                   .invitations = invitations,
                   .outbox = outbox,
                   .events = event_service,
                   .registrations = registrations,
                   .team = team,
                   .replays = replays,
                   .metrics = metrics,
                   .ready = [this] { return database.Ping(); },
                   .probe = [this] { return database.Probe(clock.Now().time_since_epoch().count()); }},
          router(WithExtra(std::move(extra)), http::RateBuckets(), services, clock, random,
                 {.base_url = std::move(base_url)}, static_files) {}

    static std::vector<http::Route> WithExtra(std::vector<http::Route> extra) {
        auto routes = http::ApiRoutes();
        for (auto& route : extra) routes.push_back(std::move(route));
        return routes;
    }

    /// Sends a request from the site's own origin (as a browser would) unless told otherwise.
    http::Response Send(http::Method method, const std::string& target,
                        const std::string& body = {}, http::Headers headers = {},
                        const std::string& client = "192.0.2.1") {
        auto request = http::Request::Make(method, target, body, std::move(headers));
        request.client = client;
        return router.Handle(std::move(request));
    }

    /// Signs up and returns the session cookie header value (`convene_session=…`).
    std::string SignUp(const std::string& email, const std::string& password = "long enough") {
        auto response = Send(http::Method::kPost, "/api/auth/signup",
                             nlohmann::json{{"email", email}, {"password", password},
                                            {"name", "Test User"}}
                                 .dump());
        if (response.status != 201) throw std::runtime_error("sign-up failed: " + response.body);
        auto cookie = std::string(response.Header("Set-Cookie").value_or(""));
        return cookie.substr(0, cookie.find(';'));
    }

    http::Headers AsBrowser(const std::string& cookie) {
        return {{"Cookie", cookie}, {"Origin", kBase}};
    }

    static nlohmann::json Body(const http::Response& response) {
        return nlohmann::json::parse(response.body);
    }
    static std::string ErrorCode(const http::Response& response) {
        auto json = nlohmann::json::parse(response.body, nullptr, false);
        if (json.is_discarded() || !json.contains("error")) return {};
        return json["error"].value("code", "");
    }

    util::Metrics metrics;
    http::Services services;
    http::StaticFiles static_files;
    http::Router router;
};

}  // namespace convene::testing

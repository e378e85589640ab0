#include "convene/http/router.hpp"

#include <arpa/inet.h>

#include <spdlog/spdlog.h>

#include "convene/domain/validation.hpp"
#include "convene/http/error_response.hpp"
#include "convene/http/security.hpp"
#include "convene/storage/connection.hpp"
#include "convene/util/logging.hpp"

namespace convene::http {
namespace {

using domain::AppError;
using domain::ErrorKind;

std::vector<std::string_view> Segments(std::string_view path) {
    std::vector<std::string_view> segments;
    while (!path.empty()) {
        if (path.front() == '/') path.remove_prefix(1);
        const auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash);
    }
    return segments;
}

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

/// What a person is told when the database cannot take a write (the log has SQLite's words).
std::string UnavailableMessage(storage::StorageErrorKind kind) {
    switch (kind) {
        case storage::StorageErrorKind::kBusy:
            return "The server is busy. Try again shortly.";
        case storage::StorageErrorKind::kFull:
            return "The server's disk is full: nothing can be saved until there is room again. "
                   "Reading still works.";
        default:
            return "The server cannot write to its database right now (it is read-only or "
                   "failing). Reading still works.";
    }
}

AppError BadOrigin() {
    return domain::Forbidden("bad_origin", "This request must come from the Convene site itself.");
}

AppError ErrorOf(ErrorKind kind, std::string code, std::string message) {
    return {kind, std::move(code), std::move(message), std::nullopt};
}

std::string_view BearerToken(std::string_view authorization) {
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.size() <= kScheme.size() ||
        !EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
        return {};
    }
    auto token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    return token;
}

}  // namespace

std::string OriginOf(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
    auto scheme = domain::AsciiLower(url.substr(0, scheme_end));
    if (scheme != "http" && scheme != "https") return {};
    auto rest = url.substr(scheme_end + 3);
    auto authority = domain::AsciiLower(rest.substr(0, rest.find_first_of("/?#")));
    if (authority.empty() || authority.find('@') != std::string::npos) return {};
    const std::string default_port = scheme == "https" ? ":443" : ":80";
    if (authority.ends_with(default_port)) {
        authority.resize(authority.size() - default_port.size());
    }
    return scheme + "://" + authority;
}

bool IsLoopbackUrl(std::string_view url) {
    const auto origin = OriginOf(url);
    if (origin.empty()) return false;
    auto host = std::string_view(origin).substr(origin.find("://") + 3);
    if (host.starts_with("[")) return host.starts_with("[::1]");
    const std::string name(host.substr(0, host.find(':')));
    in_addr ipv4{};
    return name == "localhost" || name.ends_with(".localhost") ||
           (name.starts_with("127.") && inet_pton(AF_INET, name.c_str(), &ipv4) == 1);
}

namespace {

bool IsTrusted(const std::vector<std::string>& trusted, std::string_view address) {
    return std::find(trusted.begin(), trusted.end(), address) != trusted.end();
}

}  // namespace

std::string ClientAddress(const Request& request, const std::vector<std::string>& trusted) {
    if (!IsTrusted(trusted, request.client)) return request.client;
    auto forwarded = request.Header("X-Forwarded-For");
    if (!forwarded) return request.client;
    // Walk from the right: each hop appended the address it saw; stop at the first one that
    // is not one of our proxies.
    std::string_view rest = *forwarded;
    while (!rest.empty()) {
        const auto comma = rest.rfind(',');
        auto hop = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
        while (!hop.empty() && hop.front() == ' ') hop.remove_prefix(1);
        while (!hop.empty() && hop.back() == ' ') hop.remove_suffix(1);
        if (!hop.empty() && !IsTrusted(trusted, hop)) return std::string(hop);
    }
    return request.client;
}

std::optional<std::string> ForwardedProto(const Request& request,
                                          const std::vector<std::string>& trusted) {
    if (!IsTrusted(trusted, request.client)) return std::nullopt;
    auto header = request.Header("X-Forwarded-Proto");
    if (!header) return std::nullopt;
    // The first proxy, nearest the client, wrote the leftmost value.
    auto scheme = domain::AsciiLower(domain::Trim(header->substr(0, header->find(','))));
    if (scheme != "http" && scheme != "https") return std::nullopt;
    return scheme;
}

const std::string& Call::Param(std::string_view name) const {
    for (const auto& [key, value] : params) {
        if (key == name) return value;
    }
    throw std::logic_error("route has no parameter " + std::string(name));
}

struct Router::Match {
    const Route* route;
    std::vector<std::pair<std::string_view, std::string>> params;
};

Router::Router(std::vector<Route> routes, std::vector<RateBucket> buckets, Services& services,
               const util::Clock& clock, util::Random& random, RouterSettings settings,
               const StaticFiles& static_files)
    : routes_(std::move(routes)),
      services_(services),
      random_(random),
      settings_(std::move(settings)),
      origin_(OriginOf(settings_.base_url)),
      static_files_(static_files) {
    for (const auto& bucket : buckets) {
        limiters_.emplace(bucket.name, std::make_unique<util::RateLimiter>(clock, bucket.limit));
    }
    for (const auto& route : routes_) {
        if (!route.policy.rate_bucket.empty() && !limiters_.contains(route.policy.rate_bucket)) {
            throw std::logic_error("route " + std::string(route.pattern) +
                                   " names an unknown rate bucket");
        }
        patterns_.push_back(Segments(route.pattern));
    }
}

Router::~Router() = default;

void Router::SetBaseUrl(std::string base_url) {
    settings_.base_url = std::move(base_url);
    origin_ = OriginOf(settings_.base_url);
}

std::size_t Router::ForgetIdleClients() {
    std::size_t forgotten = 0;
    for (auto& [name, limiter] : limiters_) forgotten += limiter->ForgetIdle();
    return forgotten;
}

std::optional<Router::Match> Router::Find(Method method, std::string_view path,
                                          std::string& allow) const {
    const auto segments = Segments(path);
    std::optional<Match> found;
    for (std::size_t r = 0; r < routes_.size(); ++r) {
        const Route& route = routes_[r];
        const auto& pattern = patterns_[r];
        if (pattern.size() != segments.size()) continue;
        Match match{&route, {}};
        bool ok = true;
        for (std::size_t i = 0; i < pattern.size() && ok; ++i) {
            if (pattern[i].starts_with('{') && pattern[i].ends_with('}')) {
                auto decoded = PercentDecode(segments[i]);
                ok = decoded.has_value() && !decoded->empty();
                if (ok) {
                    match.params.emplace_back(pattern[i].substr(1, pattern[i].size() - 2),
                                              std::move(*decoded));
                }
            } else {
                ok = pattern[i] == segments[i];
            }
        }
        if (!ok) continue;
        const bool same = route.method == method ||
                          (method == Method::kHead && route.method == Method::kGet);
        if (same) {
            if (!found) found = std::move(match);
        } else {
            if (!allow.empty()) allow += ", ";
            allow += MethodName(route.method);
        }
    }
    return found;
}

std::size_t Router::BodyLimit(Method method, std::string_view target) const {
    std::string allow;
    const auto path = target.substr(0, target.find('?'));
    if (auto match = Find(method, path, allow)) {
        return std::min(match->route->policy.max_body, settings_.max_body);
    }
    return settings_.max_body;
}

Result<std::optional<Principal>> Router::Authenticate(const Request& request) {
    if (auto authorization = request.Header("Authorization")) {
        const auto token = BearerToken(*authorization);
        auto user = token.empty() ? std::nullopt : services_.accounts.AuthenticateToken(token);
        if (!user) return domain::Unauthenticated("invalid_token", "The API token is not valid.");
        return std::optional<Principal>{Principal{std::move(*user), AuthMethod::kBearer, {}}};
    }
    if (auto cookie = request.Cookie(SessionCookieName(settings_.base_url))) {
        if (auto user = services_.accounts.AuthenticateSession(*cookie)) {
            return std::optional<Principal>{Principal{std::move(*user), AuthMethod::kCookie, *cookie}};
        }
    }
    return std::optional<Principal>{};
}

bool Router::ForeignOrigin(const Request& request) const {
    std::string origin;
    if (auto header = request.Header("Origin")) {
        origin = *header == "null" ? "null" : OriginOf(*header);
        if (origin.empty()) origin = "invalid";
    } else if (auto referer = request.Header("Referer")) {
        origin = OriginOf(*referer);
        if (origin.empty()) origin = "invalid";
    }
    // Absent: nothing to judge here (the caller decides). Present: it must be ours.
    return !origin.empty() && origin != origin_;
}

Result<LiveGrant> Router::AuthorizeLive(const Request& request) {
    try {
        constexpr std::string_view kPrefix = "/ws/sessions/";
        if (!request.path.starts_with(kPrefix)) {
            return domain::NotFound("not_found", "There is nothing here.");
        }
        const auto id = PercentDecode(request.path.substr(kPrefix.size()));
        if (!id || id->empty() || id->find('/') != std::string::npos) {
            return domain::NotFound("not_found", "There is nothing here.");
        }
        // A browser always sends Origin on a WebSocket; it must be ours. Other clients are
        // judged by their credentials alone.
        if (request.Header("Origin") && ForeignOrigin(request)) return BadOrigin();
        if (auto token = request.QueryParam("participant_token")) {
            auto participant = services_.joins.AuthenticateParticipant(*id, *token);
            if (!participant) return domain::NotFound("session_not_found", "No such session.");
            return LiveGrant{*id, false, participant->id};
        }
        auto principal = Authenticate(request);
        if (!principal) return principal.error();
        if (!*principal) return domain::Unauthenticated("unauthenticated", "Sign in first.");
        auto session = services_.sessions.Get((*principal)->user, *id);
        if (!session) return session.error();
        return LiveGrant{*id, true, (*principal)->user.id};
    } catch (const std::exception& e) {
        spdlog::error("live authorization {} failed: {}", RedactedPath(request.path), e.what());
        return domain::AppError{ErrorKind::kUnavailable, "storage_unavailable",
                                "The server cannot check this right now.", std::chrono::seconds{5}};
    }
}

Response Router::Handle(Request request) {
    const auto started = std::chrono::steady_clock::now();
    if (request.request_id.empty()) request.request_id = NewRequestId();
    const util::RequestLogScope logging_for(request.request_id);
    // Before the client address replaces the peer's: the proxy is the peer.
    const auto proto = ForwardedProto(request, settings_.trusted_proxies);
    request.client = ClientAddress(request, settings_.trusted_proxies);
    std::string_view route = "unmatched";
    Response response;
    try {
        if (proto == "http" && IsHttps(settings_.base_url) && request.path != "/healthz" &&
            request.path != "/readyz") {
            // Reached the proxy over plain http while the site is https: to the same place
            // over https, method and body kept (308). Probes are answered where they ask.
            route = "https_redirect";
            response.status = 308;
            response.SetHeader("Location", settings_.base_url + request.target);
        } else {
            response = Dispatch(request, route);
        }
    } catch (const domain::AppErrorException& e) {
        response = ErrorResponse(e.Error(), request.request_id);
    } catch (const storage::StorageError& e) {
        spdlog::error("request {} {} {}: storage: {}", request.request_id,
                      MethodName(request.method), RedactedPath(request.path), e.what());
        services_.metrics
            .CounterFor("convene_database_errors_total",
                        "Requests that failed in the database, by kind (busy, full, read_only, "
                        "disk...).",
                        {{"kind", std::string(StorageErrorKindName(e.Kind()))}})
            .Add();
        const bool unavailable = e.Unavailable();
        response = ErrorResponse(
            unavailable ? ErrorOf(ErrorKind::kUnavailable, "storage_unavailable",
                                  UnavailableMessage(e.Kind()))
                        : ErrorOf(ErrorKind::kInternal, "internal",
                                  "Something went wrong on our side."),
            request.request_id);
        if (unavailable) response.SetHeader("Retry-After", "5");
    } catch (const std::exception& e) {
        spdlog::error("request {} {} {}: unhandled: {}", request.request_id,
                      MethodName(request.method), RedactedPath(request.path), e.what());
        response = ErrorResponse(
            ErrorOf(ErrorKind::kInternal, "internal", "Something went wrong on our side."),
            request.request_id);
    }
    response.SetHeader("X-Request-Id", request.request_id);
    // HSTS only for an answer that travels over https (RFC 6797): as the proxy says, else as
    // the base URL promises.
    AddSecurityHeaders(response, proto ? *proto == "https" : IsHttps(settings_.base_url));
    Record(request, route, response.status,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return response;
}

void Router::Record(const Request& request, std::string_view route, int status, double seconds) {
    const std::string method(MethodName(request.method));
    auto& metrics = services_.metrics;
    metrics
        .CounterFor("convene_http_requests_total",
                    "HTTP requests answered, by method, route pattern and status.",
                    {{"method", method}, {"route", std::string(route)},
                     {"status", std::to_string(status)}})
        .Add();
    metrics
        .HistogramFor("convene_http_request_duration_seconds",
                      "Time from a parsed request to its answer, by method and route pattern.",
                      {{"method", method}, {"route", std::string(route)}})
        .Observe(seconds);
    if (status == 429) {
        metrics
            .CounterFor("convene_rate_limit_hits_total",
                        "Requests refused by a rate limit or throttle (429), by route pattern.",
                        {{"route", std::string(route)}})
            .Add();
    }
}

Response Router::Dispatch(Request& request, std::string_view& route_name) {
    std::string allow;
    auto match = Find(request.method, request.path, allow);
    if (!match) {
        if (!allow.empty()) {
            auto response = ErrorResponse(
                ErrorOf(ErrorKind::kMethodNotAllowed, "method_not_allowed",
                        "This method is not allowed here."),
                request.request_id);
            response.SetHeader("Allow", allow);
            return response;
        }
        if (!IsApiPath(request.path) &&
            (request.method == Method::kGet || request.method == Method::kHead)) {
            if (auto file = static_files_.Serve(request)) {
                route_name = "static";
                return *file;
            }
        }
        return ErrorResponse(ErrorOf(ErrorKind::kNotFound, "not_found", "There is nothing here."),
                             request.request_id);
    }
    const Route& route = *match->route;
    route_name = route.pattern;
    const Policy& policy = route.policy;

    if (request.body.size() > std::min(policy.max_body, settings_.max_body)) {
        return ErrorResponse(ErrorOf(ErrorKind::kTooLarge, "payload_too_large",
                                     "The request body is too large."),
                             request.request_id);
    }
    if (!policy.rate_bucket.empty()) {
        if (auto wait = limiters_.at(policy.rate_bucket)->Acquire(request.client)) {
            return ErrorResponse(
                domain::RateLimited(*wait, "Too many requests. Try again in a moment."),
                request.request_id);
        }
    }

    std::optional<Principal> principal;
    if (policy.auth != Auth::kNone) {
        auto authenticated = Authenticate(request);
        if (!authenticated) return ErrorResponse(authenticated.error(), request.request_id);
        principal = std::move(*authenticated);
        const bool needs_user = policy.auth == Auth::kUser || policy.auth == Auth::kAdmin;
        if (needs_user && !principal) {
            return ErrorResponse(domain::Unauthenticated("unauthenticated", "Sign in first."),
                                 request.request_id);
        }
        if (policy.auth == Auth::kAdmin && principal->user.role != model::Role::kAdmin) {
            return ErrorResponse(
                domain::Forbidden("admin_only", "Only an administrator can do that."),
                request.request_id);
        }
    }

    if (policy.origin_check && ChangesState(request.method) &&
        !(principal && principal->via == AuthMethod::kBearer)) {
        const bool has_origin = request.Header("Origin") || request.Header("Referer");
        const bool cookie_auth = principal && principal->via == AuthMethod::kCookie;
        if (ForeignOrigin(request) || (!has_origin && cookie_auth)) {
            return ErrorResponse(BadOrigin(), request.request_id);
        }
    }

    Call call{request,  std::move(match->params), std::move(principal), services_, settings_,
              static_files_};
    auto response = route.handler(call);
    if (IsApiPath(request.path) && !response.Header("Cache-Control")) {
        response.SetHeader("Cache-Control", "no-store");
    }
    return response;
}

}  // namespace convene::http

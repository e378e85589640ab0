#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convene/domain/account_service.hpp"
#include "convene/domain/event_service.hpp"
#include "convene/domain/facilitator_service.hpp"
#include "convene/domain/invitation_service.hpp"
#include "convene/domain/join_service.hpp"
#include "convene/domain/outbox_service.hpp"
#include "convene/domain/registration_service.hpp"
#include "convene/domain/replay_service.hpp"
#include "convene/domain/session_service.hpp"
#include "convene/domain/slide_service.hpp"
#include "convene/domain/team_service.hpp"
#include "convene/http/json.hpp"
#include "convene/http/request.hpp"
#include "convene/http/static_files.hpp"
#include "convene/model/user.hpp"
#include "convene/util/metrics.hpp"
#include "convene/util/rate_limiter.hpp"

namespace convene::http {

/// Who may call a route.
enum class Auth {
    kNone,      ///< anyone; credentials are not even read
    kOptional,  ///< anyone; credentials are read when present
    kUser,      ///< a signed-in user (cookie or bearer token), else 401
    kAdmin,     ///< a signed-in admin, else 401, or 403 admin_only
};

inline constexpr std::size_t kDefaultMaxBody = 1024 * 1024;

/// What the router enforces before a handler runs.
struct Policy {
    Auth auth = Auth::kNone;
    /// State-changing requests authenticated by cookie must come from the base URL's origin.
    bool origin_check = true;
    /// Name of a rate-limit bucket (per client address), empty for none.
    std::string_view rate_bucket;
    std::size_t max_body = kDefaultMaxBody;
};

/// How the caller proved who they are.
enum class AuthMethod { kCookie, kBearer };

struct Principal {
    model::User user;
    AuthMethod via;
    std::string session_token;  ///< the cookie's secret, for logout
};

/// The collaborators handlers may call. Owned by App.
struct Services {
    domain::AccountService& accounts;
    domain::SessionService& sessions;
    domain::JoinService& joins;
    domain::SlideService& slides;
    domain::FacilitatorService& facilitators;
    domain::InvitationService& invitations;
    domain::OutboxService& outbox;
    domain::EventService& events;
    domain::RegistrationService& registrations;
    domain::TeamService& team;
    domain::ReplayService& replays;
    /// Requests are counted and timed into it; GET /metrics renders it.
    util::Metrics& metrics;
    /// True when the server can serve (database reachable). Used by /healthz.
    std::function<bool()> ready;
    /// The database's readability, schema level and writability, by a real write. /readyz.
    std::function<storage::Database::Health()> probe;
};

struct RouterSettings {
    /// The absolute base URL; its origin is what the Origin check accepts.
    std::string base_url = "http://127.0.0.1:8080";
    std::size_t max_body = kDefaultMaxBody;
    /// Peers whose X-Forwarded-For and X-Forwarded-Proto are believed (reverse proxies), as
    /// exact addresses.
    std::vector<std::string> trusted_proxies;
};

/// One handler call: the request, the path captures, the caller, the services.
struct Call {
    const Request& request;
    std::vector<std::pair<std::string_view, std::string>> params;
    std::optional<Principal> principal;
    Services& services;
    const RouterSettings& settings;
    const StaticFiles& web;

    /// The decoded value of capture `{name}` in the route's pattern.
    const std::string& Param(std::string_view name) const;
    /// The signed-in user (only on routes with Auth::kUser or kAdmin).
    const model::User& User() const { return principal->user; }
};

using Handler = std::function<Response(Call&)>;

/// Who may open a live socket on a session, and as what.
struct LiveGrant {
    std::string session_id;
    bool facilitator = false;
    /// The user id (facilitators) or the participant id.
    std::string identity;
};

struct Route {
    Method method;
    std::string_view pattern;  ///< `/api/things/{id}`: literal segments and `{name}` captures
    Handler handler;
    Policy policy;
};

struct RateBucket {
    std::string_view name;
    util::RateLimiter::Limit limit;
};

/// Dispatches requests through the route table. Thread-safe; no sockets.
class Router {
public:
    Router(std::vector<Route> routes, std::vector<RateBucket> buckets, Services& services,
           const util::Clock& clock, util::Random& random, RouterSettings settings,
           const StaticFiles& static_files);
    ~Router();

    /// Handles one request. Never throws: failures become error responses.
    Response Handle(Request request);
    /// A new request id (16 hex digits), for an answer made before a request reaches Handle.
    std::string NewRequestId() { return random_.Hex(8); }

    /// Decides a WebSocket upgrade of `GET /ws/sessions/{id}`: the Origin (when present) must be
    /// the base URL's; a `participant_token` query parameter makes a participant, else the
    /// cookie or bearer token must belong to the owner or a co-facilitator. Errors: 401, 403
    /// bad_origin, 404 (also for sessions the caller may not see). Never throws.
    Result<LiveGrant> AuthorizeLive(const Request& request);

    /// The body size allowed for this method and target (read before the body arrives).
    std::size_t BodyLimit(Method method, std::string_view target) const;

    const RouterSettings& Settings() const { return settings_; }
    /// Sets the base URL once the listening port is known. Call before serving starts.
    void SetBaseUrl(std::string base_url);
    /// Forgets the clients idle for a full window in every rate limit; returns how many.
    /// Thread-safe.
    std::size_t ForgetIdleClients();

private:
    struct Match;
    std::optional<Match> Find(Method method, std::string_view path, std::string& allow) const;
    /// The caller behind a bearer token or session cookie; an error for a bad bearer token.
    Result<std::optional<Principal>> Authenticate(const Request& request);
    bool ForeignOrigin(const Request& request) const;
    /// `route` is set to the matched route's pattern ("static", "unmatched" otherwise).
    Response Dispatch(Request& request, std::string_view& route);
    /// Counts and times one answered request.
    void Record(const Request& request, std::string_view route, int status, double seconds);

    std::vector<Route> routes_;
    /// Each route's pattern split into segments once, not at every request.
    std::vector<std::vector<std::string_view>> patterns_;
    std::map<std::string_view, std::unique_ptr<util::RateLimiter>> limiters_;
    Services& services_;
    util::Random& random_;
    RouterSettings settings_;
    std::string origin_;
    const StaticFiles& static_files_;
};

/// True when the URL's host is a loopback address (localhost, 127.0.0.0/8, ::1): links and QR
/// codes built on it cannot work from anyone else's device.
bool IsLoopbackUrl(std::string_view url);

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest address
/// in X-Forwarded-For that is not itself a trusted proxy.
std::string ClientAddress(const Request& request, const std::vector<std::string>& trusted);

/// The scheme the client used to reach a trusted proxy (its X-Forwarded-Proto: "http" or
/// "https"); nullopt when the peer is no trusted proxy or says nothing usable.
std::optional<std::string> ForwardedProto(const Request& request,
                                          const std::vector<std::string>& trusted);

/// The origin (`scheme://host[:port]`, lower-case, default port dropped) of an absolute URL;
/// empty when `url` is not one.
std::string OriginOf(std::string_view url);

}  // namespace convene::http

#include "convene/http/routes.hpp"

#include "handlers/handlers.hpp"

namespace convene::http {

using namespace std::chrono_literals;

std::vector<RateBucket> RateBuckets() {
    return {
        // Sign-up and sign-in per client address: generous for a room behind one NAT,
        // useless for password spraying (failed sign-ins are also throttled per account).
        {"auth", {.burst = 30, .window = 60s}},
        {"tokens", {.burst = 20, .window = 60s}},
    };
}

std::vector<Route> ApiRoutes() {
    namespace h = handlers;
    constexpr Policy kPublic{.auth = Auth::kNone};
    constexpr Policy kAuth{.auth = Auth::kNone, .rate_bucket = "auth", .max_body = 16 * 1024};
    constexpr Policy kUser{.auth = Auth::kUser};
    constexpr Policy kUserSmall{.auth = Auth::kUser, .max_body = 16 * 1024};

    return {
        // method        pattern                 handler          policy
        {Method::kGet,    "/healthz",              h::Healthz,      kPublic},

        {Method::kPost,   "/api/auth/signup",      h::Signup,       kAuth},
        {Method::kPost,   "/api/auth/login",       h::Login,        kAuth},
        {Method::kPost,   "/api/auth/logout",      h::Logout,       {.auth = Auth::kOptional}},
        {Method::kGet,    "/api/me",               h::GetMe,        kUser},
        {Method::kPatch,  "/api/me",               h::PatchMe,      kUserSmall},

        {Method::kPost,   "/api/tokens",           h::CreateToken,
                                                   {.auth = Auth::kUser, .rate_bucket = "tokens",
                                                    .max_body = 16 * 1024}},
        {Method::kGet,    "/api/tokens",           h::ListTokens,   kUser},
        {Method::kDelete, "/api/tokens/{id}",      h::DeleteToken,  kUser},
    };
}

}  // namespace convene::http

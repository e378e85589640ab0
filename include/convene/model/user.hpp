#pragma once

#include <optional>
#include <string>

#include "convene/util/clock.hpp"

namespace convene::model {

enum class Role { kAdmin, kMember };

/// An account. `password_hash` never leaves the server.
struct User {
    std::string id;
    std::string email;
    std::string name;
    std::string password_hash;
    Role role = Role::kMember;
    int default_session_days = 20;
    util::Instant created_at;
};

/// A sign-in session behind a cookie.
struct LoginSession {
    std::string token_hash;
    std::string user_id;
    util::Instant created_at;
    util::Instant expires_at;
    util::Instant last_seen_at;
};

/// A user as a sign-in session proves them, with when that session was last seen.
struct SignedIn {
    User user;
    util::Instant last_seen_at;
};

/// An API token as its owner sees it (the secret itself is shown once, at creation).
struct ApiToken {
    std::string id;
    std::string user_id;
    std::string name;
    util::Instant created_at;
    std::optional<util::Instant> last_used_at;
};

inline const char* RoleName(Role role) { return role == Role::kAdmin ? "admin" : "member"; }

}  // namespace convene::model

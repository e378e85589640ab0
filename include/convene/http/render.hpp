#pragma once

#include "convene/http/json.hpp"
#include "convene/model/user.hpp"

namespace convene::http {

/// `{id, email, name, role, default_session_days, created_at}`.
Json RenderUser(const model::User& user);
/// `{id, name, created_at, last_used_at}` (never the secret).
Json RenderApiToken(const model::ApiToken& token);

}  // namespace convene::http

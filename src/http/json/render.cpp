#include "convene/http/render.hpp"

#include "convene/util/time.hpp"

namespace convene::http {

Json RenderUser(const model::User& user) {
    return {
        {"id", user.id},
        {"email", user.email},
        {"name", user.name},
        {"role", model::RoleName(user.role)},
        {"default_session_days", user.default_session_days},
        {"created_at", util::FormatRfc3339(user.created_at)},
    };
}

Json RenderApiToken(const model::ApiToken& token) {
    return {
        {"id", token.id},
        {"name", token.name},
        {"created_at", util::FormatRfc3339(token.created_at)},
        {"last_used_at",
         token.last_used_at ? Json(util::FormatRfc3339(*token.last_used_at)) : Json(nullptr)},
    };
}

}  // namespace convene::http

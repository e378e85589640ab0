#include <algorithm>
#include <functional>

#include "convene/domain/qr.hpp"
#include "convene/http/json.hpp"
#include "convene/http/render.hpp"
#include "convene/util/time.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {
namespace {

Response SessionResponse(const Call& call, int status, const domain::SessionView& view) {
    return JsonResponse(status, RenderSession(view.session, view.role, call.settings.base_url));
}

Response SessionResult(const Call& call, const Result<domain::SessionView>& result,
                       int status = 200) {
    if (!result) return Error(call, result.error());
    return SessionResponse(call, status, *result);
}

Json RenderTrashed(const Call& call, const model::Session& session) {
    auto json = RenderSession(session, model::SessionRole::kOwner, call.settings.base_url);
    json["deleted_at"] = util::FormatRfc3339(*session.deleted_at);
    json["purge_at"] = util::FormatRfc3339(call.services.sessions.PurgeAt(session));
    return json;
}

Response QrResponse(const Call& call, const std::string& content_type, const std::string& name,
                   const std::function<std::string(const domain::QrCode&)>& render) {
    auto view = call.services.sessions.Get(call.User(), call.Param("id"));
    if (!view) return Error(call, view.error());
    const domain::QrCode qr(JoinUrl(call.settings.base_url, view->session));
    Response response;
    response.SetHeader("Content-Type", content_type);
    response.SetHeader("Content-Disposition", "inline; filename=\"" + name + "\"");
    response.body = render(qr);
    return response;
}

}  // namespace

Response QrSvg(Call& call) {
    return QrResponse(call, "image/svg+xml", "convene-qr.svg",
                      [](const domain::QrCode& qr) { return qr.Svg(); });
}

Response QrPng(Call& call) {
    constexpr int kMin = 64, kMax = 2048, kDefault = 512;
    int size = kDefault;
    if (auto text = call.request.QueryParam("size")) {
        const auto parsed = ParseDecimal(*text);
        if (!parsed) {
            return Error(call, domain::Invalid("invalid_size",
                                               "size must be a number of pixels, like 512."));
        }
        size = std::clamp(*parsed, kMin, kMax);
    }
    return QrResponse(call, "image/png", "convene-qr.png",
                      [size](const domain::QrCode& qr) { return qr.Png(size); });
}

Response CreateSession(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto title = RequiredString(*body, "title", "invalid_title");
    if (!title) return Error(call, title.error());
    auto kind = OptionalString(*body, "kind", "invalid_kind");
    if (!kind) return Error(call, kind.error());
    if (*kind && **kind != "standard" && **kind != "main") {
        return Error(call, domain::Invalid("invalid_kind", "kind must be standard or main."));
    }
    auto days = OptionalInt(*body, "duration_days", "invalid_duration_days", 1, 365);
    if (!days) return Error(call, days.error());
    auto ends_at = OptionalInstant(*body, "ends_at", "invalid_ends_at");
    if (!ends_at) return Error(call, ends_at.error());

    const auto session_kind =
        *kind == "main" ? model::SessionKind::kMain : model::SessionKind::kStandard;
    return SessionResult(
        call, call.services.sessions.Create(call.User(), {*title, session_kind, *days, *ends_at}),
        201);
}

Response ListSessions(Call& call) {
    domain::SessionFilter filter;
    if (auto status = call.request.QueryParam("status")) {
        if (*status != "open" && *status != "closed") {
            return Error(call, domain::Invalid("invalid_status", "status must be open or closed."));
        }
        filter.status =
            *status == "open" ? model::SessionStatus::kOpen : model::SessionStatus::kClosed;
    }
    if (auto role = call.request.QueryParam("role")) {
        if (*role != "owner" && *role != "facilitator") {
            return Error(call,
                         domain::Invalid("invalid_role", "role must be owner or facilitator."));
        }
        filter.role = *role == "owner" ? model::SessionRole::kOwner
                                       : model::SessionRole::kFacilitator;
    }
    Json sessions = Json::array();
    for (const auto& view : call.services.sessions.List(call.User(), filter)) {
        sessions.push_back(RenderSession(view.session, view.role, call.settings.base_url));
    }
    return JsonResponse(200, {{"sessions", sessions}});
}

Response GetSession(Call& call) {
    return SessionResult(call, call.services.sessions.Get(call.User(), call.Param("id")));
}

Response PatchSession(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto title = OptionalString(*body, "title", "invalid_title");
    if (!title) return Error(call, title.error());
    auto days = OptionalInt(*body, "duration_days", "invalid_duration_days", 1, 365);
    if (!days) return Error(call, days.error());
    auto ends_at = OptionalInstant(*body, "ends_at", "invalid_ends_at");
    if (!ends_at) return Error(call, ends_at.error());
    return SessionResult(call, call.services.sessions.Update(call.User(), call.Param("id"),
                                                             {*title, *ends_at, *days}));
}

Response CloseSession(Call& call) {
    return SessionResult(call, call.services.sessions.Close(call.User(), call.Param("id")));
}

Response OpenSession(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto ends_at = OptionalInstant(*body, "ends_at", "invalid_ends_at");
    if (!ends_at) return Error(call, ends_at.error());
    return SessionResult(call,
                         call.services.sessions.Open(call.User(), call.Param("id"), *ends_at));
}

Response RegenerateCode(Call& call) {
    return SessionResult(call,
                         call.services.sessions.RegenerateCode(call.User(), call.Param("id")));
}

Response DuplicateSession(Call& call) {
    return SessionResult(call, call.services.sessions.Duplicate(call.User(), call.Param("id")),
                         201);
}

Response DeleteSession(Call& call) {
    auto trashed = call.services.sessions.Trash(call.User(), call.Param("id"));
    if (!trashed) return Error(call, trashed.error());
    return NoContent();
}

Response GetAudit(Call& call) {
    auto entries = call.services.sessions.Audit(call.User(), call.Param("id"));
    if (!entries) return Error(call, entries.error());
    Json list = Json::array();
    for (const auto& entry : *entries) list.push_back(RenderAuditEntry(entry));
    return JsonResponse(200, {{"entries", list}});
}

Response ListTrash(Call& call) {
    Json sessions = Json::array();
    for (const auto& session : call.services.sessions.ListTrash(call.User())) {
        sessions.push_back(RenderTrashed(call, session));
    }
    return JsonResponse(200, {{"sessions", sessions}});
}

Response RestoreSession(Call& call) {
    return SessionResult(call, call.services.sessions.Restore(call.User(), call.Param("id")));
}

}  // namespace convene::http::handlers

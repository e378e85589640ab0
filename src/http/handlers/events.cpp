#include <limits>

#include "convene/domain/event_service.hpp"
#include "convene/http/json.hpp"
#include "convene/http/render.hpp"
#include "convene/util/time.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {
namespace {

Json RenderEvent(const model::EventSummary& summary, const std::string& base_url) {
    const auto& e = summary.event;
    return {{"id", e.id},
            {"title", e.title},
            {"description", e.description},
            {"slug", e.slug},
            {"registration_url", base_url + "/e/" + e.slug},
            {"owner_id", e.owner_id},
            {"created_at", util::FormatRfc3339(e.created_at)},
            {"session_count", summary.session_count},
            {"next_session_at", summary.next_session_at
                                    ? Json(util::FormatRfc3339(*summary.next_session_at))
                                    : Json(nullptr)}};
}

Response EventResult(const Call& call, const domain::Result<model::EventSummary>& result,
                     int status = 200) {
    if (!result) return Error(call, result.error());
    return JsonResponse(status, RenderEvent(*result, call.settings.base_url));
}

Response SessionsResult(const Call& call,
                        const domain::Result<std::vector<model::EventSession>>& result,
                        int status) {
    if (!result) return Error(call, result.error());
    Json sessions = Json::array();
    for (const auto& s : *result) sessions.push_back(RenderEventSession(s));
    return JsonResponse(status, {{"sessions", sessions}});
}

Response SessionResult(const Call& call, const domain::Result<model::EventSession>& result) {
    if (!result) return Error(call, result.error());
    return JsonResponse(200, RenderEventSession(*result));
}

/// The fields a request about an event session may carry, each optional.
domain::Result<domain::EventSessionChange> SessionFields(const Json& body) {
    auto start = OptionalString(body, "start", "invalid_start");
    if (!start) return start.error();
    auto timezone = OptionalString(body, "timezone", "invalid_timezone");
    if (!timezone) return timezone.error();
    auto duration = OptionalInt(body, "duration_minutes", "invalid_duration_minutes", 1, 1440);
    if (!duration) return duration.error();
    auto name = OptionalString(body, "name", "invalid_name");
    if (!name) return name.error();
    auto recording = OptionalString(body, "recording_url", "invalid_recording_url");
    if (!recording) return recording.error();
    return domain::EventSessionChange{*start, *timezone, *duration, *name, *recording};
}

/// Deletes and cancels cannot be undone: they need `?confirm=true`.
bool Confirmed(const Call& call) { return call.request.QueryParam("confirm") == "true"; }

}  // namespace

Response CreateEvent(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto title = RequiredString(*body, "title", "invalid_title");
    if (!title) return Error(call, title.error());
    auto description = OptionalString(*body, "description", "invalid_description");
    if (!description) return Error(call, description.error());
    return EventResult(
        call, call.services.events.Create(call.User(), *title, description->value_or("")), 201);
}

Response ListEvents(Call& call) {
    Json events = Json::array();
    for (const auto& summary : call.services.events.List(call.User())) {
        events.push_back(RenderEvent(summary, call.settings.base_url));
    }
    return JsonResponse(200, {{"events", events}});
}

Response GetEvent(Call& call) {
    return EventResult(call, call.services.events.Get(call.User(), call.Param("id")));
}

Response PatchEvent(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto title = OptionalString(*body, "title", "invalid_title");
    if (!title) return Error(call, title.error());
    auto description = OptionalString(*body, "description", "invalid_description");
    if (!description) return Error(call, description.error());
    return EventResult(call, call.services.events.Update(call.User(), call.Param("id"),
                                                         {*title, *description}));
}

Response DeleteEvent(Call& call) {
    auto deleted = call.services.events.Delete(call.User(), call.Param("id"));
    if (!deleted) return Error(call, deleted.error());
    return NoContent();
}

Response AddEventSessions(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto fields = SessionFields(*body);
    if (!fields) return Error(call, fields.error());
    auto count = OptionalInt(*body, "count", "invalid_count", 1, std::numeric_limits<int>::max());
    if (!count) return Error(call, count.error());
    return SessionsResult(call,
                          call.services.events.AddSessions(
                              call.User(), call.Param("id"),
                              {fields->start, fields->timezone, fields->duration_minutes,
                               fields->name, *count}),
                          201);
}

Response ListEventSessions(Call& call) {
    return SessionsResult(call, call.services.events.ListSessions(call.User(), call.Param("id")),
                          200);
}

Response PatchEventSession(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto fields = SessionFields(*body);
    if (!fields) return Error(call, fields.error());
    return SessionResult(call, call.services.events.UpdateSession(call.User(), call.Param("id"),
                                                                  call.Param("session_id"),
                                                                  *fields));
}

Response DeleteEventSession(Call& call) {
    auto deleted = call.services.events.DeleteSession(call.User(), call.Param("id"),
                                                      call.Param("session_id"), Confirmed(call));
    if (!deleted) return Error(call, deleted.error());
    return NoContent();
}

Response CancelEventSession(Call& call) {
    return SessionResult(call, call.services.events.CancelSession(call.User(), call.Param("id"),
                                                                  call.Param("session_id"),
                                                                  Confirmed(call)));
}

}  // namespace convene::http::handlers

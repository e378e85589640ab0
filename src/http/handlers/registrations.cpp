// Registration to event sessions: the public page's data, personal links, and what the
// organizer sees and does about registrants.
#include "convene/domain/registration_service.hpp"
#include "convene/http/json.hpp"
#include "convene/http/render.hpp"
#include "convene/util/time.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {
namespace {

domain::Result<domain::RegistrationRequest> RegistrationFields(const Json& body) {
    auto session_id = RequiredString(body, "session_id", "invalid_session_id");
    if (!session_id) return session_id.error();
    auto name = RequiredString(body, "name", "invalid_name");
    if (!name) return name.error();
    auto email = RequiredString(body, "email", "invalid_email");
    if (!email) return email.error();
    auto timezone = OptionalString(body, "timezone", "invalid_timezone");
    if (!timezone) return timezone.error();
    return domain::RegistrationRequest{*session_id, *name, *email, *timezone};
}

Response RegisteredResult(const Call& call, const domain::Result<domain::Registered>& result) {
    if (!result) return Error(call, result.error());
    auto json = RenderRegistrant(result->registrant);
    json["session"] = RenderPublicEventSession(result->registrant.session);
    json["link"] = result->link;
    return JsonResponse(201, json);
}

const char* LinkStateName(domain::LinkState state) {
    switch (state) {
        case domain::LinkState::kOpen: return "open";
        case domain::LinkState::kEnded: return "ended";
        case domain::LinkState::kCancelled: return "cancelled";
        case domain::LinkState::kCountdown: break;
    }
    return "countdown";
}

/// One CSV field (RFC 4180), defused for spreadsheets: a leading =, +, - or @ is read as
/// text, not as a formula.
std::string CsvField(std::string_view value) {
    std::string field(value);
    if (!field.empty() && std::string_view("=+-@").find(field.front()) != std::string_view::npos) {
        field.insert(0, "'");
    }
    if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
    std::string quoted = "\"";
    for (char c : field) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

Response ParticipantsCsv(const model::ParticipantStats& stats) {
    std::string csv = "name,email,session,starts_at,timezone,source,registered_at,status,"
                      "attended_at\r\n";
    for (const auto& registrant : stats.registrants) {
        const auto json = RenderRegistrant(registrant);
        for (const char* key : {"name", "email", "session_name", "starts_at", "timezone", "source",
                                "registered_at", "status", "attended_at"}) {
            const auto& value = json.at(key);
            if (std::string_view(key) != "name") csv += ',';
            csv += CsvField(value.is_string() ? value.get<std::string>() : std::string());
        }
        csv += "\r\n";
    }
    Response response;
    response.SetHeader("Content-Type", "text/csv; charset=utf-8");
    response.SetHeader("Content-Disposition", "attachment; filename=\"participants.csv\"");
    response.body = std::move(csv);
    return response;
}

}  // namespace

Response GetReplay(Call& call) {
    auto replay = call.services.replays.Get(call.User(), call.Param("id"), call.Param("session_id"));
    if (!replay) return Error(call, replay.error());
    Json slides = Json::array(), attendance = Json::array();
    for (const auto& show : replay->slides) {
        slides.push_back({{"at", util::FormatRfc3339(show.at)},
                          {"slide_id", show.slide_id ? Json(*show.slide_id) : Json(nullptr)},
                          {"title", show.title}});
    }
    for (const auto& sample : replay->attendance) {
        attendance.push_back(
            {{"at", util::FormatRfc3339(sample.at)}, {"participants", sample.participants}});
    }
    const auto time = [](const std::optional<util::Instant>& at) {
        return at ? Json(util::FormatRfc3339(*at)) : Json(nullptr);
    };
    const auto& room = replay->room;
    return JsonResponse(200, {{"session", RenderEventSession(replay->session)},
                              {"room_id", room ? Json(room->id) : Json(nullptr)},
                              {"opened_at", room ? time(room->created_at) : Json(nullptr)},
                              {"closed_at", room ? time(room->closed_at) : Json(nullptr)},
                              {"slides", slides},
                              {"attendance", attendance},
                              {"peak", replay->peak},
                              {"registrants", replay->session.registrant_count},
                              {"attended", replay->attended}});
}

Response GetPublicEvent(Call& call) {
    auto view = call.services.registrations.PublicView(call.Param("slug"),
                                                       call.request.QueryParam("visitor"));
    if (!view) return Error(call, view.error());
    Json sessions = Json::array();
    for (const auto& s : view->sessions) sessions.push_back(RenderPublicEventSession(s));
    return JsonResponse(200, {{"title", view->event.title},
                              {"description", view->event.description},
                              {"slug", view->event.slug},
                              {"sessions", sessions}});
}

Response RegisterPublic(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto fields = RegistrationFields(*body);
    if (!fields) return Error(call, fields.error());
    return RegisteredResult(call, call.services.registrations.Register(call.Param("slug"), *fields));
}

Response AddRegistrant(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    (*body)["session_id"] = call.Param("session_id");
    auto fields = RegistrationFields(*body);
    if (!fields) return Error(call, fields.error());
    return RegisteredResult(call, call.services.registrations.RegisterByOrganizer(
                                      call.User(), call.Param("id"), *fields));
}

Response RemoveRegistrant(Call& call) {
    auto removed = call.services.registrations.Remove(call.User(), call.Param("id"),
                                                      call.Param("registration_id"));
    if (!removed) return Error(call, removed.error());
    return NoContent();
}

Response ListParticipants(Call& call) {
    auto stats = call.services.registrations.Participants(call.User(), call.Param("id"),
                                                          call.request.QueryParam("session"));
    if (!stats) return Error(call, stats.error());
    if (call.request.QueryParam("format") == "csv") return ParticipantsCsv(*stats);
    Json registrants = Json::array();
    for (const auto& r : stats->registrants) registrants.push_back(RenderRegistrant(r));
    return JsonResponse(200, {{"visits", stats->visits},
                              {"registrations", stats->registrations},
                              {"attendance", stats->attendance},
                              {"registrants", registrants}});
}

Response EnterEventRoom(Call& call) {
    auto room = call.services.events.EnterRoom(call.User(), call.Param("id"),
                                               call.Param("session_id"));
    if (!room) return Error(call, room.error());
    return JsonResponse(200, {{"room_id", room->id}, {"url", "/sessions/" + room->id}});
}

Response InviteToEvent(Call& call) {
    auto event = call.services.events.Get(call.User(), call.Param("id"));
    if (!event) return Error(call, event.error());
    return InvitationResponse(call, [&](const std::vector<std::string>& addresses) {
        return call.services.invitations.InviteToEvent(call.User(), event->event, addresses);
    });
}

Response GetPersonalLink(Call& call) {
    auto link = call.services.registrations.Resolve(call.Param("token"));
    if (!link) return Error(call, link.error());
    return JsonResponse(200, {{"state", LinkStateName(link->state)},
                              {"opens_at", util::FormatRfc3339(link->opens_at)},
                              {"name", link->registration.name},
                              {"event", {{"title", link->event.title},
                                         {"slug", link->event.slug}}},
                              {"session", RenderPublicEventSession(link->session)}});
}

Response EnterByPersonalLink(Call& call) {
    std::optional<std::string> participant;
    if (!call.request.body.empty()) {
        auto body = ParseObject(call.request);
        if (!body) return Error(call, body.error());
        auto token = OptionalString(*body, "participant_token", "invalid_participant_token");
        if (!token) return Error(call, token.error());
        participant = *token;
    }
    auto joined = call.services.registrations.Enter(call.Param("token"), participant);
    if (!joined) return Error(call, joined.error());
    return JoinedResponse(*joined);
}

}  // namespace convene::http::handlers

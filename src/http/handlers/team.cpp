// Team members and speakers of an event's sessions, and the speaker's personal link.
#include "convene/domain/team_service.hpp"
#include "convene/http/json.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {
namespace {

Json RenderMember(const model::TeamMember& m) {
    return {{"user_id", m.user_id}, {"email", m.email}, {"name", m.name}};
}

Json RenderSpeaker(const model::Speaker& s) {
    return {{"id", s.id},
            {"session_id", s.event_session_id},
            {"name", s.name},
            {"email", s.email},
            {"joined", s.user_id.has_value()}};
}

Response TeamResult(const Call& call, const domain::Result<model::SessionTeam>& team) {
    if (!team) return Error(call, team.error());
    Json members = Json::array(), speakers = Json::array();
    for (const auto& m : team->members) members.push_back(RenderMember(m));
    for (const auto& s : team->speakers) speakers.push_back(RenderSpeaker(s));
    return JsonResponse(200, {{"members", members}, {"speakers", speakers}});
}

}  // namespace

Response ListTeam(Call& call) {
    auto team = call.services.team.ListTeam(call.User(), call.Param("id"));
    if (!team) return Error(call, team.error());
    Json members = Json::array();
    for (const auto& m : *team) members.push_back(RenderMember(m));
    return JsonResponse(200, {{"members", members}});
}

Response AddTeamMember(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto email = RequiredString(*body, "email", "invalid_email");
    if (!email) return Error(call, email.error());
    auto member = call.services.team.AddTeamMember(call.User(), call.Param("id"), *email);
    if (!member) return Error(call, member.error());
    return JsonResponse(201, RenderMember(*member));
}

Response RemoveTeamMember(Call& call) {
    auto removed =
        call.services.team.RemoveTeamMember(call.User(), call.Param("id"), call.Param("user_id"));
    if (!removed) return Error(call, removed.error());
    return NoContent();
}

Response GetSessionTeam(Call& call) {
    return TeamResult(call, call.services.team.SessionTeam(call.User(), call.Param("id"),
                                                           call.Param("session_id")));
}

Response IncludeInSessionTeam(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto email = RequiredString(*body, "email", "invalid_email");
    if (!email) return Error(call, email.error());
    return TeamResult(call, call.services.team.IncludeInSession(call.User(), call.Param("id"),
                                                                call.Param("session_id"), *email));
}

Response ExcludeFromSessionTeam(Call& call) {
    return TeamResult(call, call.services.team.ExcludeFromSession(call.User(), call.Param("id"),
                                                                  call.Param("session_id"),
                                                                  call.Param("user_id")));
}

Response AddSpeaker(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto name = RequiredString(*body, "name", "invalid_name");
    if (!name) return Error(call, name.error());
    auto email = RequiredString(*body, "email", "invalid_email");
    if (!email) return Error(call, email.error());
    auto speaker = call.services.team.AddSpeaker(call.User(), call.Param("id"),
                                                 call.Param("session_id"), *name, *email);
    if (!speaker) return Error(call, speaker.error());
    return JsonResponse(201, RenderSpeaker(*speaker));
}

Response RemoveSpeaker(Call& call) {
    auto removed = call.services.team.RemoveSpeaker(call.User(), call.Param("id"),
                                                    call.Param("session_id"),
                                                    call.Param("speaker_id"));
    if (!removed) return Error(call, removed.error());
    return NoContent();
}

Response EnterAsSpeaker(Call& call) {
    auto entry = call.services.team.EnterAsSpeaker(call.Param("token"));
    if (!entry) return Error(call, entry.error());
    const auto room = "/sessions/" + entry->room_id;
    if (!entry->signed_in) {
        // An account with its own password: its owner signs in as usual, then lands there.
        return JsonResponse(200, {{"url", "/signin?next=" + room}, {"signed_in", false}});
    }
    auto response = JsonResponse(200, {{"url", room}, {"signed_in", true}});
    SetSessionCookie(call, response, *entry->signed_in);
    return response;
}

}  // namespace convene::http::handlers

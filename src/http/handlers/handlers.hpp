#pragma once

// Handler functions, one file per resource. Each parses, calls one service method, renders.

#include <charconv>
#include <functional>
#include <optional>
#include <string_view>

#include "convene/domain/invitation_service.hpp"
#include "convene/domain/join_service.hpp"
#include "convene/http/error_response.hpp"
#include "convene/http/router.hpp"

namespace convene::http::handlers {

/// The contract-shaped error answer for this call.
inline Response Error(const Call& call, const domain::AppError& error) {
    return ErrorResponse(error, call.request.request_id);
}

/// `text` as a whole decimal number (query parameters), else nullopt.
inline std::optional<int> ParseDecimal(std::string_view text) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// health.cpp
Response Healthz(Call& call);
/// Readiness with the checks behind it: database, schema, outbox, tz database, base URL.
Response Readyz(Call& call);
/// The metrics in Prometheus' text format.
Response GetMetrics(Call& call);

// accounts.cpp
/// Sets the sign-in cookie of `signed_in` on `response`.
void SetSessionCookie(const Call& call, Response& response, const domain::SignedIn& signed_in);
Response Signup(Call& call);
Response GetAuthOptions(Call& call);
Response Login(Call& call);
Response Logout(Call& call);
Response GetMe(Call& call);
Response PatchMe(Call& call);
Response ChangePassword(Call& call);
Response CreateToken(Call& call);
Response ListTokens(Call& call);
Response DeleteToken(Call& call);

// sessions.cpp
Response CreateSession(Call& call);
Response ListSessions(Call& call);
Response GetSession(Call& call);
Response PatchSession(Call& call);
Response CloseSession(Call& call);
Response OpenSession(Call& call);
Response RegenerateCode(Call& call);
Response DuplicateSession(Call& call);
Response DeleteSession(Call& call);
Response GetAudit(Call& call);
Response ListTrash(Call& call);
Response RestoreSession(Call& call);
Response QrSvg(Call& call);
Response QrPng(Call& call);

// slides.cpp
Response ListSlides(Call& call);
Response AddSlide(Call& call);
Response PatchSlide(Call& call);
Response DeleteSlide(Call& call);
Response ActivateSlide(Call& call);

// pages.cpp: web app pages under a path with captures (others are plain static files).
/// A page of the web app with `status` (the page asks the API for what the visitor may see).
Response Page(const Call& call, const char* file, int status = 200);
Response SessionPage(Call& call);
Response PresentPage(Call& call);
Response EventPage(Call& call);
Response RegistrationPage(Call& call);
Response PersonalLinkPage(Call& call);
Response SpeakerPage(Call& call);
Response ReplayPage(Call& call);

// facilitators.cpp
Response ListFacilitators(Call& call);
Response AddFacilitator(Call& call);
Response RemoveFacilitator(Call& call);
Response RevokeInvitation(Call& call);
Response InviteBySession(Call& call);
/// Reads `{emails}` (text or array), calls `invite`, answers 202 `{sent, invalid}`.
Response InvitationResponse(
    Call& call,
    const std::function<domain::Result<domain::InvitationResult>(const std::vector<std::string>&)>&
        invite);

// events.cpp
Response CreateEvent(Call& call);
Response ListEvents(Call& call);
Response GetEvent(Call& call);
Response PatchEvent(Call& call);
Response DeleteEvent(Call& call);
Response AddEventSessions(Call& call);
Response ListEventSessions(Call& call);
Response PatchEventSession(Call& call);
Response DeleteEventSession(Call& call);
Response CancelEventSession(Call& call);

// admin.cpp
Response ListOutbox(Call& call);
Response RetryOutboxMessage(Call& call);

// registrations.cpp
Response GetPublicEvent(Call& call);
Response RegisterPublic(Call& call);
Response AddRegistrant(Call& call);
Response RemoveRegistrant(Call& call);
Response ListParticipants(Call& call);
Response EnterEventRoom(Call& call);
Response GetReplay(Call& call);
Response InviteToEvent(Call& call);
Response GetPersonalLink(Call& call);
Response EnterByPersonalLink(Call& call);

// team.cpp
Response ListTeam(Call& call);
Response AddTeamMember(Call& call);
Response RemoveTeamMember(Call& call);
Response GetSessionTeam(Call& call);
Response IncludeInSessionTeam(Call& call);
Response ExcludeFromSessionTeam(Call& call);
Response AddSpeaker(Call& call);
Response RemoveSpeaker(Call& call);
Response EnterAsSpeaker(Call& call);

// join.cpp
/// `{session, participant_token, participant_id, returning}`.
Response JoinedResponse(const domain::Joined& joined);
Response Join(Call& call);
Response JoinPage(Call& call);

}  // namespace convene::http::handlers

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
        // Joins per client address. Wrong codes have their own, stricter throttle in the
        // JoinService; this only caps the raw rate (a whole room may share one address).
        {"join", {.burst = 600, .window = 60s}},
        // Registrations per client address: a few people sharing an office's address sign up
        // in a minute; a script filling the list with fake names is cut short.
        {"register", {.burst = 30, .window = 60s}},
    };
}

std::vector<Route> ApiRoutes() {
    namespace h = handlers;
    constexpr Policy kPublic{.auth = Auth::kNone};
    constexpr Policy kAuth{.auth = Auth::kNone, .rate_bucket = "auth", .max_body = 16 * 1024};
    constexpr Policy kUser{.auth = Auth::kUser};
    // 64 KiB: room for a slide body of 10,000 characters of any script.
    constexpr Policy kUserSmall{.auth = Auth::kUser, .max_body = 64 * 1024};
    constexpr Policy kAdmin{.auth = Auth::kAdmin, .max_body = 16 * 1024};

    return {
        // method        pattern                 handler          policy
        {Method::kGet,    "/healthz",              h::Healthz,      kPublic},
        {Method::kGet,    "/readyz",               h::Readyz,       kPublic},
        // Prometheus scrapes with an admin's API token (Authorization: Bearer).
        {Method::kGet,    "/metrics",              h::GetMetrics,   kAdmin},

        {Method::kGet,    "/api/auth/options",     h::GetAuthOptions, kPublic},
        {Method::kPost,   "/api/auth/signup",      h::Signup,       kAuth},
        {Method::kPost,   "/api/auth/login",       h::Login,        kAuth},
        {Method::kPost,   "/api/auth/logout",      h::Logout,       {.auth = Auth::kOptional}},
        {Method::kGet,    "/api/me",               h::GetMe,        kUser},
        {Method::kPatch,  "/api/me",               h::PatchMe,      kUserSmall},
        {Method::kPost,   "/api/me/password",      h::ChangePassword,
                                                   {.auth = Auth::kUser, .rate_bucket = "auth",
                                                    .max_body = 16 * 1024}},

        {Method::kPost,   "/api/tokens",           h::CreateToken,
                                                   {.auth = Auth::kUser, .rate_bucket = "tokens",
                                                    .max_body = 16 * 1024}},
        {Method::kGet,    "/api/tokens",           h::ListTokens,   kUser},
        {Method::kDelete, "/api/tokens/{id}",      h::DeleteToken,  kUser},

        {Method::kPost,   "/api/sessions",                  h::CreateSession,    kUserSmall},
        {Method::kGet,    "/api/sessions",                  h::ListSessions,     kUser},
        {Method::kGet,    "/api/sessions/{id}",             h::GetSession,       kUser},
        {Method::kPatch,  "/api/sessions/{id}",             h::PatchSession,     kUserSmall},
        {Method::kDelete, "/api/sessions/{id}",             h::DeleteSession,    kUser},
        {Method::kPost,   "/api/sessions/{id}/close",       h::CloseSession,     kUserSmall},
        {Method::kPost,   "/api/sessions/{id}/open",        h::OpenSession,      kUserSmall},
        {Method::kPost,   "/api/sessions/{id}/code",        h::RegenerateCode,   kUserSmall},
        {Method::kPost,   "/api/sessions/{id}/duplicate",   h::DuplicateSession, kUserSmall},
        {Method::kGet,    "/api/sessions/{id}/audit",       h::GetAudit,         kUser},
        {Method::kGet,    "/api/sessions/{id}/qr.svg",      h::QrSvg,            kUser},
        {Method::kGet,    "/api/sessions/{id}/qr.png",      h::QrPng,            kUser},
        {Method::kGet,    "/api/sessions/{id}/slides",      h::ListSlides,       kUser},
        {Method::kPost,   "/api/sessions/{id}/slides",      h::AddSlide,         kUserSmall},
        {Method::kPatch,  "/api/sessions/{id}/slides/{slide_id}",          h::PatchSlide,
                                                                           kUserSmall},
        {Method::kDelete, "/api/sessions/{id}/slides/{slide_id}",          h::DeleteSlide, kUser},
        {Method::kPost,   "/api/sessions/{id}/slides/{slide_id}/activate", h::ActivateSlide,
                                                                           kUserSmall},
        {Method::kGet,    "/api/sessions/{id}/facilitators", h::ListFacilitators, kUser},
        {Method::kPost,   "/api/sessions/{id}/facilitators", h::AddFacilitator,   kUserSmall},
        {Method::kDelete, "/api/sessions/{id}/facilitators/{user_id}",         h::RemoveFacilitator,
                                                                               kUser},
        {Method::kDelete, "/api/sessions/{id}/facilitators/invitations/{invitation_id}",
                                                                               h::RevokeInvitation,
                                                                               kUser},
        {Method::kPost,   "/api/sessions/{id}/invitations",  h::InviteBySession,  kUserSmall},
        {Method::kGet,    "/api/trash",                     h::ListTrash,        kUser},
        {Method::kPost,   "/api/trash/{id}/restore",        h::RestoreSession,   kUserSmall},

        {Method::kPost,   "/api/events",                    h::CreateEvent,      kUserSmall},
        {Method::kGet,    "/api/events",                    h::ListEvents,       kUser},
        {Method::kGet,    "/api/events/{id}",               h::GetEvent,         kUser},
        {Method::kPatch,  "/api/events/{id}",               h::PatchEvent,       kUserSmall},
        {Method::kDelete, "/api/events/{id}",               h::DeleteEvent,      kUser},
        {Method::kPost,   "/api/events/{id}/sessions",      h::AddEventSessions, kUserSmall},
        {Method::kGet,    "/api/events/{id}/sessions",      h::ListEventSessions, kUser},
        {Method::kPatch,  "/api/events/{id}/sessions/{session_id}",        h::PatchEventSession,
                                                                           kUserSmall},
        {Method::kDelete, "/api/events/{id}/sessions/{session_id}",        h::DeleteEventSession,
                                                                           kUser},
        {Method::kPost,   "/api/events/{id}/sessions/{session_id}/cancel", h::CancelEventSession,
                                                                           kUserSmall},
        {Method::kPost,   "/api/events/{id}/sessions/{session_id}/room",   h::EnterEventRoom,
                                                                           kUserSmall},
        {Method::kPost,   "/api/events/{id}/sessions/{session_id}/registrants", h::AddRegistrant,
                                                                           kUserSmall},
        {Method::kDelete, "/api/events/{id}/registrants/{registration_id}", h::RemoveRegistrant,
                                                                           kUser},
        {Method::kGet,    "/api/events/{id}/participants",  h::ListParticipants, kUser},
        {Method::kGet,    "/api/events/{id}/sessions/{session_id}/replay",  h::GetReplay, kUser},
        {Method::kGet,    "/api/events/{id}/team",          h::ListTeam,         kUser},
        {Method::kPost,   "/api/events/{id}/team",          h::AddTeamMember,    kUserSmall},
        {Method::kDelete, "/api/events/{id}/team/{user_id}", h::RemoveTeamMember, kUser},
        {Method::kGet,    "/api/events/{id}/sessions/{session_id}/team", h::GetSessionTeam, kUser},
        {Method::kPost,   "/api/events/{id}/sessions/{session_id}/team", h::IncludeInSessionTeam,
                                                                         kUserSmall},
        {Method::kDelete, "/api/events/{id}/sessions/{session_id}/team/{user_id}",
                                                                 h::ExcludeFromSessionTeam, kUser},
        {Method::kPost,   "/api/events/{id}/sessions/{session_id}/speakers", h::AddSpeaker,
                                                                             kUserSmall},
        {Method::kDelete, "/api/events/{id}/sessions/{session_id}/speakers/{speaker_id}",
                                                                 h::RemoveSpeaker,          kUser},
        {Method::kPost,   "/api/events/{id}/invitations",   h::InviteToEvent,    kUserSmall},

        {Method::kGet,    "/api/public/events/{slug}",      h::GetPublicEvent,   kPublic},
        {Method::kPost,   "/api/public/events/{slug}/registrations", h::RegisterPublic,
                          {.auth = Auth::kNone, .rate_bucket = "register", .max_body = 16 * 1024}},
        {Method::kGet,    "/api/public/registrations/{token}",       h::GetPersonalLink, kPublic},
        {Method::kPost,   "/api/public/registrations/{token}/enter", h::EnterByPersonalLink,
                          {.auth = Auth::kNone, .rate_bucket = "join", .max_body = 4 * 1024}},
        {Method::kPost,   "/api/public/speakers/{token}/enter",      h::EnterAsSpeaker,
                          {.auth = Auth::kNone, .rate_bucket = "auth", .max_body = 4 * 1024}},

        {Method::kGet,    "/api/admin/outbox",              h::ListOutbox,       kAdmin},
        {Method::kPost,   "/api/admin/outbox/{id}/retry",   h::RetryOutboxMessage, kAdmin},

        {Method::kPost,   "/api/join",                      h::Join,
                          {.auth = Auth::kNone, .rate_bucket = "join", .max_body = 4 * 1024}},
        {Method::kGet,    "/j/{token}",                     h::JoinPage,
                          {.auth = Auth::kNone, .rate_bucket = "join"}},
        {Method::kGet,    "/sessions/{id}",                 h::SessionPage,      kPublic},
        {Method::kGet,    "/sessions/{id}/present",         h::PresentPage,      kPublic},
        {Method::kGet,    "/events/{id}",                   h::EventPage,        kPublic},
        {Method::kGet,    "/events/{id}/sessions/{session_id}/replay", h::ReplayPage, kPublic},
        {Method::kGet,    "/e/{slug}",                      h::RegistrationPage, kPublic},
        {Method::kGet,    "/r/{token}",                     h::PersonalLinkPage,
                          {.auth = Auth::kNone, .rate_bucket = "join"}},
        {Method::kGet,    "/s/{token}",                     h::SpeakerPage,      kPublic},
    };
}

}  // namespace convene::http

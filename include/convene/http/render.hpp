#pragma once

#include "convene/http/json.hpp"
#include "convene/model/event.hpp"
#include "convene/model/session.hpp"
#include "convene/model/user.hpp"

namespace convene::http {

/// `{id, email, name, role, default_session_days, created_at}`.
Json RenderUser(const model::User& user);
/// `{id, name, created_at, last_used_at}` (never the secret).
Json RenderApiToken(const model::ApiToken& token);

/// The session as its owner and co-facilitators see it (contract: Sessions).
Json RenderSession(const model::Session& session, model::SessionRole role,
                   std::string_view base_url);
/// What a participant may know: `{id, title, status, ends_at}`.
Json RenderPublicSession(const model::Session& session);
/// `{id, action, actor_id, at, detail}`.
Json RenderAuditEntry(const model::AuditEntry& entry);
/// `{id, kind, title, body, position, active}`.
Json RenderSlide(const model::Slide& slide, bool active);
/// What participants see of a slide: `{id, kind, title, body}`. A join slide's code and link
/// are never in it.
Json RenderPublicSlide(const model::Slide& slide);
/// An event session as its organizers see it (contract: Events).
Json RenderEventSession(const model::EventSession& session);
/// What the public registration page may know of an event session (no room, no numbers).
Json RenderPublicEventSession(const model::EventSession& session);
/// A registrant with their event session, for the organizer.
Json RenderRegistrant(const model::Registrant& registrant);
/// `scheduled`, `cancelled`, `ended`.
const char* EventSessionStatusName(model::EventSessionStatus status);
/// `<base-url>/j/<token>`.
std::string JoinUrl(std::string_view base_url, const model::Session& session);

}  // namespace convene::http

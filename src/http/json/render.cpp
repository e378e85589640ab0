#include "convene/http/render.hpp"

#include "convene/util/time.hpp"

namespace convene::http {
namespace {

Json OptionalTime(const std::optional<util::Instant>& instant) {
    return instant ? Json(util::FormatRfc3339(*instant)) : Json(nullptr);
}

}  // namespace


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
        {"last_used_at", OptionalTime(token.last_used_at)},
    };
}

std::string JoinUrl(std::string_view base_url, const model::Session& session) {
    return std::string(base_url) + "/j/" + session.link_token;
}

Json RenderSession(const model::Session& session, model::SessionRole role,
                   std::string_view base_url) {
    return {
        {"id", session.id},
        {"title", session.title},
        {"kind", model::KindName(session.kind)},
        {"status", model::StatusName(session.status)},
        {"ends_at", OptionalTime(session.ends_at)},
        {"closed_at", OptionalTime(session.closed_at)},
        {"close_reason", session.close_reason
                             ? Json(model::CloseReasonName(*session.close_reason))
                             : Json(nullptr)},
        {"code", session.code},
        {"join_url", JoinUrl(base_url, session)},
        {"created_at", util::FormatRfc3339(session.created_at)},
        {"role", model::RoleName(role)},
        {"active_slide_id",
         session.active_slide_id ? Json(*session.active_slide_id) : Json(nullptr)},
    };
}

Json RenderSlide(const model::Slide& slide, bool active) {
    return {{"id", slide.id},       {"kind", model::SlideKindName(slide.kind)},
            {"title", slide.title}, {"body", slide.body},
            {"position", slide.position}, {"active", active}};
}

Json RenderPublicSlide(const model::Slide& slide) {
    return {{"id", slide.id},
            {"kind", model::SlideKindName(slide.kind)},
            {"title", slide.title},
            {"body", slide.body}};
}

Json RenderPublicSession(const model::Session& session) {
    return {
        {"id", session.id},
        {"title", session.title},
        {"status", model::StatusName(session.status)},
        {"ends_at", OptionalTime(session.ends_at)},
    };
}

Json RenderAuditEntry(const model::AuditEntry& entry) {
    auto detail = Json::parse(entry.detail, nullptr, false);
    return {
        {"id", entry.id},
        {"action", entry.action},
        {"actor_id", entry.actor_id ? Json(*entry.actor_id) : Json(nullptr)},
        {"at", util::FormatRfc3339(entry.at)},
        {"detail", detail.is_discarded() ? Json::object() : detail},
    };
}

const char* EventSessionStatusName(model::EventSessionStatus status) {
    switch (status) {
        case model::EventSessionStatus::kCancelled: return "cancelled";
        case model::EventSessionStatus::kEnded: return "ended";
        case model::EventSessionStatus::kScheduled: break;
    }
    return "scheduled";
}

Json RenderPublicEventSession(const model::EventSession& s) {
    return {{"id", s.id},
            {"name", s.name},
            {"start", util::FormatLocalMinutes(s.start)},
            {"timezone", s.timezone},
            {"starts_at", util::FormatRfc3339(s.starts_at)},
            {"duration_minutes", s.duration_minutes},
            {"status", EventSessionStatusName(s.status)}};
}

Json RenderEventSession(const model::EventSession& s) {
    auto json = RenderPublicEventSession(s);
    json["event_id"] = s.event_id;
    json["registrant_count"] = s.registrant_count;
    json["room_id"] = s.room_id ? Json(*s.room_id) : Json(nullptr);
    json["recording_url"] = s.recording_url ? Json(*s.recording_url) : Json(nullptr);
    return json;
}

Json RenderRegistrant(const model::Registrant& registrant) {
    const auto& r = registrant.registration;
    const auto& s = registrant.session;
    const char* status = s.status == model::EventSessionStatus::kCancelled ? "cancelled"
                         : r.attended_at                                   ? "attended"
                                                                           : "registered";
    return {{"id", r.id},
            {"session_id", s.id},
            {"session_name", s.name},
            {"starts_at", util::FormatRfc3339(s.starts_at)},
            {"name", r.name},
            {"email", r.email},
            {"timezone", r.timezone},
            {"source", r.source == model::RegistrationSource::kOrganizer ? "organizer" : "self"},
            {"registered_at", util::FormatRfc3339(r.created_at)},
            {"attended_at", OptionalTime(r.attended_at)},
            {"status", status}};
}

}  // namespace convene::http

#pragma once

#include <optional>
#include <string>

#include "convene/util/clock.hpp"

namespace convene::model {

/// kEvent: the room of an event session, made and closed by the events it belongs to.
enum class SessionKind { kStandard, kMain, kEvent };
enum class SessionStatus { kOpen, kClosed };
/// Why a session is closed.
enum class CloseReason { kOwner, kExpiry };
/// The caller's role on a session.
enum class SessionRole { kOwner, kFacilitator };

/// A live session as stored.
struct Session {
    std::string id;
    std::string owner_id;
    std::string title;
    SessionKind kind = SessionKind::kStandard;
    SessionStatus status = SessionStatus::kOpen;
    std::string code;
    std::string link_token;
    std::optional<std::string> active_slide_id;
    util::Instant created_at;
    std::optional<util::Instant> ends_at;  ///< null for main sessions
    std::optional<util::Instant> closed_at;
    std::optional<CloseReason> close_reason;
    std::optional<util::Instant> deleted_at;  ///< set while in the trash
};

/// One entry of a session's audit trail.
struct AuditEntry {
    std::int64_t id = 0;
    std::string session_id;
    std::optional<std::string> actor_id;  ///< null for the server itself (expiry)
    std::string action;
    std::string detail;  ///< a JSON object, as text
    util::Instant at;
};

inline const char* KindName(SessionKind kind) {
    switch (kind) {
        case SessionKind::kMain: return "main";
        case SessionKind::kEvent: return "event";
        case SessionKind::kStandard: break;
    }
    return "standard";
}
inline const char* StatusName(SessionStatus status) {
    return status == SessionStatus::kOpen ? "open" : "closed";
}
inline const char* CloseReasonName(CloseReason reason) {
    return reason == CloseReason::kOwner ? "owner" : "expiry";
}
inline const char* RoleName(SessionRole role) {
    return role == SessionRole::kOwner ? "owner" : "facilitator";
}

}  // namespace convene::model

namespace convene::model {

/// An anonymous audience member of one session.
struct Participant {
    std::string id;
    std::string session_id;
    util::Instant joined_at;
    util::Instant last_seen_at;
};

}  // namespace convene::model

namespace convene::model {

enum class SlideKind { kText, kJoin };

/// One slide of a session. `join` slides show the code, link and QR code (for the screen).
struct Slide {
    std::string id;
    std::string session_id;
    int position = 0;
    SlideKind kind = SlideKind::kText;
    std::string title;
    std::string body;
    util::Instant created_at;
};

inline const char* SlideKindName(SlideKind kind) {
    return kind == SlideKind::kJoin ? "join" : "text";
}

}  // namespace convene::model

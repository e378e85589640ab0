#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "convene/util/clock.hpp"

namespace convene::model {

enum class OutboxStatus { kQueued, kSent, kFailed };

/// One email in the outbox. Every field is validated before it gets here: no CR or LF in
/// the recipient or subject.
struct OutboxMessage {
    std::string id;
    std::string message_id;  ///< `<random@host>`, stable across retries
    std::string recipient;
    std::string subject;
    std::string text_body;
    std::string html_body;
    std::string kind;  ///< facilitator_added, facilitator_invited, …
    std::optional<std::string> session_id;
    OutboxStatus status = OutboxStatus::kQueued;
    int attempts = 0;
    util::Instant due_at;
    util::Instant created_at;
    std::optional<util::Instant> sent_at;
    std::optional<std::string> last_error;
    /// When an admin last asked to send it again (the relay's day of retries restarts).
    std::optional<util::Instant> retried_at;
    /// An iCalendar object (RFC 5545, with its METHOD) sent along as an .ics part; empty for
    /// none.
    std::string calendar;
    /// The event session and registration it is about, so a move or a cancel finds it.
    std::optional<std::string> event_session_id;
    std::optional<std::string> registration_id;
};

/// How many messages the outbox holds in each status.
struct OutboxCounts {
    std::int64_t queued = 0;
    std::int64_t sent = 0;
    std::int64_t failed = 0;
};

inline const char* OutboxStatusName(OutboxStatus status) {
    switch (status) {
        case OutboxStatus::kQueued: return "queued";
        case OutboxStatus::kSent: return "sent";
        case OutboxStatus::kFailed: return "failed";
    }
    return "queued";
}

/// A co-facilitator invitation waiting for its addressee to sign up.
struct FacilitatorInvitation {
    std::string id;
    std::string session_id;
    std::string email;
    std::optional<std::string> invited_by;
    util::Instant created_at;
};

/// A co-facilitator as the owner sees them.
struct Facilitator {
    std::string user_id;
    std::string email;
    std::string name;
    util::Instant added_at;
};

}  // namespace convene::model

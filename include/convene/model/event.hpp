#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "convene/util/clock.hpp"
#include "convene/util/zone.hpp"

namespace convene::model {

/// A recurring event: one registration page (`/e/<slug>`), many dated event sessions.
struct Event {
    std::string id;
    std::string owner_id;
    std::string title;
    std::string description;
    std::string slug;
    util::Instant created_at;
};

/// An event with what its dashboard shows.
struct EventSummary {
    Event event;
    std::int64_t session_count = 0;
    /// The start of the next scheduled event session still to come.
    std::optional<util::Instant> next_session_at;
};

/// kEnded is never stored: a scheduled session whose end has passed reads as ended.
enum class EventSessionStatus { kScheduled, kCancelled, kEnded };

/// One dated instance of an event. `start` in `timezone` is the truth; `starts_at` derives.
struct EventSession {
    std::string id;
    std::string event_id;
    std::string name;
    util::LocalMinutes start;
    std::string timezone;
    util::Instant starts_at;
    int duration_minutes = 60;
    EventSessionStatus status = EventSessionStatus::kScheduled;
    util::Instant created_at;
};

}  // namespace convene::model

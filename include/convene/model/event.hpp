#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
    /// The room (a Session of kind event), once made.
    std::optional<std::string> room_id;
    /// iCalendar SEQUENCE of its invitations: up by one at each move and at the cancel.
    int sequence = 0;
    std::int64_t registrant_count = 0;
    /// A recording of it, attached by the organizer (http or https).
    std::optional<std::string> recording_url;

    util::Instant EndsAt() const { return starts_at + std::chrono::minutes{duration_minutes}; }
    bool HasEnded(util::Instant now) const {
        return status != EventSessionStatus::kCancelled && EndsAt() <= now;
    }
    /// As read at `now`: a scheduled session whose end has passed has ended.
    EventSession At(util::Instant now) const {
        auto read = *this;
        if (read.status == EventSessionStatus::kScheduled && EndsAt() <= now) {
            read.status = EventSessionStatus::kEnded;
        }
        return read;
    }
};

enum class RegistrationSource { kSelf, kOrganizer };

/// A person registered to one event session.
struct Registration {
    std::string id;
    std::string event_session_id;
    std::string name;
    std::string email;
    std::string timezone;  ///< theirs: their emails are written in it
    RegistrationSource source = RegistrationSource::kSelf;
    util::Instant created_at;
    std::optional<util::Instant> attended_at;
    std::optional<std::string> participant_id;
};

/// A registration with the event session it is for (the organizer's lists).
struct Registrant {
    Registration registration;
    EventSession session;
};

/// A team member of an event (an account).
struct TeamMember {
    std::string user_id;
    std::string email;
    std::string name;
};

/// An external speaker of one event session.
struct Speaker {
    std::string id;
    std::string event_session_id;
    std::string name;
    std::string email;
    std::optional<std::string> user_id;  ///< the account they act as, once they came
    util::Instant created_at;
};

/// Who runs one event session: its team (the event's, as adjusted) and its speakers.
struct SessionTeam {
    std::vector<TeamMember> members;
    std::vector<Speaker> speakers;
};

/// What an event's Participants tab counts, for the whole event or one session.
struct ParticipantStats {
    std::int64_t visits = 0;  ///< unique visitors of the registration page (whole event)
    std::int64_t registrations = 0;
    std::int64_t attendance = 0;  ///< registrants who entered the room
    std::vector<Registrant> registrants;
};

}  // namespace convene::model

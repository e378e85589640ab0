#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "convene/model/event.hpp"
#include "convene/storage/connection.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"

namespace convene::domain {

/// The emails an event session sends its registrants, written into the outbox inside the
/// caller's transaction. Each is in the registrant's own time zone; those that change the
/// person's calendar carry an .ics (UID stable per registrant and session, the session's
/// SEQUENCE, METHOD:REQUEST or CANCEL).
class EventMail {
public:
    static constexpr auto kFirstReminder = std::chrono::hours{24};
    static constexpr auto kLastReminder = std::chrono::hours{1};

    EventMail(storage::Connection& db, util::Random& random, std::string_view base_url,
              util::Instant now, const model::Event& event, const model::EventSession& session)
        : db_(db), random_(random), base_url_(base_url), now_(now), event_(event),
          session_(session) {}

    /// A new personal link for the registration (stored hashed); its URL.
    std::string IssueLink(const model::Registration& registration);

    /// Registered: the confirmation with the calendar invitation, and the reminders
    /// 24 hours and 1 hour before (those still ahead).
    void Registered(const model::Registration& registration, const std::string& link);
    /// The session moved: what was still due about it is dropped; each registrant gets the
    /// new time with an updated invitation and new reminders.
    void Moved(const std::vector<model::Registration>& registrations);
    /// Cancelled: nothing still due about it leaves; each registrant gets a cancellation.
    void Cancelled(const std::vector<model::Registration>& registrations);
    /// One registrant removed by the organizer: their due emails dropped, a cancellation sent.
    void Removed(const model::Registration& registration);

private:
    enum class Kind { kConfirmation, kReminderDay, kReminderHour, kMoved, kCancelled, kRemoved };
    void Queue(Kind kind, const model::Registration& registration, const std::string& link,
               util::Instant due_at);
    void QueueReminders(const model::Registration& registration, const std::string& link);

    storage::Connection& db_;
    util::Random& random_;
    std::string_view base_url_;
    util::Instant now_;
    const model::Event& event_;
    const model::EventSession& session_;
};

}  // namespace convene::domain

#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convene/domain/error.hpp"
#include "convene/domain/event_service.hpp"
#include "convene/domain/join_service.hpp"
#include "convene/domain/mail_budget.hpp"
#include "convene/model/event.hpp"
#include "convene/model/user.hpp"
#include "convene/storage/database.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"

namespace convene::domain {

struct RegistrationRequest {
    std::string session_id;
    std::string name;
    std::string email;
    /// The registrant's zone, for their emails; the session's when left out (organizer).
    std::optional<std::string> timezone;
};

struct Registered {
    model::Registrant registrant;
    std::string link;  ///< the personal link, `<base-url>/r/<token>`
};

/// What the public registration page shows.
struct PublicEvent {
    model::Event event;
    std::vector<model::EventSession> sessions;  ///< upcoming, the next one first
};

/// Where a personal link stands.
enum class LinkState {
    kCountdown,  ///< the room opens at `opens_at`
    kOpen,
    kEnded,
    kCancelled,
};

struct PersonalLink {
    model::Event event;
    model::EventSession session;
    model::Registration registration;
    LinkState state = LinkState::kCountdown;
    util::Instant opens_at;
};

/// Registration to event sessions: the public page's data, registering (by the person or by
/// the organizer), removing, the Participants numbers, and personal links into the room.
/// Thread-safe.
class RegistrationService {
public:
    static constexpr int kMaxNameLength = 200;

    /// The confirmation to a registrant an organizer adds is taken from the organizer's
    /// `mail_budget` (a person registering themselves has the per-address rate limit).
    RegistrationService(storage::Database& database, const util::Clock& clock,
                        util::Random& random, EventService& events, JoinService& joins,
                        MailBudget& mail_budget);
    void SetMailQueued(std::function<void()> mail_queued) { mail_queued_ = std::move(mail_queued); }

    /// The event by slug with its upcoming sessions; counts `visitor` (a random id kept by the
    /// visitor's browser) once. 404 event_not_found.
    Result<PublicEvent> PublicView(std::string_view slug, std::optional<std::string> visitor);
    /// A person registers: 404 event_not_found / event_session_not_found; 409
    /// already_registered, session_cancelled, session_ended; 422 invalid_name, invalid_email,
    /// invalid_timezone.
    Result<Registered> Register(std::string_view slug, const RegistrationRequest& request);
    /// The organizer registers someone by hand; the same answers, and 404 for events the
    /// caller may not manage.
    Result<Registered> RegisterByOrganizer(const model::User& caller, std::string_view event_id,
                                           const RegistrationRequest& request);
    /// Removes a registrant (they get a cancellation). 404 registrant_not_found.
    Result<void> Remove(const model::User& caller, std::string_view event_id,
                        std::string_view registration_id);
    /// The Participants tab, for the event or one of its sessions.
    Result<model::ParticipantStats> Participants(const model::User& caller,
                                                 std::string_view event_id,
                                                 std::optional<std::string> session_id);

    /// Where the personal link `token` stands; 404 link_not_found.
    Result<PersonalLink> Resolve(const std::string& token);
    /// Into the room by a personal link; with the participant token of an earlier entry, as
    /// the same participant (attendance is counted at the first entry). 409 room_not_open (before it opens: `opens_at` in the
    /// message), session_cancelled; 423 session_closed once it has ended.
    Result<Joined> Enter(const std::string& token, std::optional<std::string> participant_token);
    /// True when `room_id` is the room of a cancelled event session.
    bool IsCancelledRoom(std::string_view room_id);

private:
    Result<Registered> Add(storage::Connection& db, const model::Event& event,
                           const RegistrationRequest& request, model::RegistrationSource source);
    LinkState StateAt(const model::EventSession& session, util::Instant now) const;

    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
    EventService& events_;
    JoinService& joins_;
    MailBudget& mail_budget_;
    std::function<void()> mail_queued_ = [] {};
};

}  // namespace convene::domain

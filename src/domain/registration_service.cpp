#include "convene/domain/registration_service.hpp"

#include "convene/domain/event_mail.hpp"
#include "convene/domain/validation.hpp"
#include "convene/storage/event_repository.hpp"
#include "convene/storage/registration_repository.hpp"
#include "convene/util/hash.hpp"
#include "convene/util/time.hpp"

namespace convene::domain {
namespace {

using storage::EventRepository;
using storage::RegistrationRepository;

AppError EventNotFound() { return NotFound("event_not_found", "No such event."); }
AppError SessionNotFound() {
    return NotFound("event_session_not_found", "No such session in this event.");
}
AppError LinkNotFound() {
    return NotFound("link_not_found", "This link is not valid. Check the address in your email.");
}

}  // namespace

RegistrationService::RegistrationService(storage::Database& database, const util::Clock& clock,
                                         util::Random& random, EventService& events,
                                         JoinService& joins, MailBudget& mail_budget)
    : database_(database),
      clock_(clock),
      random_(random),
      events_(events),
      joins_(joins),
      mail_budget_(mail_budget) {}

Result<PublicEvent> RegistrationService::PublicView(std::string_view slug,
                                                    std::optional<std::string> visitor) {
    const auto now = clock_.Now();
    auto db = database_.Acquire();
    auto found = EventRepository::FindBySlug(*db, slug, now);
    if (!found) return EventNotFound();
    if (visitor && !visitor->empty() && visitor->size() <= 200) {
        storage::WriteIfWritable([&] {
            RegistrationRepository::RecordVisit(*db, found->event.id, util::Sha256Hex(*visitor),
                                                now);
        });
    }
    return PublicEvent{found->event, EventRepository::ListUpcoming(*db, found->event.id, now)};
}

Result<Registered> RegistrationService::Add(storage::Connection& db, const model::Event& event,
                                            const RegistrationRequest& request,
                                            model::RegistrationSource source) {
    const auto now = clock_.Now();
    auto name = SingleLine(request.name, kMaxNameLength);
    if (!name) return Invalid("invalid_name", "Give a name of 1 to 200 characters on one line.");
    const auto email = Trim(request.email);
    if (!IsValidEmail(email)) return Invalid("invalid_email", "Give a valid email address.");
    auto session = EventRepository::FindSession(db, event.id, request.session_id);
    if (!session) return SessionNotFound();
    const auto zone = request.timezone.value_or(session->timezone);
    if (!util::IsKnownZone(zone)) return InvalidTimezone();
    if (session->status == model::EventSessionStatus::kCancelled) {
        return Conflict("session_cancelled", "This session is cancelled.");
    }
    if (session->HasEnded(now)) return Conflict("session_ended", "This session has ended.");

    model::Registration registration{.id = random_.Id(),
                                     .event_session_id = session->id,
                                     .name = *name,
                                     .email = email,
                                     .timezone = zone,
                                     .source = source,
                                     .created_at = now};
    try {
        RegistrationRepository::Insert(db, registration);
    } catch (const storage::StorageError& error) {
        if (error.Kind() != storage::StorageErrorKind::kUnique) throw;
        return Conflict("already_registered",
                        "This address is already registered for this session.");
    }
    EventMail mail(db, random_, events_.BaseUrl(), now, event, *session);
    auto link = mail.IssueLink(registration);
    mail.Registered(registration, link);
    ++session->registrant_count;
    return Registered{{std::move(registration), std::move(*session)}, std::move(link)};
}

Result<Registered> RegistrationService::Register(std::string_view slug,
                                                 const RegistrationRequest& request) {
    Result<Registered> registered = EventNotFound();
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = EventRepository::FindBySlug(*db, slug, clock_.Now());
        if (!found) return EventNotFound();
        registered = Add(*db, found->event, request, model::RegistrationSource::kSelf);
        if (!registered) return registered;
        tx.Commit();
    }
    mail_queued_();
    return registered;
}

Result<Registered> RegistrationService::RegisterByOrganizer(const model::User& caller,
                                                            std::string_view event_id,
                                                            const RegistrationRequest& request) {
    if (auto refused = mail_budget_.Take(caller, 1)) return *refused;
    Result<Registered> registered = EventNotFound();
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = events_.FindManaged(*db, caller, event_id);
        if (!found) return found.error();
        registered = Add(*db, found->event, request, model::RegistrationSource::kOrganizer);
        if (!registered) return registered;
        tx.Commit();
    }
    mail_queued_();
    return registered;
}

Result<void> RegistrationService::Remove(const model::User& caller, std::string_view event_id,
                                         std::string_view registration_id) {
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = events_.FindManaged(*db, caller, event_id);
        if (!found) return found.error();
        auto registrant = RegistrationRepository::FindInEvent(*db, event_id, registration_id);
        if (!registrant) return NotFound("registrant_not_found", "No such registrant.");
        if (registrant->session.status == model::EventSessionStatus::kScheduled &&
            registrant->session.EndsAt() > clock_.Now()) {
            EventMail(*db, random_, events_.BaseUrl(), clock_.Now(), found->event,
                      registrant->session)
                .Removed(registrant->registration);
        }
        RegistrationRepository::Delete(*db, registration_id);
        tx.Commit();
    }
    mail_queued_();
    return {};
}

Result<model::ParticipantStats> RegistrationService::Participants(
    const model::User& caller, std::string_view event_id, std::optional<std::string> session_id) {
    const auto now = clock_.Now();
    auto db = database_.Acquire();
    auto found = events_.FindManaged(*db, caller, event_id);
    if (!found) return found.error();
    if (session_id && !EventRepository::FindSession(*db, event_id, *session_id)) {
        return SessionNotFound();
    }
    model::ParticipantStats stats;
    stats.visits = RegistrationRepository::CountVisits(*db, event_id);
    stats.registrants = RegistrationRepository::ListForEvent(
        *db, event_id,
        session_id ? std::optional<std::string_view>(*session_id) : std::nullopt);
    stats.registrations = static_cast<std::int64_t>(stats.registrants.size());
    for (auto& r : stats.registrants) {
        if (r.registration.attended_at) ++stats.attendance;
        r.session = r.session.At(now);
    }
    return stats;
}

LinkState RegistrationService::StateAt(const model::EventSession& session,
                                       util::Instant now) const {
    if (session.status == model::EventSessionStatus::kCancelled) return LinkState::kCancelled;
    if (session.EndsAt() + EventService::kRoomClosesAfter <= now) return LinkState::kEnded;
    if (now < session.starts_at - EventService::kRoomOpensBefore) return LinkState::kCountdown;
    return LinkState::kOpen;
}

Result<PersonalLink> RegistrationService::Resolve(const std::string& token) {
    if (!token.starts_with("rtk_")) return LinkNotFound();
    auto db = database_.Acquire();
    auto registration = RegistrationRepository::FindByLink(*db, util::Sha256Hex(token));
    if (!registration) return LinkNotFound();
    auto session = EventRepository::FindSessionById(*db, registration->event_session_id);
    if (!session) return LinkNotFound();
    auto event = EventRepository::Find(*db, session->event_id, clock_.Now());
    if (!event) return LinkNotFound();
    const auto state = StateAt(*session, clock_.Now());
    const auto opens_at = session->starts_at - EventService::kRoomOpensBefore;
    return PersonalLink{std::move(event->event), std::move(*session), std::move(*registration),
                        state, opens_at};
}

Result<Joined> RegistrationService::Enter(const std::string& token,
                                          std::optional<std::string> participant_token) {
    auto link = Resolve(token);
    if (!link) return link.error();
    switch (link->state) {
        case LinkState::kCancelled:
            return Conflict("session_cancelled", "This session is cancelled.");
        case LinkState::kEnded:
            return AppError{ErrorKind::kClosed, "session_closed", "This session has ended.",
                            std::nullopt};
        case LinkState::kCountdown:
            return Conflict("room_not_open", "The room opens at " +
                                                 util::FormatRfc3339(link->opens_at) + ".");
        case LinkState::kOpen: break;
    }
    bool created = false;
    model::Session room;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        // Read again inside the transaction: two first entries at once make one room.
        auto session = EventRepository::FindSessionById(*db, link->session.id);
        if (!session) return LinkNotFound();
        room = events_.EnsureRoom(*db, link->event, *session, created);
        tx.Commit();
    }
    if (created) events_.sessions().RoomChanged(room.id, std::nullopt);
    auto joined = joins_.Join({.code = std::nullopt,
                               .link = room.link_token,
                               .participant_token = std::move(participant_token),
                               .client = {}});
    if (!joined) return joined;
    auto db = database_.Acquire();
    RegistrationRepository::MarkAttended(*db, link->registration.id, clock_.Now(),
                                         joined->participant.id);
    return joined;
}

bool RegistrationService::IsCancelledRoom(std::string_view room_id) {
    auto db = database_.Acquire();
    auto session = EventRepository::FindSessionByRoom(*db, room_id);
    return session && session->status == model::EventSessionStatus::kCancelled;
}

}  // namespace convene::domain

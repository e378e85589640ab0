#include "convene/domain/event_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "convene/domain/event_mail.hpp"
#include "convene/domain/validation.hpp"
#include "convene/storage/event_repository.hpp"
#include "convene/storage/registration_repository.hpp"
#include "convene/storage/sharing_repository.hpp"
#include "convene/storage/team_repository.hpp"
#include "convene/util/time.hpp"

namespace convene::domain {
namespace {

using storage::EventRepository;

AppError EventNotFound() { return NotFound("event_not_found", "No such event."); }

/// Scheduled sessions whose end has passed read as ended.
std::vector<model::EventSession> WithEnded(std::vector<model::EventSession> sessions,
                                           util::Instant now) {
    for (auto& s : sessions) s = s.At(now);
    return sessions;
}

bool MayManage(const model::User& caller, const model::Event& event) {
    return caller.role == model::Role::kAdmin || event.owner_id == caller.id;
}

Result<std::string> ValidEventTitle(std::string_view title) {
    auto valid = SingleLine(title, EventService::kMaxTitleLength);
    if (!valid) return Invalid("invalid_title", "The title must be 1 to 200 characters on one line.");
    return *valid;
}

Result<std::string> ValidDescription(std::string_view description) {
    const auto length = Utf8Length(description);
    if (length == std::string_view::npos ||
        length > static_cast<std::size_t>(EventService::kMaxDescriptionLength)) {
        return Invalid("invalid_description", "The description must be at most 5000 characters.");
    }
    return Trim(description);
}

AppError ConfirmationRequired() {
    return Malformed("confirmation_required",
                     "This cannot be undone: repeat the request with confirm=true.");
}

Result<util::LocalMinutes> ValidStart(std::string_view start) {
    auto parsed = util::ParseLocalMinutes(start);
    if (!parsed) {
        return Invalid("invalid_start", "start must be a local date and time, like "
                                        "2026-11-22T10:00.");
    }
    return *parsed;
}

/// The parsed start, trimmed name and recording of a request about an event session, once
/// every field it carries is valid.
struct ValidFields {
    std::optional<util::LocalMinutes> start;
    std::optional<std::string> name;
    std::optional<std::string> recording_url;  ///< empty: remove it
};

bool IsWebUrl(std::string_view url) {
    const bool scheme = url.starts_with("https://") || url.starts_with("http://");
    const auto host = url.substr(url.find("//") + 2);
    return scheme && !host.empty() && host.front() != '/' &&
           url.size() <= EventService::kMaxRecordingUrlLength &&
           std::none_of(url.begin(), url.end(), [](char c) {
               return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
           });
}

Result<ValidFields> Validate(const EventSessionChange& fields) {
    ValidFields valid;
    if (fields.start) {
        auto start = ValidStart(*fields.start);
        if (!start) return start.error();
        valid.start = *start;
    }
    if (fields.timezone && !util::IsKnownZone(*fields.timezone)) return InvalidTimezone();
    if (fields.duration_minutes &&
        (*fields.duration_minutes < 1 || *fields.duration_minutes > 1440)) {
        return Invalid("invalid_duration_minutes",
                       "duration_minutes must be a whole number from 1 to 1440.");
    }
    if (fields.name) {
        valid.name = SingleLine(*fields.name, EventService::kMaxTitleLength);
        if (!valid.name) {
            return Invalid("invalid_name", "The name must be 1 to 200 characters on one line.");
        }
    }
    if (fields.recording_url) {
        valid.recording_url = Trim(*fields.recording_url);
        if (!valid.recording_url->empty() && !IsWebUrl(*valid.recording_url)) {
            return Invalid("invalid_recording_url",
                           "The recording link must be a web address starting with https:// "
                           "or http://.");
        }
    }
    return valid;
}

}  // namespace

std::string SlugOf(std::string_view title) {
    std::string slug;
    for (char c : title) {
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        const bool keep = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
        if (keep) {
            slug += lower;
        } else if (!slug.empty() && slug.back() != '-') {
            slug += '-';
        }
        if (slug.size() >= 60) break;
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return slug.empty() ? "event" : slug;
}

EventService::EventService(storage::Database& database, const util::Clock& clock,
                           util::Random& random, SessionService& sessions)
    : database_(database), clock_(clock), random_(random), sessions_(sessions) {}

Result<model::EventSummary> EventService::FindManaged(storage::Connection& db,
                                                      const model::User& caller,
                                                      std::string_view event_id) {
    auto found = EventRepository::Find(db, event_id, clock_.Now());
    if (!found || !MayManage(caller, found->event)) return EventNotFound();
    return *found;
}

Result<model::EventSummary> EventService::FindVisible(storage::Connection& db,
                                                      const model::User& caller,
                                                      std::string_view event_id) {
    auto found = EventRepository::Find(db, event_id, clock_.Now());
    if (!found) return EventNotFound();
    if (!MayManage(caller, found->event) &&
        !storage::TeamRepository::IsMember(db, event_id, caller.id)) {
        return EventNotFound();
    }
    return *found;
}

std::vector<std::string> EventService::SyncRoomTeam(storage::Connection& db,
                                                    const model::Event& event,
                                                    const model::EventSession& session) {
    std::vector<std::string> revoked;
    if (!session.room_id) return revoked;
    std::set<std::string> wanted;
    for (const auto& member : storage::TeamRepository::SessionMembers(db, event.id, session.id)) {
        wanted.insert(member.user_id);
    }
    for (const auto& speaker : storage::TeamRepository::ListSpeakers(db, session.id)) {
        if (speaker.user_id) wanted.insert(*speaker.user_id);
    }
    wanted.erase(event.owner_id);
    std::set<std::string> current;
    for (const auto& host : storage::SharingRepository::ListFacilitators(db, *session.room_id)) {
        current.insert(host.user_id);
    }
    for (const auto& user : wanted) {
        if (!current.contains(user)) {
            storage::SessionRepository::AddFacilitator(db, *session.room_id, user, clock_.Now());
        }
    }
    for (const auto& user : current) {
        if (!wanted.contains(user)) {
            storage::SharingRepository::RemoveFacilitator(db, *session.room_id, user);
            revoked.push_back(user);
        }
    }
    return revoked;
}

model::Session EventService::EnsureRoom(storage::Connection& db, const model::Event& event,
                                        model::EventSession& session, bool& created) {
    created = false;
    if (session.room_id) {
        if (auto room = storage::SessionRepository::FindById(db, *session.room_id)) return *room;
    }
    auto room = sessions_.CreateRoom(db, event.owner_id, session.name,
                                     session.EndsAt() + kRoomClosesAfter);
    session.room_id = room.id;
    EventRepository::UpdateSession(db, session);
    SyncRoomTeam(db, event, session);
    created = true;
    return room;
}

Result<EventService::ManagedSession> EventService::FindTeamSession(
    storage::Connection& db, const model::User& caller, std::string_view event_id,
    std::string_view session_id) {
    auto found = FindVisible(db, caller, event_id);
    if (!found) return found.error();
    auto session = EventRepository::FindSession(db, event_id, session_id);
    if (!session) return NotFound("event_session_not_found", "No such session in this event.");
    if (!MayManage(caller, found->event)) {
        const auto team = storage::TeamRepository::SessionMembers(db, event_id, session_id);
        const bool on_team = std::any_of(team.begin(), team.end(), [&](const auto& member) {
            return member.user_id == caller.id;
        });
        if (!on_team) return Forbidden("not_on_team", "You are not on this session's team.");
    }
    return ManagedSession{std::move(found->event), std::move(*session)};
}

Result<model::Session> EventService::EnterRoom(const model::User& caller,
                                               std::string_view event_id,
                                               std::string_view session_id) {
    bool created = false;
    model::Session room;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = FindTeamSession(*db, caller, event_id, session_id);
        if (!found) return found.error();
        if (found->session.status == model::EventSessionStatus::kCancelled) {
            return Conflict("session_cancelled", "This session is cancelled.");
        }
        if (!found->session.room_id && found->session.HasEnded(clock_.Now())) {
            return Conflict("session_ended", "This session has ended without a room.");
        }
        room = EnsureRoom(*db, found->event, found->session, created);
        tx.Commit();
    }
    if (created) sessions_.RoomChanged(room.id, std::nullopt);
    return room;
}

Result<model::EventSummary> EventService::Create(const model::User& caller,
                                                 std::string_view title,
                                                 std::string_view description) {
    auto valid_title = ValidEventTitle(title);
    if (!valid_title) return valid_title.error();
    auto valid_description = ValidDescription(description);
    if (!valid_description) return valid_description.error();

    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    const auto base = SlugOf(*valid_title);
    auto slug = base;
    for (int n = 2; EventRepository::SlugTaken(*db, slug); ++n) {
        slug = base + "-" + std::to_string(n);
    }
    model::Event event{.id = random_.Id(),
                       .owner_id = caller.id,
                       .title = *valid_title,
                       .description = *valid_description,
                       .slug = std::move(slug),
                       .created_at = clock_.Now()};
    EventRepository::Insert(*db, event);
    tx.Commit();
    return model::EventSummary{.event = std::move(event)};
}

std::vector<model::EventSummary> EventService::List(const model::User& caller) {
    auto db = database_.Acquire();
    return EventRepository::List(*db, caller.role == model::Role::kAdmin ? "" : caller.id,
                                 clock_.Now());
}

Result<model::EventSummary> EventService::Get(const model::User& caller, std::string_view id) {
    auto db = database_.Acquire();
    return FindVisible(*db, caller, id);
}

Result<model::EventSummary> EventService::Update(const model::User& caller, std::string_view id,
                                                 const EventChange& change) {
    std::optional<std::string> title, description;
    if (change.title) {
        auto valid = ValidEventTitle(*change.title);
        if (!valid) return valid.error();
        title = *valid;
    }
    if (change.description) {
        auto valid = ValidDescription(*change.description);
        if (!valid) return valid.error();
        description = *valid;
    }
    const auto now = clock_.Now();
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = EventRepository::Find(*db, id, now);
    if (!found || !MayManage(caller, found->event)) return EventNotFound();
    if (title) found->event.title = *title;
    if (description) found->event.description = *description;
    EventRepository::Update(*db, found->event);
    tx.Commit();
    return *found;
}

Result<void> EventService::Delete(const model::User& caller, std::string_view id) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = EventRepository::Find(*db, id, clock_.Now());
    if (!found || !MayManage(caller, found->event)) return EventNotFound();
    EventRepository::Delete(*db, id);
    tx.Commit();
    return {};
}

Result<std::vector<model::EventSession>> EventService::AddSessions(
    const model::User& caller, std::string_view event_id, const NewEventSessions& request) {
    const int count = request.count.value_or(1);
    if (count < 1 || count > kMaxSessionsPerRequest) {
        return Invalid("invalid_count", "count must be a whole number from 1 to 52.");
    }
    auto valid = Validate(
        {request.start, request.timezone, request.duration_minutes, request.name, std::nullopt});
    if (!valid) return valid.error();
    auto start = valid->start;
    const auto& name = valid->name;

    const auto now = clock_.Now();
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = EventRepository::Find(*db, event_id, now);
    if (!found || !MayManage(caller, found->event)) return EventNotFound();
    const auto latest = EventRepository::LatestSession(*db, event_id);
    // Like the latest one unless told: its zone, its length, a week after it.
    const int duration = request.duration_minutes.value_or(
        latest ? latest->duration_minutes : kDefaultDurationMinutes);
    std::string zone;
    if (request.timezone) {
        zone = *request.timezone;
    } else if (latest) {
        zone = latest->timezone;
    } else {
        return Invalid("invalid_timezone", "The first session of an event needs a timezone.");
    }
    if (!start) {
        if (!latest) {
            return Invalid("invalid_start", "The first session of an event needs a start.");
        }
        start = latest->start + std::chrono::days{7};
    }

    std::vector<model::EventSession> created;
    for (int i = 0; i < count; ++i) {
        // Weekly on the wall clock: the same local time, whatever DST does in between.
        const auto local = *start + std::chrono::days{7 * i};
        const auto starts_at = util::ToInstant(local, zone);
        if (!starts_at) return InvalidTimezone();
        model::EventSession session{.id = random_.Id(),
                                    .event_id = std::string(event_id),
                                    .name = name.value_or(found->event.title),
                                    .start = local,
                                    .timezone = zone,
                                    .starts_at = *starts_at,
                                    .duration_minutes = duration,
                                    .status = model::EventSessionStatus::kScheduled,
                                    .created_at = now};
        EventRepository::InsertSession(*db, session);
        created.push_back(std::move(session));
    }
    tx.Commit();
    return WithEnded(std::move(created), now);
}

Result<std::vector<model::EventSession>> EventService::ListSessions(const model::User& caller,
                                                                    std::string_view event_id) {
    const auto now = clock_.Now();
    auto db = database_.Acquire();
    auto found = FindVisible(*db, caller, event_id);
    if (!found) return found.error();
    return WithEnded(EventRepository::ListSessions(*db, event_id), now);
}

Result<EventService::ManagedSession> EventService::FindManagedSession(
    storage::Connection& db, const model::User& caller, std::string_view event_id,
    std::string_view session_id, bool scheduled_only) {
    auto found = FindManaged(db, caller, event_id);
    if (!found) return found.error();
    auto session = EventRepository::FindSession(db, event_id, session_id);
    if (!session) return NotFound("event_session_not_found", "No such session in this event.");
    if (scheduled_only && session->status == model::EventSessionStatus::kCancelled) {
        return Conflict("session_cancelled", "This session is cancelled.");
    }
    return ManagedSession{std::move(found->event), std::move(*session)};
}

Result<model::EventSession> EventService::UpdateSession(const model::User& caller,
                                                        std::string_view event_id,
                                                        std::string_view session_id,
                                                        const EventSessionChange& change) {
    auto valid = Validate(change);
    if (!valid) return valid.error();
    const auto now = clock_.Now();
    model::EventSession updated;
    std::optional<SessionEvent> room_change;
    bool moved = false;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = FindManagedSession(*db, caller, event_id, session_id, true);
        if (!found) return found.error();
        auto* session = &found->session;
        const auto before = *session;
        if (valid->start) session->start = *valid->start;
        if (change.timezone) session->timezone = *change.timezone;
        if (change.duration_minutes) session->duration_minutes = *change.duration_minutes;
        if (valid->name) session->name = *valid->name;
        if (valid->recording_url) {
            session->recording_url = valid->recording_url->empty()
                                         ? std::nullopt
                                         : std::optional(*valid->recording_url);
        }
        const auto starts_at = util::ToInstant(session->start, session->timezone);
        if (!starts_at) return InvalidTimezone();
        session->starts_at = *starts_at;
        moved = session->starts_at != before.starts_at || session->EndsAt() != before.EndsAt();
        if (moved) room_change = Moved(*db, found->event, *session, now);
        EventRepository::UpdateSession(*db, *session);
        tx.Commit();
        updated = *session;
    }
    if (moved) {
        mail_queued_();
        if (updated.room_id) sessions_.RoomChanged(*updated.room_id, room_change);
    }
    return WithEnded({updated}, now).front();
}

std::optional<SessionEvent> EventService::Moved(storage::Connection& db, const model::Event& event,
                                               model::EventSession& session, util::Instant now) {
    ++session.sequence;
    EventMail(db, random_, base_url_, now, event, session)
        .Moved(storage::RegistrationRepository::ListForSession(db, session.id));
    if (!session.room_id) return std::nullopt;
    return sessions_.UpdateRoom(db, *session.room_id, session.EndsAt() + kRoomClosesAfter, false);
}

int EventService::RealignStarts() {
    const auto now = clock_.Now();
    std::vector<std::pair<std::string, std::optional<SessionEvent>>> rooms;
    int realigned = 0;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        for (auto& session : EventRepository::ListScheduledAfter(*db, now)) {
            const auto starts_at = util::ToInstant(session.start, session.timezone);
            if (!starts_at || *starts_at == session.starts_at) continue;
            auto event = EventRepository::Find(*db, session.event_id, now);
            if (!event) continue;
            spdlog::warn("event session {}: {} in {} is now {} (the zone's rules changed), "
                         "was {}; its registrants are told",
                         session.id, util::FormatLocalMinutes(session.start), session.timezone,
                         util::FormatRfc3339(*starts_at), util::FormatRfc3339(session.starts_at));
            session.starts_at = *starts_at;
            auto change = Moved(*db, event->event, session, now);
            EventRepository::UpdateSession(*db, session);
            if (session.room_id) rooms.emplace_back(*session.room_id, change);
            ++realigned;
        }
        tx.Commit();
    }
    for (const auto& [room, change] : rooms) sessions_.RoomChanged(room, change);
    if (realigned > 0) mail_queued_();
    return realigned;
}

Result<void> EventService::DeleteSession(const model::User& caller, std::string_view event_id,
                                         std::string_view session_id, bool confirmed) {
    std::optional<SessionEvent> room_change;
    std::optional<std::string> room_id;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = FindManagedSession(*db, caller, event_id, session_id, false);
        if (!found) return found.error();
        const auto* session = &found->session;
        if (!confirmed) return ConfirmationRequired();
        if (session->registrant_count > 0) {
            return Conflict("has_registrants",
                            "People registered to this session: cancel it instead, so they "
                            "are told.");
        }
        room_id = session->room_id;
        if (room_id) room_change = sessions_.UpdateRoom(*db, *room_id, session->EndsAt(), true);
        EventRepository::DeleteSession(*db, session_id);
        tx.Commit();
    }
    if (room_id) sessions_.RoomChanged(*room_id, room_change);
    return {};
}

Result<model::EventSession> EventService::CancelSession(const model::User& caller,
                                                        std::string_view event_id,
                                                        std::string_view session_id,
                                                        bool confirmed) {
    std::optional<SessionEvent> room_change;
    model::EventSession cancelled;
    bool changed = false;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = FindManagedSession(*db, caller, event_id, session_id, false);
        if (!found) return found.error();
        auto* session = &found->session;
        if (!confirmed) return ConfirmationRequired();
        changed = session->status != model::EventSessionStatus::kCancelled;
        if (changed) {
            session->status = model::EventSessionStatus::kCancelled;
            ++session->sequence;
            EventMail(*db, random_, base_url_, clock_.Now(), found->event, *session)
                .Cancelled(storage::RegistrationRepository::ListForSession(*db, session->id));
            if (session->room_id) {
                room_change = sessions_.UpdateRoom(*db, *session->room_id, session->EndsAt(), true);
            }
            EventRepository::UpdateSession(*db, *session);
        }
        tx.Commit();
        cancelled = *session;
    }
    if (changed) {
        mail_queued_();
        if (cancelled.room_id) sessions_.RoomChanged(*cancelled.room_id, room_change);
    }
    return cancelled;
}

}  // namespace convene::domain

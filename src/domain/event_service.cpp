#include "convene/domain/event_service.hpp"

#include "convene/domain/validation.hpp"
#include "convene/storage/event_repository.hpp"

namespace convene::domain {
namespace {

using storage::EventRepository;

AppError EventNotFound() { return NotFound("event_not_found", "No such event."); }

/// Scheduled sessions whose end has passed read as ended.
std::vector<model::EventSession> WithEnded(std::vector<model::EventSession> sessions,
                                           util::Instant now) {
    for (auto& s : sessions) {
        if (s.status == model::EventSessionStatus::kScheduled &&
            s.starts_at + std::chrono::minutes{s.duration_minutes} <= now) {
            s.status = model::EventSessionStatus::kEnded;
        }
    }
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

AppError InvalidTimezone() {
    return Invalid("invalid_timezone", "timezone must be an IANA time zone name, like Europe/Paris.");
}

/// The parsed start and trimmed name of a request about an event session, once every field
/// it carries is valid.
struct ValidFields {
    std::optional<util::LocalMinutes> start;
    std::optional<std::string> name;
};

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
                           util::Random& random)
    : database_(database), clock_(clock), random_(random) {}

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
    auto found = EventRepository::Find(*db, id, clock_.Now());
    if (!found || !MayManage(caller, found->event)) return EventNotFound();
    return *found;
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
    auto valid = Validate({request.start, request.timezone, request.duration_minutes, request.name});
    if (!valid) return valid.error();
    auto start = valid->start;
    const auto& name = valid->name;
    const int duration = request.duration_minutes.value_or(kDefaultDurationMinutes);

    const auto now = clock_.Now();
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = EventRepository::Find(*db, event_id, now);
    if (!found || !MayManage(caller, found->event)) return EventNotFound();
    const auto latest = EventRepository::LatestSession(*db, event_id);
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
    auto found = EventRepository::Find(*db, event_id, now);
    if (!found || !MayManage(caller, found->event)) return EventNotFound();
    return WithEnded(EventRepository::ListSessions(*db, event_id), now);
}

Result<model::EventSession> EventService::FindManagedSession(storage::Connection& db,
                                                             const model::User& caller,
                                                             std::string_view event_id,
                                                             std::string_view session_id) {
    auto found = EventRepository::Find(db, event_id, clock_.Now());
    if (!found || !MayManage(caller, found->event)) return EventNotFound();
    auto session = EventRepository::FindSession(db, event_id, session_id);
    if (!session) return NotFound("event_session_not_found", "No such session in this event.");
    return *session;
}

Result<model::EventSession> EventService::UpdateSession(const model::User& caller,
                                                        std::string_view event_id,
                                                        std::string_view session_id,
                                                        const EventSessionChange& change) {
    auto valid = Validate(change);
    if (!valid) return valid.error();
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto session = FindManagedSession(*db, caller, event_id, session_id);
    if (!session) return session.error();
    if (session->status == model::EventSessionStatus::kCancelled) {
        return Conflict("session_cancelled", "This session is cancelled.");
    }
    if (valid->start) session->start = *valid->start;
    if (change.timezone) session->timezone = *change.timezone;
    if (change.duration_minutes) session->duration_minutes = *change.duration_minutes;
    if (valid->name) session->name = *valid->name;
    const auto starts_at = util::ToInstant(session->start, session->timezone);
    if (!starts_at) return InvalidTimezone();
    session->starts_at = *starts_at;
    EventRepository::UpdateSession(*db, *session);
    tx.Commit();
    return WithEnded({*session}, clock_.Now()).front();
}

Result<void> EventService::DeleteSession(const model::User& caller, std::string_view event_id,
                                         std::string_view session_id, bool confirmed) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto session = FindManagedSession(*db, caller, event_id, session_id);
    if (!session) return session.error();
    if (!confirmed) return ConfirmationRequired();
    EventRepository::DeleteSession(*db, session_id);
    tx.Commit();
    return {};
}

Result<model::EventSession> EventService::CancelSession(const model::User& caller,
                                                        std::string_view event_id,
                                                        std::string_view session_id,
                                                        bool confirmed) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto session = FindManagedSession(*db, caller, event_id, session_id);
    if (!session) return session.error();
    if (!confirmed) return ConfirmationRequired();
    session->status = model::EventSessionStatus::kCancelled;
    EventRepository::UpdateSession(*db, *session);
    tx.Commit();
    return *session;
}

}  // namespace convene::domain

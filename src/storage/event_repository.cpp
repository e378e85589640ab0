#include "convene/storage/event_repository.hpp"

namespace convene::storage {
namespace {

#define CONVENE_EVENT_SUMMARY                                                                \
    "SELECT e.id, e.owner_id, e.title, e.description, e.slug, e.created_at, "                \
    "(SELECT COUNT(*) FROM event_sessions s WHERE s.event_id = e.id), "                      \
    "(SELECT MIN(s.starts_at) FROM event_sessions s WHERE s.event_id = e.id "                \
    "AND s.status = 'scheduled' AND s.starts_at > ?) FROM events e "
#define CONVENE_SESSION_COLUMNS                                                              \
    "id, event_id, name, start_local, timezone, starts_at, duration_minutes, status, created_at"
// The stored columns, then the room, the SEQUENCE, the number of registrants, the recording.
#define CONVENE_SESSION_SELECT                                                               \
    "SELECT " CONVENE_SESSION_COLUMNS ", room_id, sequence, (SELECT COUNT(*) FROM "          \
    "registrations r WHERE r.event_session_id = event_sessions.id), recording_url "           \
    "FROM event_sessions "

constexpr std::string_view kInsertEvent =
    "INSERT INTO events (id, owner_id, title, description, slug, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdateEvent =
    "UPDATE events SET title = ?, description = ? WHERE id = ?";
constexpr std::string_view kDeleteEvent = "DELETE FROM events WHERE id = ?";
constexpr std::string_view kSlugTaken = "SELECT 1 FROM events WHERE slug = ?";
constexpr std::string_view kFindEvent = CONVENE_EVENT_SUMMARY "WHERE e.id = ?";
constexpr std::string_view kListOwned =
    CONVENE_EVENT_SUMMARY "WHERE e.owner_id = ?2 OR e.id IN "
    "(SELECT t.event_id FROM event_team t WHERE t.user_id = ?2) "
    "ORDER BY e.created_at DESC, e.rowid DESC";
constexpr std::string_view kListAll =
    CONVENE_EVENT_SUMMARY "ORDER BY e.created_at DESC, e.rowid DESC";
constexpr std::string_view kInsertSession =
    "INSERT INTO event_sessions (" CONVENE_SESSION_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kListSessions =
    CONVENE_SESSION_SELECT "WHERE event_id = ? ORDER BY starts_at, rowid";
constexpr std::string_view kListUpcoming =
    CONVENE_SESSION_SELECT "WHERE event_id = ? AND status = 'scheduled' "
    "AND starts_at + duration_minutes * 60 > ? ORDER BY starts_at, rowid";
constexpr std::string_view kListScheduledAfter =
    CONVENE_SESSION_SELECT "WHERE status = 'scheduled' AND starts_at > ? ORDER BY starts_at";
constexpr std::string_view kFindSessionById = CONVENE_SESSION_SELECT "WHERE id = ?";
constexpr std::string_view kFindSessionByRoom = CONVENE_SESSION_SELECT "WHERE room_id = ?";
constexpr std::string_view kFindBySlug = CONVENE_EVENT_SUMMARY "WHERE e.slug = ?";
constexpr std::string_view kFindSession =
    CONVENE_SESSION_SELECT "WHERE event_id = ? AND id = ?";
constexpr std::string_view kUpdateSession =
    "UPDATE event_sessions SET name = ?, start_local = ?, timezone = ?, starts_at = ?, "
    "duration_minutes = ?, status = ?, room_id = ?, sequence = ?, recording_url = ? "
    "WHERE id = ?";
constexpr std::string_view kDeleteSession = "DELETE FROM event_sessions WHERE id = ?";
constexpr std::string_view kLatestSession =
    CONVENE_SESSION_SELECT "WHERE event_id = ? ORDER BY starts_at DESC, rowid DESC LIMIT 1";

#undef CONVENE_EVENT_SUMMARY
#undef CONVENE_SESSION_COLUMNS
#undef CONVENE_SESSION_SELECT

model::EventSummary ReadSummary(const Statement& row) {
    return model::EventSummary{
        .event = {.id = row.Text(0),
                  .owner_id = row.Text(1),
                  .title = row.Text(2),
                  .description = row.Text(3),
                  .slug = row.Text(4),
                  .created_at = row.Time(5)},
        .session_count = row.Int(6),
        .next_session_at = row.OptionalTime(7),
    };
}

std::string_view StatusText(model::EventSessionStatus status) {
    return status == model::EventSessionStatus::kCancelled ? "cancelled" : "scheduled";
}

model::EventSession ReadSession(const Statement& row) {
    return model::EventSession{
        .id = row.Text(0),
        .event_id = row.Text(1),
        .name = row.Text(2),
        // Written by InsertSession from a LocalMinutes: always well-formed.
        .start = util::ParseLocalMinutes(row.Text(3)).value_or(util::LocalMinutes{}),
        .timezone = row.Text(4),
        .starts_at = row.Time(5),
        .duration_minutes = static_cast<int>(row.Int(6)),
        .status = row.Text(7) == "cancelled" ? model::EventSessionStatus::kCancelled
                                             : model::EventSessionStatus::kScheduled,
        .created_at = row.Time(8),
        .room_id = row.OptionalText(9),
        .sequence = static_cast<int>(row.Int(10)),
        .registrant_count = row.Int(11),
        .recording_url = row.OptionalText(12),
    };
}

}  // namespace

void EventRepository::Insert(Connection& db, const model::Event& e) {
    db.Prepare(kInsertEvent)
        .BindAll(e.id, e.owner_id, e.title, e.description, e.slug, e.created_at)
        .Run();
}

void EventRepository::Update(Connection& db, const model::Event& e) {
    db.Prepare(kUpdateEvent).BindAll(e.title, e.description, e.id).Run();
}

void EventRepository::Delete(Connection& db, std::string_view id) {
    db.Prepare(kDeleteEvent).BindAll(id).Run();
}

bool EventRepository::SlugTaken(Connection& db, std::string_view slug) {
    return db.Prepare(kSlugTaken).BindAll(slug).ReadOne([](const Statement&) { return true; })
        .has_value();
}

std::optional<model::EventSummary> EventRepository::Find(Connection& db, std::string_view id,
                                                         util::Instant now) {
    return db.Prepare(kFindEvent).BindAll(now, id).ReadOne(ReadSummary);
}

std::vector<model::EventSummary> EventRepository::List(Connection& db, std::string_view owner_id,
                                                       util::Instant now) {
    if (owner_id.empty()) return db.Prepare(kListAll).BindAll(now).ReadAll(ReadSummary);
    return db.Prepare(kListOwned).BindAll(now, owner_id).ReadAll(ReadSummary);
}

void EventRepository::InsertSession(Connection& db, const model::EventSession& s) {
    db.Prepare(kInsertSession)
        .BindAll(s.id, s.event_id, s.name, util::FormatLocalMinutes(s.start), s.timezone,
                 s.starts_at, s.duration_minutes, StatusText(s.status), s.created_at)
        .Run();
}

std::vector<model::EventSession> EventRepository::ListSessions(Connection& db,
                                                               std::string_view event_id) {
    return db.Prepare(kListSessions).BindAll(event_id).ReadAll(ReadSession);
}

std::optional<model::EventSession> EventRepository::FindSession(Connection& db,
                                                                std::string_view event_id,
                                                                std::string_view session_id) {
    return db.Prepare(kFindSession).BindAll(event_id, session_id).ReadOne(ReadSession);
}

void EventRepository::UpdateSession(Connection& db, const model::EventSession& s) {
    db.Prepare(kUpdateSession)
        .BindAll(s.name, util::FormatLocalMinutes(s.start), s.timezone, s.starts_at,
                 s.duration_minutes, StatusText(s.status), s.room_id, s.sequence,
                 s.recording_url, s.id)
        .Run();
}

void EventRepository::DeleteSession(Connection& db, std::string_view session_id) {
    db.Prepare(kDeleteSession).BindAll(session_id).Run();
}

std::vector<model::EventSession> EventRepository::ListUpcoming(Connection& db,
                                                               std::string_view event_id,
                                                               util::Instant now) {
    return db.Prepare(kListUpcoming).BindAll(event_id, now).ReadAll(ReadSession);
}

std::vector<model::EventSession> EventRepository::ListScheduledAfter(Connection& db,
                                                                    util::Instant now) {
    return db.Prepare(kListScheduledAfter).BindAll(now).ReadAll(ReadSession);
}

std::optional<model::EventSession> EventRepository::FindSessionById(Connection& db,
                                                                    std::string_view session_id) {
    return db.Prepare(kFindSessionById).BindAll(session_id).ReadOne(ReadSession);
}

std::optional<model::EventSession> EventRepository::FindSessionByRoom(Connection& db,
                                                                      std::string_view room_id) {
    return db.Prepare(kFindSessionByRoom).BindAll(room_id).ReadOne(ReadSession);
}

std::optional<model::EventSummary> EventRepository::FindBySlug(Connection& db,
                                                               std::string_view slug,
                                                               util::Instant now) {
    return db.Prepare(kFindBySlug).BindAll(now, slug).ReadOne(ReadSummary);
}

std::optional<model::EventSession> EventRepository::LatestSession(Connection& db,
                                                                  std::string_view event_id) {
    return db.Prepare(kLatestSession).BindAll(event_id).ReadOne(ReadSession);
}

}  // namespace convene::storage

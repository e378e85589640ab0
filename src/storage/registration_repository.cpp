#include "convene/storage/registration_repository.hpp"

#include <unordered_map>

#include "convene/storage/event_repository.hpp"

namespace convene::storage {
namespace {

#define CONVENE_REGISTRATION_COLUMNS                                                        \
    "r.id, r.event_session_id, r.name, r.email, r.timezone, r.source, r.created_at, "      \
    "r.attended_at, r.participant_id"

constexpr std::string_view kInsert =
    "INSERT INTO registrations (id, event_session_id, name, email, timezone, source, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kDelete = "DELETE FROM registrations WHERE id = ?";
constexpr std::string_view kAddLink =
    "INSERT INTO registration_links (token_hash, registration_id) VALUES (?, ?)";
constexpr std::string_view kFindByLink =
    "SELECT " CONVENE_REGISTRATION_COLUMNS " FROM registration_links l "
    "JOIN registrations r ON r.id = l.registration_id WHERE l.token_hash = ?";
constexpr std::string_view kFindInEvent =
    "SELECT " CONVENE_REGISTRATION_COLUMNS " FROM registrations r "
    "JOIN event_sessions s ON s.id = r.event_session_id WHERE s.event_id = ? AND r.id = ?";
constexpr std::string_view kListForSession =
    "SELECT " CONVENE_REGISTRATION_COLUMNS " FROM registrations r "
    "WHERE r.event_session_id = ? ORDER BY r.created_at, r.rowid";
constexpr std::string_view kListForEvent =
    "SELECT " CONVENE_REGISTRATION_COLUMNS " FROM registrations r "
    "JOIN event_sessions s ON s.id = r.event_session_id WHERE s.event_id = ? "
    "ORDER BY s.starts_at, s.rowid, r.created_at, r.rowid";
constexpr std::string_view kMarkAttended =
    "UPDATE registrations SET attended_at = COALESCE(attended_at, ?), participant_id = ? "
    "WHERE id = ?";
constexpr std::string_view kRecordVisit =
    "INSERT INTO event_visits (event_id, visitor_hash, first_at) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING";
constexpr std::string_view kCountVisits = "SELECT COUNT(*) FROM event_visits WHERE event_id = ?";

#undef CONVENE_REGISTRATION_COLUMNS

model::Registration ReadRegistration(const Statement& row) {
    return model::Registration{
        .id = row.Text(0),
        .event_session_id = row.Text(1),
        .name = row.Text(2),
        .email = row.Text(3),
        .timezone = row.Text(4),
        .source = row.Text(5) == "organizer" ? model::RegistrationSource::kOrganizer
                                             : model::RegistrationSource::kSelf,
        .created_at = row.Time(6),
        .attended_at = row.OptionalTime(7),
        .participant_id = row.OptionalText(8),
    };
}

}  // namespace

void RegistrationRepository::Insert(Connection& db, const model::Registration& r) {
    const std::string_view source =
        r.source == model::RegistrationSource::kOrganizer ? "organizer" : "self";
    db.Prepare(kInsert)
        .BindAll(r.id, r.event_session_id, r.name, r.email, r.timezone, source, r.created_at)
        .Run();
}

void RegistrationRepository::Delete(Connection& db, std::string_view id) {
    db.Prepare(kDelete).BindAll(id).Run();
}

void RegistrationRepository::AddLink(Connection& db, std::string_view token_hash,
                                     std::string_view registration_id) {
    db.Prepare(kAddLink).BindAll(token_hash, registration_id).Run();
}

std::optional<model::Registration> RegistrationRepository::FindByLink(
    Connection& db, std::string_view token_hash) {
    return db.Prepare(kFindByLink).BindAll(token_hash).ReadOne(ReadRegistration);
}

std::optional<model::Registrant> RegistrationRepository::FindInEvent(
    Connection& db, std::string_view event_id, std::string_view registration_id) {
    auto registration =
        db.Prepare(kFindInEvent).BindAll(event_id, registration_id).ReadOne(ReadRegistration);
    if (!registration) return std::nullopt;
    auto session = EventRepository::FindSessionById(db, registration->event_session_id);
    if (!session) return std::nullopt;
    return model::Registrant{std::move(*registration), std::move(*session)};
}

std::vector<model::Registration> RegistrationRepository::ListForSession(
    Connection& db, std::string_view event_session_id) {
    return db.Prepare(kListForSession).BindAll(event_session_id).ReadAll(ReadRegistration);
}

std::vector<model::Registrant> RegistrationRepository::ListForEvent(
    Connection& db, std::string_view event_id, std::optional<std::string_view> session_id) {
    std::unordered_map<std::string, model::EventSession> sessions;
    for (auto& s : EventRepository::ListSessions(db, event_id)) {
        auto id = s.id;
        sessions.emplace(std::move(id), std::move(s));
    }
    std::vector<model::Registrant> registrants;
    for (auto& r : db.Prepare(kListForEvent).BindAll(event_id).ReadAll(ReadRegistration)) {
        if (session_id && r.event_session_id != *session_id) continue;
        const auto& session = sessions.at(r.event_session_id);
        registrants.push_back({std::move(r), session});
    }
    return registrants;
}

void RegistrationRepository::MarkAttended(Connection& db, std::string_view id, util::Instant at,
                                          std::string_view participant_id) {
    db.Prepare(kMarkAttended).BindAll(at, participant_id, id).Run();
}

void RegistrationRepository::RecordVisit(Connection& db, std::string_view event_id,
                                         std::string_view visitor_hash, util::Instant at) {
    db.Prepare(kRecordVisit).BindAll(event_id, visitor_hash, at).Run();
}

std::int64_t RegistrationRepository::CountVisits(Connection& db, std::string_view event_id) {
    return *db.Prepare(kCountVisits).BindAll(event_id).ReadOne([](const Statement& row) {
        return row.Int(0);
    });
}

}  // namespace convene::storage

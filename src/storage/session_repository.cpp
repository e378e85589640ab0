#include "convene/storage/session_repository.hpp"

namespace convene::storage {
namespace {

#define CONVENE_SESSION_COLUMNS                                                             \
    "s.id, s.owner_id, s.title, s.kind, s.status, s.code, s.link_token, s.active_slide_id, " \
    "s.created_at, s.ends_at, s.closed_at, s.close_reason, s.deleted_at"

constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (id, owner_id, title, kind, status, code, link_token, active_slide_id, "
    "created_at, ends_at, closed_at, close_reason, deleted_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdateSession =
    "UPDATE sessions SET title = ?, status = ?, code = ?, link_token = ?, active_slide_id = ?, "
    "ends_at = ?, closed_at = ?, close_reason = ?, deleted_at = ? WHERE id = ?";
constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE id = ?";
constexpr std::string_view kSelectSessionById =
    "SELECT " CONVENE_SESSION_COLUMNS " FROM sessions s WHERE s.id = ?";
// The role is computed in SQL: the owner first, else a co-facilitator row.
constexpr std::string_view kSelectSessionForUser =
    "SELECT " CONVENE_SESSION_COLUMNS ", s.owner_id = ?2 AS is_owner FROM sessions s "
    "WHERE s.id = ?1 AND s.deleted_at IS NULL AND (s.owner_id = ?2 OR EXISTS ("
    "SELECT 1 FROM session_facilitators f WHERE f.session_id = s.id AND f.user_id = ?2))";
// A code may be held by one open session and by closed ones: the open one, else the one
// closed last (whose participants are told it is closed).
constexpr std::string_view kSelectSessionByCode =
    "SELECT " CONVENE_SESSION_COLUMNS " FROM sessions s WHERE s.code = ? AND s.deleted_at IS NULL "
    "ORDER BY s.status = 'open' DESC, s.closed_at DESC LIMIT 1";
constexpr std::string_view kSelectSessionByLink =
    "SELECT " CONVENE_SESSION_COLUMNS
    " FROM sessions s WHERE s.link_token = ? AND s.deleted_at IS NULL";
constexpr std::string_view kSelectCodeTaken = "SELECT 1 FROM sessions WHERE code = ?";
constexpr std::string_view kSelectCodeOpen =
    "SELECT 1 FROM sessions WHERE code = ? AND status = 'open' AND id <> ?";
constexpr std::string_view kSelectSessionsForUser =
    "SELECT " CONVENE_SESSION_COLUMNS ", s.owner_id = ?1 AS is_owner FROM sessions s "
    "WHERE s.deleted_at IS NULL AND (s.owner_id = ?1 OR EXISTS ("
    "SELECT 1 FROM session_facilitators f WHERE f.session_id = s.id AND f.user_id = ?1)) "
    "ORDER BY s.created_at DESC, s.id";
constexpr std::string_view kSelectTrash =
    "SELECT " CONVENE_SESSION_COLUMNS " FROM sessions s "
    "WHERE s.owner_id = ? AND s.deleted_at IS NOT NULL ORDER BY s.deleted_at DESC, s.id";
constexpr std::string_view kSelectExpired =
    "SELECT " CONVENE_SESSION_COLUMNS " FROM sessions s WHERE s.status = 'open' "
    "AND s.ends_at IS NOT NULL AND s.deleted_at IS NULL AND s.ends_at <= ? ORDER BY s.ends_at";
constexpr std::string_view kSelectNextEndDate =
    "SELECT MIN(ends_at) FROM sessions "
    "WHERE status = 'open' AND ends_at IS NOT NULL AND deleted_at IS NULL";
constexpr std::string_view kCountOpen =
    "SELECT COUNT(*) FROM sessions WHERE status = 'open' AND deleted_at IS NULL";
constexpr std::string_view kPurgeTrash =
    "DELETE FROM sessions WHERE deleted_at IS NOT NULL AND deleted_at <= ?";
constexpr std::string_view kSelectIsFacilitator =
    "SELECT 1 FROM session_facilitators WHERE session_id = ? AND user_id = ?";
constexpr std::string_view kInsertFacilitator =
    "INSERT INTO session_facilitators (session_id, user_id, added_at) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING";
constexpr std::string_view kInsertAudit =
    "INSERT INTO session_audit (session_id, actor_id, action, detail, at) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSelectAudit =
    "SELECT id, session_id, actor_id, action, detail, at FROM session_audit "
    "WHERE session_id = ? ORDER BY id";

constexpr std::string_view kSelectLatestAudit =
    "SELECT id, session_id, actor_id, action, detail, at FROM session_audit "
    "WHERE session_id = ? ORDER BY id DESC LIMIT 1";

#undef CONVENE_SESSION_COLUMNS
constexpr int kColumns = 13;

model::Session ReadSession(const Statement& row) {
    model::Session session{
        .id = row.Text(0),
        .owner_id = row.Text(1),
        .title = row.Text(2),
        .kind = row.Text(3) == "main"    ? model::SessionKind::kMain
                : row.Text(3) == "event" ? model::SessionKind::kEvent
                                         : model::SessionKind::kStandard,
        .status = row.Text(4) == "open" ? model::SessionStatus::kOpen
                                        : model::SessionStatus::kClosed,
        .code = row.Text(5),
        .link_token = row.Text(6),
        .active_slide_id = row.OptionalText(7),
        .created_at = row.Time(8),
        .ends_at = row.OptionalTime(9),
        .closed_at = row.OptionalTime(10),
        .close_reason = std::nullopt,
        .deleted_at = row.OptionalTime(12),
    };
    if (auto reason = row.OptionalText(11)) {
        session.close_reason =
            *reason == "expiry" ? model::CloseReason::kExpiry : model::CloseReason::kOwner;
    }
    return session;
}

std::optional<const char*> ReasonText(const std::optional<model::CloseReason>& reason) {
    if (!reason) return std::nullopt;
    return model::CloseReasonName(*reason);
}

std::optional<model::Session> FindOne(Connection& db, Sql sql, std::string_view key) {
    return db.Prepare(sql).BindAll(key).ReadOne(ReadSession);
}

SessionWithRole ReadWithRole(const Statement& row) {
    return {ReadSession(row),
            row.Int(kColumns) != 0 ? model::SessionRole::kOwner : model::SessionRole::kFacilitator};
}

template <typename... Keys>
bool Exists(Connection& db, Sql sql, const Keys&... keys) {
    return db.Prepare(sql).BindAll(keys...).ReadOne([](const Statement&) { return true; })
        .has_value();
}

}  // namespace

void SessionRepository::Insert(Connection& db, const model::Session& s) {
    db.Prepare(kInsertSession)
        .BindAll(s.id, s.owner_id, s.title, model::KindName(s.kind), model::StatusName(s.status),
                 s.code, s.link_token, s.active_slide_id, s.created_at, s.ends_at, s.closed_at,
                 ReasonText(s.close_reason), s.deleted_at)
        .Run();
}

void SessionRepository::Update(Connection& db, const model::Session& s) {
    db.Prepare(kUpdateSession)
        .BindAll(s.title, model::StatusName(s.status), s.code, s.link_token, s.active_slide_id,
                 s.ends_at, s.closed_at, ReasonText(s.close_reason), s.deleted_at, s.id)
        .Run();
}

void SessionRepository::Delete(Connection& db, std::string_view id) {
    db.Prepare(kDeleteSession).BindAll(id).Run();
}

std::optional<model::Session> SessionRepository::FindById(Connection& db, std::string_view id) {
    return FindOne(db, kSelectSessionById, id);
}

std::optional<SessionWithRole> SessionRepository::FindForUser(Connection& db, std::string_view id,
                                                              std::string_view user_id) {
    return db.Prepare(kSelectSessionForUser).BindAll(id, user_id).ReadOne(ReadWithRole);
}

std::optional<model::Session> SessionRepository::FindByCode(Connection& db,
                                                            std::string_view code) {
    return FindOne(db, kSelectSessionByCode, code);
}

std::optional<model::Session> SessionRepository::FindByLinkToken(Connection& db,
                                                                 std::string_view token) {
    return FindOne(db, kSelectSessionByLink, token);
}

bool SessionRepository::CodeTaken(Connection& db, std::string_view code) {
    return Exists(db, kSelectCodeTaken, code);
}

bool SessionRepository::CodeOpen(Connection& db, std::string_view code,
                                 std::string_view except_id) {
    return Exists(db, kSelectCodeOpen, code, except_id);
}

std::vector<SessionWithRole> SessionRepository::ListForUser(Connection& db,
                                                            std::string_view user_id) {
    return db.Prepare(kSelectSessionsForUser).BindAll(user_id).ReadAll(ReadWithRole);
}

std::vector<model::Session> SessionRepository::ListTrash(Connection& db,
                                                         std::string_view owner_id) {
    return db.Prepare(kSelectTrash).BindAll(owner_id).ReadAll(ReadSession);
}

std::vector<model::Session> SessionRepository::ListExpired(Connection& db, util::Instant now) {
    return db.Prepare(kSelectExpired).BindAll(now).ReadAll(ReadSession);
}

std::optional<util::Instant> SessionRepository::NextEndDate(Connection& db) {
    return *db.Prepare(kSelectNextEndDate).ReadOne([](const Statement& row) {
        return row.OptionalTime(0);
    });
}

std::int64_t SessionRepository::CountOpen(Connection& db) {
    return *db.Prepare(kCountOpen).ReadOne([](const Statement& row) { return row.Int(0); });
}

int SessionRepository::PurgeTrashedBefore(Connection& db, util::Instant cutoff) {
    return db.Prepare(kPurgeTrash).BindAll(cutoff).Run();
}

bool SessionRepository::IsFacilitator(Connection& db, std::string_view session_id,
                                      std::string_view user_id) {
    return Exists(db, kSelectIsFacilitator, session_id, user_id);
}

void SessionRepository::AddFacilitator(Connection& db, std::string_view session_id,
                                       std::string_view user_id, util::Instant at) {
    db.Prepare(kInsertFacilitator).BindAll(session_id, user_id, at).Run();
}

void SessionRepository::AppendAudit(Connection& db, const model::AuditEntry& entry) {
    db.Prepare(kInsertAudit)
        .BindAll(entry.session_id, entry.actor_id, entry.action, entry.detail, entry.at)
        .Run();
}

namespace {

model::AuditEntry ReadAuditEntry(const Statement& row) {
    return model::AuditEntry{row.Int(0),  row.Text(1), row.OptionalText(2),
                             row.Text(3), row.Text(4), row.Time(5)};
}

}  // namespace

std::vector<model::AuditEntry> SessionRepository::ListAudit(Connection& db,
                                                            std::string_view session_id) {
    return db.Prepare(kSelectAudit).BindAll(session_id).ReadAll(ReadAuditEntry);
}

std::optional<model::AuditEntry> SessionRepository::LatestAudit(Connection& db,
                                                                std::string_view session_id) {
    return db.Prepare(kSelectLatestAudit).BindAll(session_id).ReadOne(ReadAuditEntry);
}

}  // namespace convene::storage

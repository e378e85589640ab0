#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "convene/model/session.hpp"
#include "convene/storage/connection.hpp"

namespace convene::storage {

/// A session with the role of the user who asked for it.
struct SessionWithRole {
    model::Session session;
    model::SessionRole role;
};

/// SQL for sessions, their co-facilitators and their audit trail. Stateless.
class SessionRepository {
public:
    /// Throws StorageError kUnique when the code or link token is taken.
    static void Insert(Connection& db, const model::Session& session);
    /// Writes every mutable column (title, status, code, link, dates, reason, slide, trash).
    /// Throws StorageError kUnique when the new code or link token is taken.
    static void Update(Connection& db, const model::Session& session);
    static void Delete(Connection& db, std::string_view id);

    /// The session, trashed or not.
    static std::optional<model::Session> FindById(Connection& db, std::string_view id);
    /// The session `user_id` owns or co-hosts, with that role; nullopt when neither, or trashed.
    static std::optional<SessionWithRole> FindForUser(Connection& db, std::string_view id,
                                                      std::string_view user_id);
    /// The live (not trashed) session with this code or link token.
    static std::optional<model::Session> FindByCode(Connection& db, std::string_view code);
    static std::optional<model::Session> FindByLinkToken(Connection& db, std::string_view token);
    /// True when any session not yet purged holds this code.
    static bool CodeTaken(Connection& db, std::string_view code);
    /// True when an open session other than `except_id` holds it (codes are unique among
    /// open sessions; closed ones may share theirs).
    static bool CodeOpen(Connection& db, std::string_view code, std::string_view except_id = {});

    /// The user's live sessions (owned and co-hosted), newest first.
    static std::vector<SessionWithRole> ListForUser(Connection& db, std::string_view user_id);
    /// The sessions `owner_id` has in the trash, most recently deleted first.
    static std::vector<model::Session> ListTrash(Connection& db, std::string_view owner_id);

    /// Open, live sessions whose end date is at or before `now`.
    static std::vector<model::Session> ListExpired(Connection& db, util::Instant now);
    /// The earliest end date among open, live sessions.
    static std::optional<util::Instant> NextEndDate(Connection& db);
    /// Open sessions, the trash left out.
    static std::int64_t CountOpen(Connection& db);
    /// Removes sessions trashed at or before `cutoff`; returns how many.
    static int PurgeTrashedBefore(Connection& db, util::Instant cutoff);

    static bool IsFacilitator(Connection& db, std::string_view session_id,
                              std::string_view user_id);
    static void AddFacilitator(Connection& db, std::string_view session_id,
                               std::string_view user_id, util::Instant at);

    static void AppendAudit(Connection& db, const model::AuditEntry& entry);
    static std::vector<model::AuditEntry> ListAudit(Connection& db, std::string_view session_id);
    static std::optional<model::AuditEntry> LatestAudit(Connection& db,
                                                        std::string_view session_id);
};

}  // namespace convene::storage

#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convene/domain/error.hpp"
#include "convene/domain/session_events.hpp"
#include "convene/model/session.hpp"
#include "convene/model/user.hpp"
#include "convene/storage/database.hpp"
#include "convene/storage/session_repository.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"

namespace convene::domain {

using SessionView = storage::SessionWithRole;

struct NewSession {
    std::string title;
    model::SessionKind kind = model::SessionKind::kStandard;
    std::optional<int> duration_days;
    std::optional<util::Instant> ends_at;
};

struct SessionChange {
    std::optional<std::string> title;
    std::optional<util::Instant> ends_at;
    std::optional<int> duration_days;
};

/// Everything live clients may be shown about a session, read in one go.
struct LiveSnapshot {
    model::Session session;
    std::vector<model::Slide> slides;
    /// The newest audit trail entry (facilitators see it with the change that made it).
    std::optional<model::AuditEntry> latest_audit;
};

struct SessionFilter {
    std::optional<model::SessionStatus> status;
    std::optional<model::SessionRole> role;
};

/// Live sessions: lifecycle, codes and links, trash, audit trail, expiry. Thread-safe.
///
/// Visibility: the owner and co-facilitators see a session; anyone else gets 404 (never a hint
/// that it exists). Owner-only actions answer 403 `owner_only` to a co-facilitator.
class SessionService {
public:
    struct Settings {
        std::chrono::days trash_retention{30};
        /// The latest end date accepted, from now.
        std::chrono::days max_horizon{3650};
    };

    static constexpr int kMaxTitleLength = 200;

    /// `end_dates_changed` is called after any commit that may move the earliest end date
    /// (the auto-close scheduler re-arms on it).
    SessionService(storage::Database& database, const util::Clock& clock, util::Random& random,
                   SessionEvents& events, std::function<void()> end_dates_changed,
                   Settings settings);

    /// 422 invalid_title / invalid_duration_days / invalid_ends_at.
    Result<SessionView> Create(const model::User& caller, const NewSession& request);
    Result<SessionView> Get(const model::User& caller, std::string_view id);
    std::vector<SessionView> List(const model::User& caller, const SessionFilter& filter);
    /// Title: owner or co-facilitator. End date: owner only.
    Result<SessionView> Update(const model::User& caller, std::string_view id,
                               const SessionChange& change);
    Result<SessionView> Close(const model::User& caller, std::string_view id);
    /// Reopens; an end date in the past moves to `ends_at` or now + the owner's default.
    Result<SessionView> Open(const model::User& caller, std::string_view id,
                             std::optional<util::Instant> ends_at);
    /// Draws a new code and link; the old ones resolve to nothing from the commit on.
    Result<SessionView> RegenerateCode(const model::User& caller, std::string_view id);
    /// A new open session owned by the caller, with a new code, link and end date.
    Result<SessionView> Duplicate(const model::User& caller, std::string_view id);
    /// Moves to the trash (owner only); purged after the retention period.
    Result<void> Trash(const model::User& caller, std::string_view id);
    std::vector<model::Session> ListTrash(const model::User& caller);
    Result<SessionView> Restore(const model::User& caller, std::string_view id);
    Result<std::vector<model::AuditEntry>> Audit(const model::User& caller, std::string_view id);

    /// Closes every open session whose end date has passed, with closed_at = ends_at.
    /// Returns the sessions it closed.
    std::vector<model::Session> CloseExpired(util::Instant now);
    /// The earliest end date among open sessions.
    std::optional<util::Instant> NextEndDate();
    /// Open sessions, the trash left out (for metrics).
    std::int64_t CountOpen();
    /// Purges sessions trashed longer than the retention period; returns how many.
    int PurgeTrash(util::Instant now);

    /// The session (not trashed) and its slides; nullopt when it is gone.
    std::optional<LiveSnapshot> Snapshot(std::string_view id);

    /// The room of an event session, inside the caller's transaction: a new open session of
    /// kind event owned by `owner_id`, with its join slide, closing by itself at `ends_at`.
    /// Call RoomChanged after the commit.
    model::Session CreateRoom(storage::Connection& db, const std::string& owner_id,
                              const std::string& title, util::Instant ends_at);
    /// Inside the caller's transaction: the room now ends at `ends_at` (it opens again when
    /// its old end had closed it and the new one is ahead), or closes at once with `close`.
    /// What changed, for RoomChanged; nullopt when nothing did.
    std::optional<SessionEvent> UpdateRoom(storage::Connection& db, std::string_view room_id,
                                           util::Instant ends_at, bool close);
    /// After the commit of CreateRoom or UpdateRoom: re-arms auto-close and tells live clients.
    void RoomChanged(std::string_view room_id, std::optional<SessionEvent> change);

    /// After a commit that took `user_id` off the room's co-facilitators: their live sockets go.
    void AccessRevoked(std::string_view room_id, std::string_view user_id) {
        events_.AccessRevoked(room_id, user_id);
    }

    /// When a trashed session is purged.
    util::Instant PurgeAt(const model::Session& session) const {
        return *session.deleted_at + settings_.trash_retention;
    }

private:
    Result<std::optional<util::Instant>> EndDate(const model::User& owner,
                                                 std::optional<int> duration_days,
                                                 std::optional<util::Instant> ends_at,
                                                 util::Instant now) const;
    /// A fresh code (unique among all sessions) and link token.
    /// A code no open session holds (preferring one no session holds).
    void DrawCode(storage::Connection& db, model::Session& session);
    void DrawCodeAndLink(storage::Connection& db, model::Session& session);
    void Audit(storage::Connection& db, const model::Session& session,
               const std::optional<std::string>& actor, std::string action,
               std::string detail = "{}");

    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
    SessionEvents& events_;
    std::function<void()> end_dates_changed_;
    Settings settings_;
};

/// The live session `caller` owns or co-hosts, with that role; 404 session_not_found
/// otherwise (never a hint that it exists). The one access rule every session-scoped
/// service applies.
Result<SessionView> FindSessionFor(storage::Connection& db, const model::User& caller,
                                   std::string_view session_id);
/// As FindSessionFor, and 403 owner_only for a co-facilitator.
Result<SessionView> FindOwnedSession(storage::Connection& db, const model::User& caller,
                                     std::string_view session_id);

/// `{"key":"value",…}` from pairs of plain strings (escaped), for audit details.
std::string JsonObjectText(std::initializer_list<std::pair<std::string_view, std::string>> pairs);

}  // namespace convene::domain

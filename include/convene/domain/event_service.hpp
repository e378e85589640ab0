#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convene/domain/error.hpp"
#include "convene/domain/session_service.hpp"
#include "convene/model/event.hpp"
#include "convene/model/user.hpp"
#include "convene/storage/database.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"

namespace convene::domain {

struct EventChange {
    std::optional<std::string> title;
    std::optional<std::string> description;
};

/// What `POST /api/events/{id}/sessions` asks for; every field may be left out.
struct NewEventSessions {
    std::optional<std::string> start;  ///< `YYYY-MM-DDTHH:MM`, wall time in `timezone`
    std::optional<std::string> timezone;
    std::optional<int> duration_minutes;
    std::optional<std::string> name;
    std::optional<int> count;
};

/// A change to one event session; every field may be left out.
struct EventSessionChange {
    std::optional<std::string> start;
    std::optional<std::string> timezone;
    std::optional<int> duration_minutes;
    std::optional<std::string> name;
    /// An http(s) URL of its recording; empty to remove it.
    std::optional<std::string> recording_url;
};

/// Events and their dated sessions. Members and admins create events; an event is seen and
/// managed by its owner and by admins; anyone else gets 404 event_not_found. Thread-safe.
class EventService {
public:
    static constexpr int kMaxTitleLength = 200;
    static constexpr int kMaxDescriptionLength = 5000;
    static constexpr int kMaxSessionsPerRequest = 52;
    static constexpr int kDefaultDurationMinutes = 60;
    static constexpr std::size_t kMaxRecordingUrlLength = 2000;

    struct ManagedSession {
        model::Event event;
        model::EventSession session;
    };

    /// A room opens this long before its session starts, for those with a personal link.
    static constexpr std::chrono::minutes kRoomOpensBefore{15};
    /// A room closes by itself this long after its session's planned end.
    static constexpr std::chrono::minutes kRoomClosesAfter{30};

    EventService(storage::Database& database, const util::Clock& clock, util::Random& random,
                 SessionService& sessions);
    void SetBaseUrl(std::string base_url) { base_url_ = std::move(base_url); }
    void SetMailQueued(std::function<void()> mail_queued) { mail_queued_ = std::move(mail_queued); }
    const std::string& BaseUrl() const { return base_url_; }

    /// 422 invalid_title / invalid_description. The slug comes from the title, made unique.
    Result<model::EventSummary> Create(const model::User& caller, std::string_view title,
                                       std::string_view description);
    /// Newest first: the caller's own events and those they are in the team of, or every
    /// event for an admin.
    std::vector<model::EventSummary> List(const model::User& caller);
    Result<model::EventSummary> Get(const model::User& caller, std::string_view id);
    Result<model::EventSummary> Update(const model::User& caller, std::string_view id,
                                       const EventChange& change);
    Result<void> Delete(const model::User& caller, std::string_view id);

    /// Adds `count` (1–52) weekly event sessions. Without `start`, the first is one week after
    /// the latest one, at the same wall time in its zone (DST-correct). 422 invalid_start,
    /// invalid_timezone, invalid_duration_minutes, invalid_name, invalid_count.
    Result<std::vector<model::EventSession>> AddSessions(const model::User& caller,
                                                         std::string_view event_id,
                                                         const NewEventSessions& request);
    Result<std::vector<model::EventSession>> ListSessions(const model::User& caller,
                                                          std::string_view event_id);
    /// Moves or renames one event session, or sets its recording; `starts_at` follows from
    /// the new wall time and zone. A move tells every registrant (updated invitation, reminders moved) and moves the
    /// room's end. 404 event_session_not_found; 409 session_cancelled; 422 as for AddSessions.
    Result<model::EventSession> UpdateSession(const model::User& caller,
                                              std::string_view event_id,
                                              std::string_view session_id,
                                              const EventSessionChange& change);
    /// Deletes one event session; only with `confirmed`: 400 confirmation_required; and only
    /// when nobody registered: 409 has_registrants (cancel it instead).
    Result<void> DeleteSession(const model::User& caller, std::string_view event_id,
                               std::string_view session_id, bool confirmed);
    /// Cancels one event session (idempotent); only with `confirmed`: 400
    /// confirmation_required. No email still due for it leaves; each registrant gets a
    /// cancellation; its room closes.
    Result<model::EventSession> CancelSession(const model::User& caller,
                                              std::string_view event_id,
                                              std::string_view session_id, bool confirmed);

    /// Recomputes `starts_at` of every scheduled session still ahead from its wall time and
    /// zone with the tz database in use: when a zone's rules changed (a tzdata update), the
    /// session keeps its wall time and its registrants are told as for a move. At start-up.
    /// Returns how many moved.
    int RealignStarts();

    /// The event session and its event, for the event's managers and the session's team
    /// (403 not_on_team for the rest of the event's team, 404 for anyone else).
    Result<ManagedSession> FindTeamSession(storage::Connection& db, const model::User& caller,
                                           std::string_view event_id,
                                           std::string_view session_id);
    /// The event session's room, made when first asked for: for the event's managers and
    /// the session's team (403 not_on_team for the rest of the event's team). 409
    /// session_cancelled.
    Result<model::Session> EnterRoom(const model::User& caller, std::string_view event_id,
                                     std::string_view session_id);

    /// Inside the caller's transaction: the room's co-facilitators become the session's team
    /// and speakers (the event's owner owns it). Returns whoever lost access, for
    /// SessionService::AccessRevoked after the commit. Nothing for a session without a room.
    std::vector<std::string> SyncRoomTeam(storage::Connection& db, const model::Event& event,
                                          const model::EventSession& session);

    /// Inside the caller's transaction: the session's room, made now if it has none (stored
    /// on `session`), its co-facilitators the session's team. Call sessions().RoomChanged
    /// after the commit when `created`.
    model::Session EnsureRoom(storage::Connection& db, const model::Event& event,
                              model::EventSession& session, bool& created);
    SessionService& sessions() { return sessions_; }

    /// The event, if the caller may see it (its managers and its team); else the 404.
    Result<model::EventSummary> FindVisible(storage::Connection& db, const model::User& caller,
                                            std::string_view event_id);
    /// The event, if the caller may manage it (its owner and admins); else the 404 to answer.
    Result<model::EventSummary> FindManaged(storage::Connection& db, const model::User& caller,
                                            std::string_view event_id);
    /// The event session and its event, if the caller may manage the event; else the 404 to
    /// answer; with `scheduled_only`, 409 session_cancelled for a cancelled one.
    Result<ManagedSession> FindManagedSession(storage::Connection& db, const model::User& caller,
                                              std::string_view event_id,
                                              std::string_view session_id, bool scheduled_only);

private:

    /// A session's time changed: its SEQUENCE goes up, registrants get the update and new
    /// reminders, its room's end follows. Inside the caller's transaction; the room's change
    /// is for SessionService::RoomChanged after the commit.
    std::optional<SessionEvent> Moved(storage::Connection& db, const model::Event& event,
                                      model::EventSession& session, util::Instant now);

    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
    SessionService& sessions_;
    std::string base_url_ = "http://127.0.0.1:8080";
    std::function<void()> mail_queued_ = [] {};
};

/// The slug a title gives: lower-case ASCII letters and digits joined by dashes, at most 60
/// characters ("event" when nothing is left).
std::string SlugOf(std::string_view title);

}  // namespace convene::domain

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convene/domain/error.hpp"
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
};

/// Events and their dated sessions. Members and admins create events; an event is seen and
/// managed by its owner and by admins; anyone else gets 404 event_not_found. Thread-safe.
class EventService {
public:
    static constexpr int kMaxTitleLength = 200;
    static constexpr int kMaxDescriptionLength = 5000;
    static constexpr int kMaxSessionsPerRequest = 52;
    static constexpr int kDefaultDurationMinutes = 60;

    EventService(storage::Database& database, const util::Clock& clock, util::Random& random);

    /// 422 invalid_title / invalid_description. The slug comes from the title, made unique.
    Result<model::EventSummary> Create(const model::User& caller, std::string_view title,
                                       std::string_view description);
    /// Newest first: the caller's own events, or every event for an admin.
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
    /// Moves or renames one event session; `starts_at` follows from the new wall time and
    /// zone. 404 event_session_not_found; 409 session_cancelled; 422 as for AddSessions.
    Result<model::EventSession> UpdateSession(const model::User& caller,
                                              std::string_view event_id,
                                              std::string_view session_id,
                                              const EventSessionChange& change);
    /// Deletes one event session; only with `confirmed`: 400 confirmation_required.
    Result<void> DeleteSession(const model::User& caller, std::string_view event_id,
                               std::string_view session_id, bool confirmed);
    /// Cancels one event session (idempotent); only with `confirmed`: 400
    /// confirmation_required.
    Result<model::EventSession> CancelSession(const model::User& caller,
                                              std::string_view event_id,
                                              std::string_view session_id, bool confirmed);

private:
    /// The event session, if the caller may manage its event; else the 404 to answer.
    Result<model::EventSession> FindManagedSession(storage::Connection& db,
                                                   const model::User& caller,
                                                   std::string_view event_id,
                                                   std::string_view session_id);

    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
};

/// The slug a title gives: lower-case ASCII letters and digits joined by dashes, at most 60
/// characters ("event" when nothing is left).
std::string SlugOf(std::string_view title);

}  // namespace convene::domain

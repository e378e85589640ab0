#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "convene/model/event.hpp"
#include "convene/storage/connection.hpp"

namespace convene::storage {

/// SQL for events and their sessions. Stateless.
class EventRepository {
public:
    static void Insert(Connection& db, const model::Event& event);
    static void Update(Connection& db, const model::Event& event);
    static void Delete(Connection& db, std::string_view id);
    static bool SlugTaken(Connection& db, std::string_view slug);
    /// With its session count and next scheduled start after `now`.
    static std::optional<model::EventSummary> Find(Connection& db, std::string_view id,
                                                   util::Instant now);
    /// Newest first: those `owner_id` owns or is in the team of, or every event when
    /// `owner_id` is empty.
    static std::vector<model::EventSummary> List(Connection& db, std::string_view owner_id,
                                                 util::Instant now);

    static void InsertSession(Connection& db, const model::EventSession& session);
    /// In start order.
    static std::vector<model::EventSession> ListSessions(Connection& db, std::string_view event_id);
    static std::optional<model::EventSession> FindSession(Connection& db,
                                                          std::string_view event_id,
                                                          std::string_view session_id);
    /// Scheduled ones that have not ended by `now`, in start order.
    static std::vector<model::EventSession> ListUpcoming(Connection& db, std::string_view event_id,
                                                         util::Instant now);
    /// Every scheduled session, of any event, that starts after `now`.
    static std::vector<model::EventSession> ListScheduledAfter(Connection& db, util::Instant now);
    static std::optional<model::EventSession> FindSessionById(Connection& db,
                                                              std::string_view session_id);
    /// The event session whose room is `room_id`.
    static std::optional<model::EventSession> FindSessionByRoom(Connection& db,
                                                                std::string_view room_id);
    static std::optional<model::EventSummary> FindBySlug(Connection& db, std::string_view slug,
                                                         util::Instant now);
    /// Writes name, start, timezone, starts_at, duration, status, room, sequence, recording.
    static void UpdateSession(Connection& db, const model::EventSession& session);
    static void DeleteSession(Connection& db, std::string_view session_id);
    /// The event session that starts last, if any.
    static std::optional<model::EventSession> LatestSession(Connection& db,
                                                            std::string_view event_id);
};

}  // namespace convene::storage

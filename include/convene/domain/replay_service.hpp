#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "convene/domain/error.hpp"
#include "convene/domain/event_service.hpp"
#include "convene/model/event.hpp"
#include "convene/storage/database.hpp"
#include "convene/storage/replay_repository.hpp"
#include "convene/util/clock.hpp"

namespace convene::domain {

/// What an event session's replay shows: its room's timeline.
struct Replay {
    model::EventSession session;
    std::optional<model::Session> room;
    std::vector<storage::SlideShow> slides;
    std::vector<storage::AttendanceSample> attendance;
    std::int64_t peak = 0;
    std::int64_t attended = 0;  ///< registrants who entered by their link
};

/// Sessions' timelines: records attendance as the live layer counts it, and gives an event
/// session's replay to its team. Thread-safe.
class ReplayService {
public:
    ReplayService(storage::Database& database, const util::Clock& clock, EventService& events);

    /// Participant counts as the live layer pushed them, one sample each.
    void RecordAttendance(const std::vector<std::pair<std::string, std::size_t>>& counts);
    /// For the event's managers and the session's team (403 not_on_team, 404).
    Result<Replay> Get(const model::User& caller, std::string_view event_id,
                       std::string_view session_id);

private:
    storage::Database& database_;
    const util::Clock& clock_;
    EventService& events_;
};

}  // namespace convene::domain

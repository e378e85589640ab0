#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convene/storage/connection.hpp"
#include "convene/util/clock.hpp"

namespace convene::storage {

/// A slide shown on a session's screen (no slide when `slide_id` is empty).
struct SlideShow {
    util::Instant at;
    std::optional<std::string> slide_id;
    std::string title;
};

struct AttendanceSample {
    util::Instant at;
    std::int64_t participants = 0;
};

/// SQL for sessions' timelines. Stateless.
class ReplayRepository {
public:
    static void AddSlideShow(Connection& db, std::string_view session_id,
                             const SlideShow& show);
    /// Nothing when the session is gone.
    static void AddAttendance(Connection& db, std::string_view session_id,
                              const AttendanceSample& sample);
    /// In time order.
    static std::vector<SlideShow> SlideShows(Connection& db, std::string_view session_id);
    static std::vector<AttendanceSample> Attendance(Connection& db, std::string_view session_id);
};

}  // namespace convene::storage

#include "convene/storage/replay_repository.hpp"

namespace convene::storage {
namespace {

constexpr std::string_view kAddSlideShow =
    "INSERT INTO slide_shows (session_id, slide_id, title, at) VALUES (?, ?, ?, ?)";
// Nothing for a session deleted meanwhile.
constexpr std::string_view kAddAttendance =
    "INSERT INTO attendance_samples (session_id, at, participants) "
    "SELECT id, ?, ? FROM sessions WHERE id = ?";
constexpr std::string_view kSlideShows =
    "SELECT at, slide_id, title FROM slide_shows WHERE session_id = ? ORDER BY at, id";
constexpr std::string_view kAttendance =
    "SELECT at, participants FROM attendance_samples WHERE session_id = ? ORDER BY at, id";

}  // namespace

void ReplayRepository::AddSlideShow(Connection& db, std::string_view session_id,
                                    const SlideShow& show) {
    db.Prepare(kAddSlideShow).BindAll(session_id, show.slide_id, show.title, show.at).Run();
}

void ReplayRepository::AddAttendance(Connection& db, std::string_view session_id,
                                     const AttendanceSample& sample) {
    db.Prepare(kAddAttendance).BindAll(sample.at, sample.participants, session_id).Run();
}

std::vector<SlideShow> ReplayRepository::SlideShows(Connection& db, std::string_view session_id) {
    return db.Prepare(kSlideShows).BindAll(session_id).ReadAll([](const Statement& row) {
        return SlideShow{row.Time(0), row.OptionalText(1), row.Text(2)};
    });
}

std::vector<AttendanceSample> ReplayRepository::Attendance(Connection& db,
                                                           std::string_view session_id) {
    return db.Prepare(kAttendance).BindAll(session_id).ReadAll([](const Statement& row) {
        return AttendanceSample{row.Time(0), row.Int(1)};
    });
}

}  // namespace convene::storage

#include "convene/domain/replay_service.hpp"

#include <algorithm>

#include "convene/storage/registration_repository.hpp"
#include "convene/storage/session_repository.hpp"

namespace convene::domain {

ReplayService::ReplayService(storage::Database& database, const util::Clock& clock,
                             EventService& events)
    : database_(database), clock_(clock), events_(events) {}

void ReplayService::RecordAttendance(
    const std::vector<std::pair<std::string, std::size_t>>& counts) {
    if (counts.empty()) return;
    const auto now = clock_.Now();
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    for (const auto& [session_id, participants] : counts) {
        storage::ReplayRepository::AddAttendance(
            *db, session_id, {now, static_cast<std::int64_t>(participants)});
    }
    tx.Commit();
}

Result<Replay> ReplayService::Get(const model::User& caller, std::string_view event_id,
                                  std::string_view session_id) {
    auto db = database_.Acquire();
    auto found = events_.FindTeamSession(*db, caller, event_id, session_id);
    if (!found) return found.error();
    Replay replay{.session = found->session.At(clock_.Now())};
    if (replay.session.room_id) {
        const auto& room_id = *replay.session.room_id;
        replay.room = storage::SessionRepository::FindById(*db, room_id);
        replay.slides = storage::ReplayRepository::SlideShows(*db, room_id);
        replay.attendance = storage::ReplayRepository::Attendance(*db, room_id);
    }
    for (const auto& sample : replay.attendance) {
        replay.peak = std::max(replay.peak, sample.participants);
    }
    for (const auto& r : storage::RegistrationRepository::ListForSession(*db, session_id)) {
        if (r.attended_at) ++replay.attended;
    }
    return replay;
}

}  // namespace convene::domain

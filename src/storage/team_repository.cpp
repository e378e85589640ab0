#include "convene/storage/team_repository.hpp"

namespace convene::storage {
namespace {

#define CONVENE_SPEAKER_COLUMNS "id, event_session_id, name, email, user_id, created_at"

constexpr std::string_view kAddMember =
    "INSERT INTO event_team (event_id, user_id, added_at) VALUES (?, ?, ?)";
constexpr std::string_view kRemoveMember =
    "DELETE FROM event_team WHERE event_id = ? AND user_id = ?";
constexpr std::string_view kIsMember =
    "SELECT 1 FROM event_team WHERE event_id = ? AND user_id = ?";
constexpr std::string_view kListMembers =
    "SELECT u.id, u.email, u.name FROM event_team t JOIN users u ON u.id = t.user_id "
    "WHERE t.event_id = ? ORDER BY t.added_at, u.email";
constexpr std::string_view kAdjust =
    "INSERT INTO event_session_team (event_session_id, user_id, included) VALUES (?, ?, ?) "
    "ON CONFLICT (event_session_id, user_id) DO UPDATE SET included = excluded.included";
constexpr std::string_view kSessionMembers =
    "SELECT u.id, u.email, u.name FROM users u WHERE u.id IN ("
    "  SELECT t.user_id FROM event_team t WHERE t.event_id = ?1 AND NOT EXISTS ("
    "    SELECT 1 FROM event_session_team x WHERE x.event_session_id = ?2 "
    "    AND x.user_id = t.user_id AND x.included = 0) "
    "  UNION SELECT x.user_id FROM event_session_team x "
    "  WHERE x.event_session_id = ?2 AND x.included = 1) "
    "ORDER BY u.name, u.email";
constexpr std::string_view kAddSpeaker =
    "INSERT INTO event_speakers (id, event_session_id, name, email, token_hash, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr std::string_view kRemoveSpeaker =
    "DELETE FROM event_speakers WHERE event_session_id = ? AND id = ?";
constexpr std::string_view kListSpeakers =
    "SELECT " CONVENE_SPEAKER_COLUMNS " FROM event_speakers WHERE event_session_id = ? "
    "ORDER BY created_at, rowid";
constexpr std::string_view kFindSpeakerByToken =
    "SELECT " CONVENE_SPEAKER_COLUMNS " FROM event_speakers WHERE token_hash = ?";
constexpr std::string_view kSetSpeakerUser = "UPDATE event_speakers SET user_id = ? WHERE id = ?";

#undef CONVENE_SPEAKER_COLUMNS

model::TeamMember ReadMember(const Statement& row) {
    return {row.Text(0), row.Text(1), row.Text(2)};
}

model::Speaker ReadSpeaker(const Statement& row) {
    return {row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.OptionalText(4), row.Time(5)};
}

}  // namespace

void TeamRepository::AddMember(Connection& db, std::string_view event_id,
                               std::string_view user_id, util::Instant at) {
    db.Prepare(kAddMember).BindAll(event_id, user_id, at).Run();
}

bool TeamRepository::RemoveMember(Connection& db, std::string_view event_id,
                                  std::string_view user_id) {
    return db.Prepare(kRemoveMember).BindAll(event_id, user_id).Run() == 1;
}

bool TeamRepository::IsMember(Connection& db, std::string_view event_id,
                              std::string_view user_id) {
    return db.Prepare(kIsMember).BindAll(event_id, user_id).ReadOne([](const Statement&) {
        return true;
    }).has_value();
}

std::vector<model::TeamMember> TeamRepository::ListMembers(Connection& db,
                                                           std::string_view event_id) {
    return db.Prepare(kListMembers).BindAll(event_id).ReadAll(ReadMember);
}

void TeamRepository::Adjust(Connection& db, std::string_view event_session_id,
                            std::string_view user_id, bool included) {
    db.Prepare(kAdjust).BindAll(event_session_id, user_id, included ? 1 : 0).Run();
}

std::vector<model::TeamMember> TeamRepository::SessionMembers(Connection& db,
                                                              std::string_view event_id,
                                                              std::string_view event_session_id) {
    return db.Prepare(kSessionMembers).BindAll(event_id, event_session_id).ReadAll(ReadMember);
}

void TeamRepository::AddSpeaker(Connection& db, const model::Speaker& s,
                                std::string_view token_hash) {
    db.Prepare(kAddSpeaker)
        .BindAll(s.id, s.event_session_id, s.name, s.email, token_hash, s.created_at)
        .Run();
}

bool TeamRepository::RemoveSpeaker(Connection& db, std::string_view event_session_id,
                                   std::string_view speaker_id) {
    return db.Prepare(kRemoveSpeaker).BindAll(event_session_id, speaker_id).Run() == 1;
}

std::vector<model::Speaker> TeamRepository::ListSpeakers(Connection& db,
                                                         std::string_view event_session_id) {
    return db.Prepare(kListSpeakers).BindAll(event_session_id).ReadAll(ReadSpeaker);
}

std::optional<model::Speaker> TeamRepository::FindSpeakerByToken(Connection& db,
                                                                 std::string_view token_hash) {
    return db.Prepare(kFindSpeakerByToken).BindAll(token_hash).ReadOne(ReadSpeaker);
}

void TeamRepository::SetSpeakerUser(Connection& db, std::string_view speaker_id,
                                    std::string_view user_id) {
    db.Prepare(kSetSpeakerUser).BindAll(user_id, speaker_id).Run();
}

}  // namespace convene::storage

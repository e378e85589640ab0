#include "convene/storage/participant_repository.hpp"

namespace convene::storage {
namespace {

constexpr std::string_view kInsertParticipant =
    "INSERT INTO participants (id, session_id, token_hash, joined_at, last_seen_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSelectParticipantByToken =
    "SELECT id, session_id, joined_at, last_seen_at FROM participants WHERE token_hash = ?";
constexpr std::string_view kTouchParticipant =
    "UPDATE participants SET last_seen_at = ? WHERE id = ?";

}  // namespace

void ParticipantRepository::Insert(Connection& db, const model::Participant& participant,
                                   std::string_view token_hash) {
    db.Prepare(kInsertParticipant)
        .BindAll(participant.id, participant.session_id, token_hash, participant.joined_at,
                 participant.last_seen_at)
        .Run();
}

std::optional<model::Participant> ParticipantRepository::FindByTokenHash(
    Connection& db, std::string_view token_hash) {
    return db.Prepare(kSelectParticipantByToken)
        .BindAll(token_hash)
        .ReadOne([](const Statement& row) {
            return model::Participant{row.Text(0), row.Text(1), row.Time(2), row.Time(3)};
        });
}

void ParticipantRepository::Touch(Connection& db, std::string_view id, util::Instant at) {
    db.Prepare(kTouchParticipant).BindAll(at, id).Run();
}

}  // namespace convene::storage

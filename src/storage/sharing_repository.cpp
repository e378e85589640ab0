#include "convene/storage/sharing_repository.hpp"

namespace convene::storage {
namespace {

constexpr std::string_view kSelectFacilitators =
    "SELECT u.id, u.email, u.name, f.added_at FROM session_facilitators f "
    "JOIN users u ON u.id = f.user_id WHERE f.session_id = ? ORDER BY f.added_at, u.email";
constexpr std::string_view kDeleteFacilitator =
    "DELETE FROM session_facilitators WHERE session_id = ? AND user_id = ?";
constexpr std::string_view kInsertInvitation =
    "INSERT INTO facilitator_invitations (id, session_id, email, invited_by, created_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSelectInvitations =
    "SELECT id, session_id, email, invited_by, created_at FROM facilitator_invitations "
    "WHERE session_id = ? ORDER BY created_at, email";
constexpr std::string_view kSelectInvitationsForEmail =
    "SELECT id, session_id, email, invited_by, created_at FROM facilitator_invitations "
    "WHERE email = ? ORDER BY created_at";
constexpr std::string_view kDeleteInvitation =
    "DELETE FROM facilitator_invitations WHERE session_id = ? AND id = ?";
constexpr std::string_view kDeleteInvitationsForEmail =
    "DELETE FROM facilitator_invitations WHERE email = ?";
model::FacilitatorInvitation ReadInvitation(const Statement& row) {
    return {row.Text(0), row.Text(1), row.Text(2), row.OptionalText(3), row.Time(4)};
}

}  // namespace

std::vector<model::Facilitator> SharingRepository::ListFacilitators(Connection& db,
                                                                    std::string_view session_id) {
    return db.Prepare(kSelectFacilitators).BindAll(session_id).ReadAll([](const Statement& row) {
        return model::Facilitator{row.Text(0), row.Text(1), row.Text(2), row.Time(3)};
    });
}

bool SharingRepository::RemoveFacilitator(Connection& db, std::string_view session_id,
                                          std::string_view user_id) {
    return db.Prepare(kDeleteFacilitator).BindAll(session_id, user_id).Run() == 1;
}

void SharingRepository::InsertInvitation(Connection& db,
                                         const model::FacilitatorInvitation& invitation) {
    db.Prepare(kInsertInvitation)
        .BindAll(invitation.id, invitation.session_id, invitation.email, invitation.invited_by,
                 invitation.created_at)
        .Run();
}

std::vector<model::FacilitatorInvitation> SharingRepository::ListInvitations(
    Connection& db, std::string_view session_id) {
    return db.Prepare(kSelectInvitations).BindAll(session_id).ReadAll(ReadInvitation);
}

std::vector<model::FacilitatorInvitation> SharingRepository::InvitationsForEmail(
    Connection& db, std::string_view email) {
    return db.Prepare(kSelectInvitationsForEmail).BindAll(email).ReadAll(ReadInvitation);
}

bool SharingRepository::DeleteInvitation(Connection& db, std::string_view session_id,
                                         std::string_view id) {
    return db.Prepare(kDeleteInvitation).BindAll(session_id, id).Run() == 1;
}

void SharingRepository::DeleteInvitationsForEmail(Connection& db, std::string_view email) {
    db.Prepare(kDeleteInvitationsForEmail).BindAll(email).Run();
}

}  // namespace convene::storage

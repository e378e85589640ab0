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
constexpr std::string_view kInsertOutbox =
    "INSERT INTO outbox (id, message_id, recipient, subject, text_body, html_body, kind, "
    "session_id, status, attempts, due_at, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)";
constexpr std::string_view kSelectOutbox =
    "SELECT id, message_id, recipient, subject, text_body, html_body, kind, session_id, status, "
    "attempts, due_at, created_at, sent_at, last_error FROM outbox "
    "ORDER BY created_at DESC, id LIMIT ?";

model::FacilitatorInvitation ReadInvitation(const Statement& row) {
    return {row.Text(0), row.Text(1), row.Text(2), row.OptionalText(3), row.Time(4)};
}

model::OutboxMessage ReadOutbox(const Statement& row) {
    const auto status = row.Text(8);
    return model::OutboxMessage{
        .id = row.Text(0),
        .message_id = row.Text(1),
        .recipient = row.Text(2),
        .subject = row.Text(3),
        .text_body = row.Text(4),
        .html_body = row.Text(5),
        .kind = row.Text(6),
        .session_id = row.OptionalText(7),
        .status = status == "sent"     ? model::OutboxStatus::kSent
                  : status == "failed" ? model::OutboxStatus::kFailed
                                       : model::OutboxStatus::kQueued,
        .attempts = static_cast<int>(row.Int(9)),
        .due_at = row.Time(10),
        .created_at = row.Time(11),
        .sent_at = row.OptionalTime(12),
        .last_error = row.OptionalText(13),
    };
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

void SharingRepository::Enqueue(Connection& db, const model::OutboxMessage& m) {
    db.Prepare(kInsertOutbox)
        .BindAll(m.id, m.message_id, m.recipient, m.subject, m.text_body, m.html_body, m.kind,
                 m.session_id, m.due_at, m.created_at)
        .Run();
}

std::vector<model::OutboxMessage> SharingRepository::ListOutbox(Connection& db,
                                                                std::size_t limit) {
    return db.Prepare(kSelectOutbox)
        .BindAll(static_cast<std::int64_t>(limit))
        .ReadAll(ReadOutbox);
}

}  // namespace convene::storage

#include "convene/storage/outbox_repository.hpp"

namespace convene::storage {
namespace {

#define CONVENE_OUTBOX_COLUMNS                                                              \
    "id, message_id, recipient, subject, text_body, html_body, kind, session_id, status, " \
    "attempts, due_at, created_at, sent_at, last_error, retried_at, calendar, "            \
    "event_session_id, registration_id"

constexpr std::string_view kInsertOutbox =
    "INSERT INTO outbox (id, message_id, recipient, subject, text_body, html_body, kind, "
    "session_id, status, attempts, due_at, created_at, calendar, event_session_id, "
    "registration_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, NULLIF(?, ''), ?, ?)";
constexpr std::string_view kSelectOutbox =
    "SELECT " CONVENE_OUTBOX_COLUMNS " FROM outbox ORDER BY created_at DESC, rowid DESC LIMIT ?";
constexpr std::string_view kSelectOutboxByStatus =
    "SELECT " CONVENE_OUTBOX_COLUMNS " FROM outbox WHERE status = ? "
    "ORDER BY created_at DESC, rowid DESC LIMIT ?";
constexpr std::string_view kSelectOutboxById =
    "SELECT " CONVENE_OUTBOX_COLUMNS " FROM outbox WHERE id = ?";
constexpr std::string_view kCountOutbox = "SELECT status, COUNT(*) FROM outbox GROUP BY status";
constexpr std::string_view kSelectDue =
    "SELECT " CONVENE_OUTBOX_COLUMNS " FROM outbox WHERE status = 'queued' AND due_at <= ? "
    "ORDER BY due_at, id LIMIT ?";
constexpr std::string_view kSelectNextDue =
    "SELECT MIN(due_at) FROM outbox WHERE status = 'queued'";
constexpr std::string_view kMarkSent =
    "UPDATE outbox SET status = 'sent', attempts = ?, sent_at = ?, last_error = NULL WHERE id = ?";
constexpr std::string_view kMarkRetry =
    "UPDATE outbox SET attempts = ?, due_at = ?, last_error = ? WHERE id = ?";
constexpr std::string_view kMarkFailed =
    "UPDATE outbox SET status = 'failed', attempts = ?, last_error = ? WHERE id = ?";
constexpr std::string_view kDropQueuedForEventSession =
    "DELETE FROM outbox WHERE status = 'queued' AND event_session_id = ?";
constexpr std::string_view kDropQueuedForRegistration =
    "DELETE FROM outbox WHERE status = 'queued' AND registration_id = ?";
constexpr std::string_view kRequeue =
    "UPDATE outbox SET status = 'queued', due_at = ?, retried_at = ? WHERE id = ?";

#undef CONVENE_OUTBOX_COLUMNS

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
        .retried_at = row.OptionalTime(14),
        .calendar = row.OptionalText(15).value_or(""),
        .event_session_id = row.OptionalText(16),
        .registration_id = row.OptionalText(17),
    };
}

}  // namespace

void OutboxRepository::Enqueue(Connection& db, const model::OutboxMessage& m) {
    db.Prepare(kInsertOutbox)
        .BindAll(m.id, m.message_id, m.recipient, m.subject, m.text_body, m.html_body, m.kind,
                 m.session_id, m.due_at, m.created_at, m.calendar, m.event_session_id,
                 m.registration_id)
        .Run();
}

int OutboxRepository::DropQueuedForEventSession(Connection& db, std::string_view event_session_id) {
    return db.Prepare(kDropQueuedForEventSession).BindAll(event_session_id).Run();
}

int OutboxRepository::DropQueuedForRegistration(Connection& db, std::string_view registration_id) {
    return db.Prepare(kDropQueuedForRegistration).BindAll(registration_id).Run();
}

std::vector<model::OutboxMessage> OutboxRepository::List(
    Connection& db, std::optional<model::OutboxStatus> status, std::size_t limit) {
    const auto max = static_cast<std::int64_t>(limit);
    if (!status) return db.Prepare(kSelectOutbox).BindAll(max).ReadAll(ReadOutbox);
    return db.Prepare(kSelectOutboxByStatus)
        .BindAll(std::string_view(model::OutboxStatusName(*status)), max)
        .ReadAll(ReadOutbox);
}

std::optional<model::OutboxMessage> OutboxRepository::Find(Connection& db, std::string_view id) {
    return db.Prepare(kSelectOutboxById).BindAll(id).ReadOne(ReadOutbox);
}

model::OutboxCounts OutboxRepository::Count(Connection& db) {
    model::OutboxCounts counts;
    auto& rows = db.Prepare(kCountOutbox);
    while (rows.Step()) {
        const auto status = rows.Text(0);
        (status == "sent" ? counts.sent : status == "failed" ? counts.failed : counts.queued) =
            rows.Int(1);
    }
    return counts;
}

std::vector<model::OutboxMessage> OutboxRepository::ListDue(Connection& db, util::Instant now,
                                                            std::size_t limit) {
    return db.Prepare(kSelectDue)
        .BindAll(now, static_cast<std::int64_t>(limit))
        .ReadAll(ReadOutbox);
}

std::optional<util::Instant> OutboxRepository::NextDue(Connection& db) {
    return *db.Prepare(kSelectNextDue).ReadOne([](const Statement& row) {
        return row.OptionalTime(0);
    });
}

void OutboxRepository::MarkSent(Connection& db, std::string_view id, int attempts,
                                util::Instant at) {
    db.Prepare(kMarkSent).BindAll(attempts, at, id).Run();
}

void OutboxRepository::MarkRetry(Connection& db, std::string_view id, int attempts,
                                 util::Instant due_at, std::string_view error) {
    db.Prepare(kMarkRetry).BindAll(attempts, due_at, error, id).Run();
}

void OutboxRepository::MarkFailed(Connection& db, std::string_view id, int attempts,
                                  std::string_view error) {
    db.Prepare(kMarkFailed).BindAll(attempts, error, id).Run();
}

void OutboxRepository::Requeue(Connection& db, std::string_view id, util::Instant now) {
    db.Prepare(kRequeue).BindAll(now, now, id).Run();
}

}  // namespace convene::storage

#include "convene/domain/outbox_service.hpp"

#include "convene/storage/outbox_repository.hpp"

namespace convene::domain {

using storage::OutboxRepository;

OutboxService::OutboxService(storage::Database& database, const util::Clock& clock)
    : database_(database), clock_(clock) {}

OutboxPage OutboxService::List(std::optional<model::OutboxStatus> status, std::size_t limit) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db, storage::Transaction::Mode::kRead);
    OutboxPage page{OutboxRepository::List(*db, status, limit), OutboxRepository::Count(*db)};
    tx.Commit();
    return page;
}

Result<model::OutboxMessage> OutboxService::Retry(std::string_view id) {
    std::optional<model::OutboxMessage> message;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        message = OutboxRepository::Find(*db, id);
        if (!message) {
            return NotFound("outbox_message_not_found", "There is no such message in the outbox.");
        }
        if (message->status == model::OutboxStatus::kSent) {
            return Conflict("already_sent", "This message was sent already.");
        }
        const auto now = clock_.Now();
        OutboxRepository::Requeue(*db, id, now);
        tx.Commit();
        message->status = model::OutboxStatus::kQueued;
        message->due_at = now;
        message->retried_at = now;
    }
    mail_queued_();
    return *message;
}

}  // namespace convene::domain

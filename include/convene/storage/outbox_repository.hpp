#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "convene/model/mail.hpp"
#include "convene/storage/connection.hpp"

namespace convene::storage {

/// SQL for the mail outbox. Stateless.
class OutboxRepository {
public:
    static void Enqueue(Connection& db, const model::OutboxMessage& message);
    /// Newest first (in the order written, within a second); only those in `status` when given.
    static std::vector<model::OutboxMessage> List(Connection& db,
                                                  std::optional<model::OutboxStatus> status,
                                                  std::size_t limit);
    static std::optional<model::OutboxMessage> Find(Connection& db, std::string_view id);
    static model::OutboxCounts Count(Connection& db);
    /// Queued messages due at or before `now`, oldest due first.
    static std::vector<model::OutboxMessage> ListDue(Connection& db, util::Instant now,
                                                     std::size_t limit);
    /// The earliest due time among queued messages.
    static std::optional<util::Instant> NextDue(Connection& db);
    static void MarkSent(Connection& db, std::string_view id, int attempts, util::Instant at);
    static void MarkRetry(Connection& db, std::string_view id, int attempts, util::Instant due_at,
                          std::string_view error);
    static void MarkFailed(Connection& db, std::string_view id, int attempts,
                           std::string_view error);
    /// Deletes the messages still waiting to go about one event session (a move re-queues
    /// them, a cancel stops them); returns how many.
    static int DropQueuedForEventSession(Connection& db, std::string_view event_session_id);
    /// The same for one registration (a registrant removed).
    static int DropQueuedForRegistration(Connection& db, std::string_view registration_id);
    /// Queues a failed or waiting message again, due at `now`; its day of retries starts anew.
    static void Requeue(Connection& db, std::string_view id, util::Instant now);
};

}  // namespace convene::storage

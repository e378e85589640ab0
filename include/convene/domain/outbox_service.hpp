#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "convene/domain/error.hpp"
#include "convene/model/mail.hpp"
#include "convene/storage/database.hpp"
#include "convene/util/clock.hpp"

namespace convene::domain {

struct OutboxPage {
    std::vector<model::OutboxMessage> messages;  ///< newest first
    model::OutboxCounts counts;                  ///< over the whole outbox
};

/// The admin's view of the outbox. Who may call it is the route's policy (admins only).
/// Thread-safe.
class OutboxService {
public:
    OutboxService(storage::Database& database, const util::Clock& clock);
    void SetMailQueued(std::function<void()> mail_queued) { mail_queued_ = std::move(mail_queued); }

    OutboxPage List(std::optional<model::OutboxStatus> status, std::size_t limit);

    /// Sends a failed message again, or a queued one now rather than at its next retry; the
    /// relay's day of retries starts anew. 404 outbox_message_not_found; 409 already_sent.
    Result<model::OutboxMessage> Retry(std::string_view id);

private:
    storage::Database& database_;
    const util::Clock& clock_;
    std::function<void()> mail_queued_ = [] {};
};

}  // namespace convene::domain

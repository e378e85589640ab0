#include "convene/jobs/outbox_relay.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "convene/storage/outbox_repository.hpp"

namespace convene::jobs {

using storage::OutboxRepository;

OutboxRelay::OutboxRelay(storage::Database& database, mail::Mailer& mailer, Settings settings)
    : database_(database), mailer_(mailer), settings_(std::move(settings)) {}

void OutboxRelay::Stop() {
    stopping_ = true;
    mailer_.Cancel(std::chrono::seconds{2});
}

std::optional<util::Instant> OutboxRelay::RunOnce(util::Instant now) {
    std::vector<model::OutboxMessage> due;
    {
        auto db = database_.Acquire();
        due = OutboxRepository::ListDue(*db, now, settings_.batch);
    }
    for (const auto& message : due) {
        // Shutting down: what is left stays queued for the next start.
        if (stopping_) break;
        mail::Delivery delivery;
        try {
            delivery = mailer_.Send(settings_.from, message.recipient,
                                    mail::RenderMime(message, settings_.from, now),
                                    message.message_id);
        } catch (const std::exception& e) {
            delivery = {false, true, e.what()};  // an unrenderable message never will be
        }
        // Cut short by shutdown: not an attempt to count; the next start sends it.
        if (stopping_ && !delivery.ok) break;
        const int attempts = message.attempts + 1;
        auto db = database_.Acquire();
        if (delivery.ok) {
            OutboxRepository::MarkSent(*db, message.id, attempts, now);
            continue;
        }
        const auto trying_since = message.retried_at.value_or(message.created_at);
        if (delivery.permanent || now - trying_since >= settings_.give_up_after) {
            OutboxRepository::MarkFailed(*db, message.id, attempts, delivery.detail);
            spdlog::error("email {} to {} failed for good after {} attempts: {}",
                          message.message_id, message.recipient, attempts, delivery.detail);
            continue;
        }
        const auto backoff = std::min(settings_.max_retry,
                                      settings_.first_retry * (std::int64_t{1} << std::min(attempts - 1, 20)));
        OutboxRepository::MarkRetry(*db, message.id, attempts, now + backoff, delivery.detail);
        spdlog::warn("email {} to {} not sent ({}); retry in {}s", message.message_id,
                     message.recipient, delivery.detail, backoff.count());
    }
    auto db = database_.Acquire();
    return OutboxRepository::NextDue(*db);
}

}  // namespace convene::jobs

#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "convene/mail/mailer.hpp"
#include "convene/storage/database.hpp"
#include "convene/util/clock.hpp"

namespace convene::jobs {

/// Sends the outbox. Each due message is rendered and sent outside any transaction, then its
/// result recorded in a short one: a crash between the two sends it again later with the
/// same Message-ID, never loses it. Failures are retried with exponential backoff for a day,
/// then marked failed (a permanent SMTP refusal at once).
class OutboxRelay {
public:
    struct Settings {
        std::string from;
        std::chrono::seconds first_retry{30};
        std::chrono::seconds max_retry{3600};
        std::chrono::hours give_up_after{24};
        std::size_t batch = 50;
    };

    OutboxRelay(storage::Database& database, mail::Mailer& mailer, Settings settings);

    /// Sends what is due at `now`; returns when the next queued message is due.
    std::optional<util::Instant> RunOnce(util::Instant now);
    /// Shutdown: a running RunOnce returns after the message in hand, which the mailer gives
    /// up on after 2 s if the server is slow (it then stays queued, untouched). Final.
    void Stop();

private:
    storage::Database& database_;
    mail::Mailer& mailer_;
    Settings settings_;
    std::atomic<bool> stopping_{false};
};

}  // namespace convene::jobs

#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "convene/domain/error.hpp"
#include "convene/model/user.hpp"
#include "convene/util/rate_limiter.hpp"

namespace convene::domain {

/// How many emails a user may have the server send, per hour, to addresses they typed in:
/// session and event invitations, co-facilitators, team members, speakers, registrants added
/// by an organizer. One budget across all of them, so that no account (sign-up may be open) can
/// turn the server into a mail cannon that gets its domain blocked. Thread-safe.
class MailBudget {
public:
    /// Emails per user and hour: room to invite a large class or a conference's speakers.
    static constexpr double kDefaultPerHour = 500;

    explicit MailBudget(const util::Clock& clock, double per_hour = kDefaultPerHour)
        : hourly_(clock, {.burst = per_hour, .window = std::chrono::hours{1}}) {}

    /// Takes `emails` from `sender`'s budget; when it has not that many left, nothing is taken
    /// and the answer is 429 rate_limited with the wait.
    std::optional<AppError> Take(const model::User& sender, std::size_t emails) {
        if (emails == 0) return std::nullopt;
        if (auto wait = hourly_.Acquire(sender.id, static_cast<double>(emails))) {
            return RateLimited(*wait, "Too many emails sent for you this hour. Try again later.");
        }
        return std::nullopt;
    }

private:
    util::RateLimiter hourly_;
};

}  // namespace convene::domain

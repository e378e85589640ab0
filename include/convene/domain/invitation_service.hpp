#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "convene/domain/error.hpp"
#include "convene/model/event.hpp"
#include "convene/model/user.hpp"
#include "convene/storage/database.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"
#include "convene/domain/mail_budget.hpp"

namespace convene::domain {

/// An address that was not invited, and why.
struct RefusedAddress {
    std::string address;
    std::string reason;
};

struct InvitationResult {
    std::vector<std::string> sent;  ///< queued in the outbox, one email each
    std::vector<RefusedAddress> invalid;
};

/// Splits what people paste (commas, semicolons, spaces, new lines) into addresses.
std::vector<std::string> SplitAddressList(std::string_view text);

/// Email invitations to a session: each valid address gets the join link and the code.
/// Thread-safe.
class InvitationService {
public:
    struct Settings {
        std::size_t max_per_request = 200;
    };

    /// Each address invited is taken from the caller's `mail_budget`.
    InvitationService(storage::Database& database, const util::Clock& clock,
                      util::Random& random, MailBudget& mail_budget, Settings settings);
    void SetBaseUrl(std::string base_url) { base_url_ = std::move(base_url); }
    void SetMailQueued(std::function<void()> mail_queued) { mail_queued_ = std::move(mail_queued); }

    /// Trims, drops empties and case-insensitive duplicates, validates, and queues one email
    /// per valid address in one transaction. Owner and co-facilitators. 404; 423
    /// session_closed; 422 too_many_addresses / no_addresses; 429 rate_limited past the
    /// caller's mail budget.
    Result<InvitationResult> Invite(const model::User& caller, std::string_view session_id,
                                    const std::vector<std::string>& addresses);

    /// Invitations to an event's registration page (the next session shown first); the
    /// caller has been checked to manage `event`. 422 and 429 as for Invite.
    Result<InvitationResult> InviteToEvent(const model::User& caller, const model::Event& event,
                                           const std::vector<std::string>& addresses);

private:
    /// Trimmed, deduplicated, valid or refused with the reason; taken from the caller's
    /// mail budget.
    Result<InvitationResult> Sort(const model::User& caller,
                                  const std::vector<std::string>& addresses);

    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
    MailBudget& mail_budget_;
    Settings settings_;
    std::string base_url_;
    std::function<void()> mail_queued_ = [] {};
};

}  // namespace convene::domain

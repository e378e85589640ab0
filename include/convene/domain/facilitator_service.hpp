#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "convene/domain/error.hpp"
#include "convene/domain/mail_budget.hpp"
#include "convene/domain/session_events.hpp"
#include "convene/model/mail.hpp"
#include "convene/model/session.hpp"
#include "convene/model/user.hpp"
#include "convene/storage/database.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"

namespace convene::domain {

/// A session's co-facilitators and the invitations still waiting for a sign-up.
struct FacilitatorList {
    std::vector<model::Facilitator> facilitators;
    std::vector<model::FacilitatorInvitation> pending;
};

/// The outcome of adding a co-facilitator by email: access at once (an account exists), or a
/// pending invitation until that address signs up.
using FacilitatorAdded = std::variant<model::Facilitator, model::FacilitatorInvitation>;

/// Co-facilitators. The owner adds (by email), removes and revokes; co-facilitators may see
/// the list. Every email is written to the outbox in the same transaction. Thread-safe.
class FacilitatorService {
public:
    /// Each email to an added or invited person is taken from the owner's `mail_budget`.
    FacilitatorService(storage::Database& database, const util::Clock& clock,
                       util::Random& random, SessionEvents& events, MailBudget& mail_budget);

    /// The base URL for links in emails (known once the server listens).
    void SetBaseUrl(std::string base_url) { base_url_ = std::move(base_url); }
    /// Called after a commit that queued mail (the relay wakes up).
    void SetMailQueued(std::function<void()> mail_queued) { mail_queued_ = std::move(mail_queued); }

    Result<FacilitatorList> List(const model::User& caller, std::string_view session_id);
    /// 422 invalid_email; 409 already_facilitator / already_invited / is_owner; 429
    /// rate_limited past the owner's mail budget.
    Result<FacilitatorAdded> Add(const model::User& owner, std::string_view session_id,
                                 std::string_view email);
    /// Takes access away at once and closes their live sockets. 404 facilitator_not_found.
    Result<void> Remove(const model::User& owner, std::string_view session_id,
                        std::string_view user_id);
    /// 404 invitation_not_found.
    Result<void> Revoke(const model::User& owner, std::string_view session_id,
                        std::string_view invitation_id);

private:
    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
    SessionEvents& events_;
    MailBudget& mail_budget_;
    std::string base_url_;
    std::function<void()> mail_queued_ = [] {};
};

/// Turns pending invitations for `user`'s address into co-facilitator access (at sign-up,
/// inside the caller's transaction). Returns how many sessions were granted.
int ClaimInvitations(storage::Connection& db, const model::User& user, util::Instant now);

/// `text` with &, <, >, " and ' escaped for HTML.
std::string HtmlEscape(std::string_view text);

/// The domain our emails come from: the base URL's host name; `name.invalid` for a host
/// without a dot (localhost), `convene.invalid` for an IP address.
std::string MailDomain(std::string_view base_url);

/// An outbox row for one email: a fresh id and Message-ID (`<id@MailDomain>`), due now.
model::OutboxMessage NewEmail(util::Random& random, util::Instant now, std::string_view base_url,
                              std::string recipient, std::string subject, std::string text,
                              std::string html, std::string kind,
                              std::optional<std::string> session_id);

}  // namespace convene::domain

#include "convene/domain/invitation_service.hpp"

#include <unordered_set>

#include "convene/domain/facilitator_service.hpp"
#include "convene/domain/session_service.hpp"
#include "convene/domain/validation.hpp"
#include "convene/storage/outbox_repository.hpp"

namespace convene::domain {

std::vector<std::string> SplitAddressList(std::string_view text) {
    std::vector<std::string> addresses;
    std::string current;
    auto flush = [&] {
        if (!current.empty()) addresses.push_back(std::move(current));
        current.clear();
    };
    for (char c : text) {
        if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            flush();
        } else {
            current += c;
        }
    }
    flush();
    return addresses;
}

InvitationService::InvitationService(storage::Database& database, const util::Clock& clock,
                                     util::Random& random, MailBudget& mail_budget,
                                     Settings settings)
    : database_(database),
      clock_(clock),
      random_(random),
      mail_budget_(mail_budget),
      settings_(settings) {}

Result<InvitationResult> InvitationService::Sort(const model::User& caller,
                                                 const std::vector<std::string>& addresses) {
    InvitationResult result;
    std::unordered_set<std::string> seen;
    for (const auto& raw : addresses) {
        auto address = Trim(raw);
        if (address.empty() || !seen.insert(AsciiLower(address)).second) continue;
        if (IsValidEmail(address)) {
            result.sent.push_back(std::move(address));
        } else {
            result.invalid.push_back({std::move(address), "not a valid email address"});
        }
    }
    if (result.sent.size() + result.invalid.size() > settings_.max_per_request) {
        return Invalid("too_many_addresses", "At most " +
                                                 std::to_string(settings_.max_per_request) +
                                                 " addresses at a time.");
    }
    if (result.sent.empty() && result.invalid.empty()) {
        return Invalid("no_addresses", "Give at least one email address.");
    }
    if (auto refused = mail_budget_.Take(caller, result.sent.size())) return *refused;
    return result;
}

Result<InvitationResult> InvitationService::Invite(const model::User& caller,
                                                   std::string_view session_id,
                                                   const std::vector<std::string>& addresses) {
    const auto now = clock_.Now();
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindSessionFor(*db, caller, session_id);
    if (!found) return found.error();
    const auto& session = found->session;
    if (session.status == model::SessionStatus::kClosed ||
        (session.ends_at && *session.ends_at <= now)) {
        return AppError{ErrorKind::kClosed, "session_closed",
                        "This session is closed: open it before inviting people.", std::nullopt};
    }
    auto result = Sort(caller, addresses);
    if (!result) return result;
    const auto link = base_url_ + "/j/" + session.link_token;
    const auto subject = caller.name + " invites you to \"" + session.title + "\"";
    const auto text = caller.name + " invites you to join \"" + session.title +
                      "\" on Convene.\n\nJoin: " + link + "\nOr enter the code " + session.code +
                      " at " + base_url_ + "\n\nYou receive this because someone entered your "
                      "address in Convene.\n";
    const auto html = "<!doctype html><html><body><p>" + HtmlEscape(caller.name) +
                      " invites you to join &ldquo;" + HtmlEscape(session.title) +
                      "&rdquo; on Convene.</p><p><a href=\"" + HtmlEscape(link) +
                      "\">Join the session</a></p><p>Or enter the code <strong>" + session.code +
                      "</strong> at " + HtmlEscape(base_url_) + "</p></body></html>";
    for (const auto& address : result->sent) {
        storage::OutboxRepository::Enqueue(
            *db, NewEmail(random_, now, base_url_, address, subject, text, html, "invitation",
                          session.id));
    }
    tx.Commit();
    if (!result->sent.empty()) mail_queued_();
    return result;
}

Result<InvitationResult> InvitationService::InviteToEvent(
    const model::User& caller, const model::Event& event,
    const std::vector<std::string>& addresses) {
    auto result = Sort(caller, addresses);
    if (!result) return result;
    const auto now = clock_.Now();
    const auto link = base_url_ + "/e/" + event.slug;
    const auto subject = caller.name + " invites you to \"" + event.title + "\"";
    const auto text = caller.name + " invites you to \"" + event.title +
                      "\".\n\nChoose a date and register: " + link +
                      "\n\nYou receive this because someone entered your address in Convene.\n";
    const auto html = "<!doctype html><html><body><p>" + HtmlEscape(caller.name) +
                      " invites you to &ldquo;" + HtmlEscape(event.title) +
                      "&rdquo;.</p><p><a href=\"" + HtmlEscape(link) +
                      "\">Choose a date and register</a></p></body></html>";
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    for (const auto& address : result->sent) {
        storage::OutboxRepository::Enqueue(
            *db, NewEmail(random_, now, base_url_, address, subject, text, html,
                          "event_invitation", std::nullopt));
    }
    tx.Commit();
    if (!result->sent.empty()) mail_queued_();
    return result;
}

}  // namespace convene::domain

#include "convene/domain/facilitator_service.hpp"

#include "convene/domain/session_service.hpp"
#include "convene/domain/validation.hpp"
#include "convene/storage/session_repository.hpp"
#include "convene/storage/outbox_repository.hpp"
#include "convene/storage/sharing_repository.hpp"
#include "convene/storage/user_repository.hpp"

namespace convene::domain {
namespace {

using storage::SessionRepository;
using storage::OutboxRepository;
using storage::SharingRepository;

/// "Ann has made you a co-facilitator of “Title”" in text and HTML.
std::pair<std::string, std::string> Bodies(const std::string& first_line,
                                           const std::string& action, const std::string& link) {
    std::string text = first_line + "\n\n" + action + ":\n" + link +
                       "\n\nYou receive this because someone entered your address in Convene.\n";
    std::string html = "<!doctype html><html><body><p>" + HtmlEscape(first_line) +
                       "</p><p><a href=\"" + HtmlEscape(link) + "\">" + HtmlEscape(action) +
                       "</a></p><p style=\"color:#666\">You receive this because someone entered "
                       "your address in Convene.</p></body></html>";
    return {std::move(text), std::move(html)};
}

}  // namespace

std::string MailDomain(std::string_view base_url) {
    const auto scheme = base_url.find("://");
    auto host = base_url.substr(scheme == std::string_view::npos ? 0 : scheme + 3);
    host = host.substr(0, host.find('/'));
    // An IP address (v6 in brackets, or dotted v4) is no domain a mail server would accept.
    const bool ip = host.starts_with('[') ||
                    host.find_first_not_of("0123456789.:") == std::string_view::npos;
    host = host.substr(0, host.find(':'));
    if (host.empty() || ip) return "convene.invalid";
    if (host.find('.') == std::string_view::npos) return std::string(host) + ".invalid";
    return std::string(host);
}

std::string HtmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

model::OutboxMessage NewEmail(util::Random& random, util::Instant now, std::string_view base_url,
                              std::string recipient, std::string subject, std::string text,
                              std::string html, std::string kind,
                              std::optional<std::string> session_id) {
    auto id = random.Id();
    auto message_id = "<" + id + "@" + MailDomain(base_url) + ">";
    return model::OutboxMessage{
        .id = std::move(id),
        .message_id = std::move(message_id),
        .recipient = std::move(recipient),
        .subject = std::move(subject),
        .text_body = std::move(text),
        .html_body = std::move(html),
        .kind = std::move(kind),
        .session_id = std::move(session_id),
        .status = model::OutboxStatus::kQueued,
        .attempts = 0,
        .due_at = now,
        .created_at = now,
        .sent_at = std::nullopt,
        .last_error = std::nullopt,
    };
}

int ClaimInvitations(storage::Connection& db, const model::User& user, util::Instant now) {
    const auto invitations = SharingRepository::InvitationsForEmail(db, user.email);
    for (const auto& invitation : invitations) {
        SessionRepository::AddFacilitator(db, invitation.session_id, user.id, now);
    }
    SharingRepository::DeleteInvitationsForEmail(db, user.email);
    return static_cast<int>(invitations.size());
}

FacilitatorService::FacilitatorService(storage::Database& database, const util::Clock& clock,
                                       util::Random& random, SessionEvents& events,
                                       MailBudget& mail_budget)
    : database_(database),
      clock_(clock),
      random_(random),
      events_(events),
      mail_budget_(mail_budget) {}

Result<FacilitatorList> FacilitatorService::List(const model::User& caller,
                                                 std::string_view session_id) {
    auto db = database_.Acquire();
    if (auto found = FindSessionFor(*db, caller, session_id); !found) return found.error();
    return FacilitatorList{SharingRepository::ListFacilitators(*db, session_id),
                           SharingRepository::ListInvitations(*db, session_id)};
}

Result<FacilitatorAdded> FacilitatorService::Add(const model::User& owner,
                                                 std::string_view session_id,
                                                 std::string_view email_text) {
    const auto email = Trim(email_text);
    if (!IsValidEmail(email)) {
        return Invalid("invalid_email", "Enter a valid email address, like name@example.org.");
    }
    if (auto refused = mail_budget_.Take(owner, 1)) return *refused;
    const auto now = clock_.Now();
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindOwnedSession(*db, owner, session_id);
    if (!found) return found.error();
    const auto& session = found->session;
    const auto link = base_url_ + "/sessions/" + session.id;

    if (auto user = storage::UserRepository::FindByEmail(*db, email)) {
        if (user->id == owner.id) return Conflict("is_owner", "You own this session already.");
        if (SessionRepository::IsFacilitator(*db, session.id, user->id)) {
            return Conflict("already_facilitator", "This person co-facilitates already.");
        }
        SessionRepository::AddFacilitator(*db, session.id, user->id, now);
        auto [text, html] = Bodies(owner.name + " made you a co-facilitator of \"" +
                                       session.title + "\".",
                                   "Open the session", link);
        OutboxRepository::Enqueue(
            *db, NewEmail(random_, now, base_url_, user->email,
                          "You co-facilitate \"" + session.title + "\"", std::move(text),
                          std::move(html), "facilitator_added", session.id));
        tx.Commit();
        mail_queued_();
        return FacilitatorAdded{model::Facilitator{user->id, user->email, user->name, now}};
    }

    for (const auto& pending : SharingRepository::ListInvitations(*db, session.id)) {
        if (AsciiLower(pending.email) == AsciiLower(email)) {
            return Conflict("already_invited", "This address has an invitation already.");
        }
    }
    model::FacilitatorInvitation invitation{random_.Id(), session.id, email, owner.id, now};
    SharingRepository::InsertInvitation(*db, invitation);
    auto [text, html] = Bodies(owner.name + " invited you to co-facilitate \"" + session.title +
                                   "\" on Convene. Create your account with this address to "
                                   "get access.",
                               "Create your account", base_url_ + "/signin#signup");
    OutboxRepository::Enqueue(
        *db, NewEmail(random_, now, base_url_, email,
                      "Invitation to co-facilitate \"" + session.title + "\"", std::move(text),
                      std::move(html), "facilitator_invited", session.id));
    tx.Commit();
    mail_queued_();
    return FacilitatorAdded{invitation};
}

Result<void> FacilitatorService::Remove(const model::User& owner, std::string_view session_id,
                                        std::string_view user_id) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindOwnedSession(*db, owner, session_id);
    if (!found) return found.error();
    if (!SharingRepository::RemoveFacilitator(*db, session_id, user_id)) {
        return NotFound("facilitator_not_found", "This person is not a co-facilitator here.");
    }
    tx.Commit();
    events_.AccessRevoked(session_id, user_id);
    return {};
}

Result<void> FacilitatorService::Revoke(const model::User& owner, std::string_view session_id,
                                        std::string_view invitation_id) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindOwnedSession(*db, owner, session_id);
    if (!found) return found.error();
    if (!SharingRepository::DeleteInvitation(*db, session_id, invitation_id)) {
        return NotFound("invitation_not_found", "No such invitation.");
    }
    tx.Commit();
    return {};
}

}  // namespace convene::domain

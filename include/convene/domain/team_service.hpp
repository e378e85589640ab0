#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "convene/domain/account_service.hpp"
#include "convene/domain/error.hpp"
#include "convene/domain/event_service.hpp"
#include "convene/domain/mail_budget.hpp"
#include "convene/model/event.hpp"
#include "convene/model/user.hpp"
#include "convene/storage/database.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"

namespace convene::domain {

/// Where a speaker's link leads.
struct SpeakerEntry {
    std::string room_id;
    /// A sign-in for the account made for the speaker; nullopt when the address belongs to
    /// an account with its own password (its owner signs in as usual: the link never signs
    /// anyone into such an account).
    std::optional<SignedIn> signed_in;
};

/// Who runs an event's sessions: team members (accounts) on the event, adjusted per session,
/// and external speakers on one session. Both are co-facilitators of their sessions' rooms,
/// kept in step with every change here. Only the event's managers call it, except
/// EnterAsSpeaker (the speaker's personal link). Thread-safe.
class TeamService {
public:
    /// Each email to a new team member or speaker is taken from the caller's `mail_budget`.
    TeamService(storage::Database& database, const util::Clock& clock, util::Random& random,
                EventService& events, AccountService& accounts, MailBudget& mail_budget);
    void SetMailQueued(std::function<void()> mail_queued) { mail_queued_ = std::move(mail_queued); }

    Result<std::vector<model::TeamMember>> ListTeam(const model::User& caller,
                                                    std::string_view event_id);
    /// Adds the account with `email` to the event and every session's room. 404
    /// user_not_found (they need an account); 409 already_in_team.
    Result<model::TeamMember> AddTeamMember(const model::User& caller, std::string_view event_id,
                                            std::string_view email);
    /// 404 team_member_not_found.
    Result<void> RemoveTeamMember(const model::User& caller, std::string_view event_id,
                                  std::string_view user_id);

    Result<model::SessionTeam> SessionTeam(const model::User& caller, std::string_view event_id,
                                           std::string_view session_id);
    /// Adds the account with `email` to this session only (or back, after leaving it out).
    Result<model::SessionTeam> IncludeInSession(const model::User& caller,
                                                std::string_view event_id,
                                                std::string_view session_id,
                                                std::string_view email);
    /// Leaves a team member out of this session only.
    Result<model::SessionTeam> ExcludeFromSession(const model::User& caller,
                                                  std::string_view event_id,
                                                  std::string_view session_id,
                                                  std::string_view user_id);

    /// An external speaker on one session: they get an email with their personal link
    /// (`<base-url>/s/<token>`). 409 already_speaker; 422 invalid_name / invalid_email.
    Result<model::Speaker> AddSpeaker(const model::User& caller, std::string_view event_id,
                                      std::string_view session_id, std::string_view name,
                                      std::string_view email);
    Result<void> RemoveSpeaker(const model::User& caller, std::string_view event_id,
                               std::string_view session_id, std::string_view speaker_id);
    /// Follows a speaker's link: the session's room, with the speaker as co-facilitator (an
    /// account is made for an address that has none). 404 link_not_found; 409
    /// session_cancelled.
    Result<SpeakerEntry> EnterAsSpeaker(const std::string& token);
    /// True when `token` is a speaker's link to a cancelled session.
    bool IsCancelledSpeakerLink(const std::string& token);

private:
    /// Brings the room's co-facilitators in step (when it has a room) and tells live clients.
    template <typename Change>
    Result<model::SessionTeam> ChangeSession(const model::User& caller, std::string_view event_id,
                                             std::string_view session_id, Change change);
    void SyncRooms(storage::Connection& db, const model::Event& event,
                   std::vector<std::pair<std::string, std::string>>& revoked);

    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
    EventService& events_;
    AccountService& accounts_;
    MailBudget& mail_budget_;
    std::function<void()> mail_queued_ = [] {};
};

}  // namespace convene::domain

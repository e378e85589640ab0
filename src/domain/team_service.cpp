#include "convene/domain/team_service.hpp"

#include "convene/domain/facilitator_service.hpp"
#include "convene/domain/validation.hpp"
#include "convene/storage/event_repository.hpp"
#include "convene/storage/outbox_repository.hpp"
#include "convene/storage/team_repository.hpp"
#include "convene/storage/user_repository.hpp"
#include "convene/util/hash.hpp"

namespace convene::domain {
namespace {

using storage::EventRepository;
using storage::TeamRepository;

constexpr std::string_view kSpeakerPrefix = "stk_";

AppError UserNotFound() {
    return NotFound("user_not_found",
                    "No account has this address: ask them to create one first.");
}

}  // namespace

TeamService::TeamService(storage::Database& database, const util::Clock& clock,
                         util::Random& random, EventService& events, AccountService& accounts,
                         MailBudget& mail_budget)
    : database_(database),
      clock_(clock),
      random_(random),
      events_(events),
      accounts_(accounts),
      mail_budget_(mail_budget) {}

Result<std::vector<model::TeamMember>> TeamService::ListTeam(const model::User& caller,
                                                            std::string_view event_id) {
    auto db = database_.Acquire();
    auto found = events_.FindManaged(*db, caller, event_id);
    if (!found) return found.error();
    return TeamRepository::ListMembers(*db, event_id);
}

void TeamService::SyncRooms(storage::Connection& db, const model::Event& event,
                            std::vector<std::pair<std::string, std::string>>& revoked) {
    for (const auto& session : EventRepository::ListSessions(db, event.id)) {
        for (auto& user : events_.SyncRoomTeam(db, event, session)) {
            revoked.emplace_back(*session.room_id, std::move(user));
        }
    }
}

Result<model::TeamMember> TeamService::AddTeamMember(const model::User& caller,
                                                     std::string_view event_id,
                                                     std::string_view email) {
    if (auto refused = mail_budget_.Take(caller, 1)) return *refused;
    std::vector<std::pair<std::string, std::string>> revoked;
    model::TeamMember member;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = events_.FindManaged(*db, caller, event_id);
        if (!found) return found.error();
        auto user = storage::UserRepository::FindByEmail(*db, Trim(email));
        if (!user) return UserNotFound();
        try {
            TeamRepository::AddMember(*db, event_id, user->id, clock_.Now());
        } catch (const storage::StorageError& error) {
            if (error.Kind() != storage::StorageErrorKind::kUnique) throw;
            return Conflict("already_in_team", "They are in the team already.");
        }
        SyncRooms(*db, found->event, revoked);
        const auto link = events_.BaseUrl() + "/events/" + found->event.id;
        const auto subject = "You are on the team of \"" + found->event.title + "\"";
        const auto text = "Hello " + user->name + ",\n\n" + caller.name + " added you to the "
                          "team of \"" + found->event.title + "\": you run its sessions with "
                          "the facilitator's controls.\n\nThe event and its rooms: " + link +
                          "\n";
        const auto html = "<!doctype html><html><body><p>Hello " + HtmlEscape(user->name) +
                          ",</p><p>" + HtmlEscape(caller.name) + " added you to the team of "
                          "&ldquo;" + HtmlEscape(found->event.title) + "&rdquo;: you run its "
                          "sessions with the facilitator's controls.</p><p><a href=\"" +
                          HtmlEscape(link) + "\">The event and its rooms</a></p></body></html>";
        storage::OutboxRepository::Enqueue(
            *db, NewEmail(random_, clock_.Now(), events_.BaseUrl(), user->email, subject, text,
                          html, "team_added", std::nullopt));
        tx.Commit();
        member = {user->id, user->email, user->name};
    }
    for (const auto& [room, user] : revoked) events_.sessions().AccessRevoked(room, user);
    mail_queued_();
    return member;
}

Result<void> TeamService::RemoveTeamMember(const model::User& caller, std::string_view event_id,
                                           std::string_view user_id) {
    std::vector<std::pair<std::string, std::string>> revoked;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = events_.FindManaged(*db, caller, event_id);
        if (!found) return found.error();
        if (!TeamRepository::RemoveMember(*db, event_id, user_id)) {
            return NotFound("team_member_not_found", "They are not in this event's team.");
        }
        SyncRooms(*db, found->event, revoked);
        tx.Commit();
    }
    for (const auto& [room, user] : revoked) events_.sessions().AccessRevoked(room, user);
    return {};
}

Result<model::SessionTeam> TeamService::SessionTeam(const model::User& caller,
                                                    std::string_view event_id,
                                                    std::string_view session_id) {
    auto db = database_.Acquire();
    auto found = events_.FindManagedSession(*db, caller, event_id, session_id, false);
    if (!found) return found.error();
    return model::SessionTeam{TeamRepository::SessionMembers(*db, event_id, session_id),
                              TeamRepository::ListSpeakers(*db, session_id)};
}

template <typename Change>
Result<model::SessionTeam> TeamService::ChangeSession(const model::User& caller,
                                                      std::string_view event_id,
                                                      std::string_view session_id,
                                                      Change change) {
    std::vector<std::string> revoked;
    std::optional<std::string> room;
    model::SessionTeam team;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = events_.FindManagedSession(*db, caller, event_id, session_id, false);
        if (!found) return found.error();
        if (auto refused = change(*db, found->session)) return *refused;
        revoked = events_.SyncRoomTeam(*db, found->event, found->session);
        room = found->session.room_id;
        team = {TeamRepository::SessionMembers(*db, event_id, session_id),
                TeamRepository::ListSpeakers(*db, session_id)};
        tx.Commit();
    }
    for (const auto& user : revoked) events_.sessions().AccessRevoked(*room, user);
    return team;
}

Result<model::SessionTeam> TeamService::IncludeInSession(const model::User& caller,
                                                         std::string_view event_id,
                                                         std::string_view session_id,
                                                         std::string_view email) {
    return ChangeSession(caller, event_id, session_id,
                         [&](storage::Connection& db, const model::EventSession& session)
                             -> std::optional<AppError> {
                             auto user = storage::UserRepository::FindByEmail(db, Trim(email));
                             if (!user) return UserNotFound();
                             TeamRepository::Adjust(db, session.id, user->id, true);
                             return std::nullopt;
                         });
}

Result<model::SessionTeam> TeamService::ExcludeFromSession(const model::User& caller,
                                                           std::string_view event_id,
                                                           std::string_view session_id,
                                                           std::string_view user_id) {
    return ChangeSession(caller, event_id, session_id,
                         [&](storage::Connection& db, const model::EventSession& session)
                             -> std::optional<AppError> {
                             TeamRepository::Adjust(db, session.id, user_id, false);
                             return std::nullopt;
                         });
}

Result<model::Speaker> TeamService::AddSpeaker(const model::User& caller,
                                               std::string_view event_id,
                                               std::string_view session_id,
                                               std::string_view name, std::string_view email) {
    auto valid_name = SingleLine(name, 200);
    if (!valid_name) return Invalid("invalid_name", "Give a name of 1 to 200 characters.");
    const auto address = Trim(email);
    if (!IsValidEmail(address)) return Invalid("invalid_email", "Give a valid email address.");
    if (auto refused = mail_budget_.Take(caller, 1)) return *refused;
    const auto now = clock_.Now();
    model::Speaker speaker;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = events_.FindManagedSession(*db, caller, event_id, session_id, true);
        if (!found) return found.error();
        speaker = {random_.Id(), found->session.id, *valid_name, address, std::nullopt, now};
        const auto token = random_.Token(std::string(kSpeakerPrefix));
        try {
            TeamRepository::AddSpeaker(*db, speaker, util::Sha256Hex(token));
        } catch (const storage::StorageError& error) {
            if (error.Kind() != storage::StorageErrorKind::kUnique) throw;
            return Conflict("already_speaker", "This address speaks at this session already.");
        }
        const auto link = events_.BaseUrl() + "/s/" + token;
        const auto when = util::FormatForPeople(found->session.starts_at, found->session.timezone);
        const auto subject = "You speak at \"" + found->session.name + "\"";
        const auto text = "Hello " + speaker.name + ",\n\n" + caller.name + " added you as a "
                          "speaker of \"" + found->session.name + "\" (" + found->event.title +
                          ").\n\nWhen: " + when + "\nYour speaker link: " + link +
                          "\n\nIt opens the session's room with the facilitator's controls. "
                          "This link is yours: do not share it.\n";
        const auto html = "<!doctype html><html><body><p>Hello " + HtmlEscape(speaker.name) +
                          ",</p><p>" + HtmlEscape(caller.name) + " added you as a speaker of "
                          "&ldquo;" + HtmlEscape(found->session.name) + "&rdquo; (" +
                          HtmlEscape(found->event.title) + ").</p><p>When: " + HtmlEscape(when) +
                          "</p><p><a href=\"" + HtmlEscape(link) + "\">Your speaker link</a>"
                          "</p><p>This link is yours: do not share it.</p></body></html>";
        auto message = NewEmail(random_, now, events_.BaseUrl(), address, subject, text, html,
                                "speaker_added", std::nullopt);
        message.event_session_id = found->session.id;
        storage::OutboxRepository::Enqueue(*db, message);
        tx.Commit();
    }
    mail_queued_();
    return speaker;
}

Result<void> TeamService::RemoveSpeaker(const model::User& caller, std::string_view event_id,
                                        std::string_view session_id,
                                        std::string_view speaker_id) {
    auto removed = ChangeSession(caller, event_id, session_id,
                                 [&](storage::Connection& db, const model::EventSession& session)
                                     -> std::optional<AppError> {
                                     if (!TeamRepository::RemoveSpeaker(db, session.id,
                                                                        speaker_id)) {
                                         return NotFound("speaker_not_found",
                                                         "No such speaker at this session.");
                                     }
                                     return std::nullopt;
                                 });
    if (!removed) return removed.error();
    return {};
}

bool TeamService::IsCancelledSpeakerLink(const std::string& token) {
    auto db = database_.Acquire();
    auto speaker = TeamRepository::FindSpeakerByToken(*db, util::Sha256Hex(token));
    auto session = speaker ? EventRepository::FindSessionById(*db, speaker->event_session_id)
                           : std::nullopt;
    return session && session->status == model::EventSessionStatus::kCancelled;
}

Result<SpeakerEntry> TeamService::EnterAsSpeaker(const std::string& token) {
    const auto link_not_found = [] {
        return NotFound("link_not_found", "This link is not valid. Check the address in your email.");
    };
    if (!token.starts_with(kSpeakerPrefix)) return link_not_found();
    model::User user;
    model::Session room;
    bool created = false;
    std::vector<std::string> revoked;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto speaker = TeamRepository::FindSpeakerByToken(*db, util::Sha256Hex(token));
        if (!speaker) return link_not_found();
        auto session = EventRepository::FindSessionById(*db, speaker->event_session_id);
        auto event = session ? EventRepository::Find(*db, session->event_id, clock_.Now())
                             : std::nullopt;
        if (!event) return link_not_found();
        if (session->status == model::EventSessionStatus::kCancelled) {
            return Conflict("session_cancelled", "This session is cancelled.");
        }
        if (!session->room_id && session->HasEnded(clock_.Now())) {
            return Conflict("session_ended", "This session has ended.");
        }
        auto account = storage::UserRepository::FindByEmail(*db, speaker->email);
        if (!account) {
            account = accounts_.LinkAccount(speaker->email, speaker->name);
            storage::UserRepository::Insert(*db, *account);
        }
        TeamRepository::SetSpeakerUser(*db, speaker->id, account->id);
        room = events_.EnsureRoom(*db, event->event, *session, created);
        if (!created) revoked = events_.SyncRoomTeam(*db, event->event, *session);
        tx.Commit();
        user = *account;
    }
    if (created) events_.sessions().RoomChanged(room.id, std::nullopt);
    for (const auto& revoked_user : revoked) events_.sessions().AccessRevoked(room.id, revoked_user);
    return SpeakerEntry{room.id, accounts_.SignInByLink(user)};
}

}  // namespace convene::domain

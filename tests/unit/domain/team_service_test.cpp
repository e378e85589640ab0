#include "convene/domain/team_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "convene/storage/outbox_repository.hpp"
#include "convene/storage/sharing_repository.hpp"
#include "convene/util/time.hpp"
#include "service_fixture.hpp"

namespace convene::domain {
namespace {

class TeamServiceTest : public testing::ServiceFixture {
protected:
    TeamServiceTest()
        : organizer(NewUser("organizer@example.org")),
          tina(NewUser("tina@example.org")),
          theo(NewUser("theo@example.org")) {
        event = event_service.Create(organizer, "Weekly Demo", "")->event;
        dated = *event_service.AddSessions(
            organizer, event.id, {"2026-12-01T10:00", "Europe/Paris", 60, std::nullopt, 2});
    }

    /// The user ids of the room's co-facilitators.
    std::vector<std::string> RoomHosts(const std::string& room_id) {
        auto db = database.Acquire();
        std::vector<std::string> ids;
        for (const auto& f : storage::SharingRepository::ListFacilitators(*db, room_id)) {
            ids.push_back(f.user_id);
        }
        std::sort(ids.begin(), ids.end());
        return ids;
    }
    std::string RoomOf(std::size_t i) {
        return event_service.EnterRoom(organizer, event.id, dated[i].id)->id;
    }
    static std::vector<std::string> Sorted(std::vector<std::string> ids) {
        std::sort(ids.begin(), ids.end());
        return ids;
    }

    model::User organizer, tina, theo;
    model::Event event;
    std::vector<model::EventSession> dated;
};

TEST_P(TeamServiceTest, EveryEmailToATypedAddressComesFromOneHourlyBudgetPerUser) {
    // The world's budget is 300 an hour. Invitations take 297 of the organizer's...
    const auto session = sessions.Create(organizer, {.title = "Side room"})->session;
    std::vector<std::string> many;
    for (int i = 0; i < 297; ++i) many.push_back("guest" + std::to_string(i) + "@example.org");
    const std::vector<std::string> first(many.begin(), many.begin() + 200);  // 200 a request
    const std::vector<std::string> rest(many.begin() + 200, many.end());
    ASSERT_TRUE(invitations.Invite(organizer, session.id, first));
    ASSERT_TRUE(invitations.Invite(organizer, session.id, rest));
    // ...a co-facilitator, a speaker and a registrant the three others.
    ASSERT_TRUE(facilitators.Add(organizer, session.id, "co@example.org"));
    ASSERT_TRUE(team.AddSpeaker(organizer, event.id, dated[0].id, "Sam", "sam@example.org"));
    ASSERT_TRUE(registrations.RegisterByOrganizer(organizer, event.id,
                                                  {dated[0].id, "Al", "al@example.org", {}}));
    // Then every way of mailing someone is refused, and nothing is written or queued.
    const auto refused = {
        facilitators.Add(organizer, session.id, "co2@example.org").error(),
        team.AddSpeaker(organizer, event.id, dated[0].id, "Sue", "sue@example.org").error(),
        registrations.RegisterByOrganizer(organizer, event.id,
                                          {dated[0].id, "Bo", "bo@example.org", {}})
            .error(),
        invitations.Invite(organizer, session.id, {"late@example.org"}).error(),
    };
    for (const auto& error : refused) {
        EXPECT_EQ(error.code, "rate_limited");
        EXPECT_TRUE(error.retry_after);
    }
    EXPECT_EQ(facilitators.List(organizer, session.id)->pending.size(), 1u);
    // Another user has a budget of their own; the organizer's comes back with the hour.
    const auto own = sessions.Create(tina, {.title = "Tina's"})->session;
    EXPECT_TRUE(facilitators.Add(tina, own.id, "co2@example.org"));
    clock.Advance(std::chrono::hours{1});
    EXPECT_TRUE(facilitators.Add(organizer, session.id, "co2@example.org"));
}

TEST_P(TeamServiceTest, TheTeamModeratesEverySessionThenIsAdjustedPerSession) {
    const auto first_room = RoomOf(0);  // a room made before the team: brought in step
    ASSERT_TRUE(team.AddTeamMember(organizer, event.id, "Tina@Example.org"));
    ASSERT_TRUE(team.AddTeamMember(organizer, event.id, "theo@example.org"));
    EXPECT_EQ(team.AddTeamMember(organizer, event.id, "tina@example.org").error().code,
              "already_in_team");
    EXPECT_EQ(team.AddTeamMember(organizer, event.id, "nobody@example.org").error().code,
              "user_not_found");
    EXPECT_EQ(team.ListTeam(organizer, event.id)->size(), 2u);
    {
        // Each is told, with the event page where its rooms are.
        auto db = database.Acquire();
        const auto mails = storage::OutboxRepository::List(*db, std::nullopt, 10);
        ASSERT_EQ(mails.size(), 2u);
        EXPECT_EQ(mails[0].kind, "team_added");
        EXPECT_EQ(mails[0].recipient, "theo@example.org");
        EXPECT_NE(mails[0].text_body.find("http://convene.test/events/" + event.id),
                  std::string::npos);
    }
    EXPECT_EQ(RoomHosts(first_room), Sorted({tina.id, theo.id}));
    const auto second_room = RoomOf(1);  // a room made after: the team from the start
    EXPECT_EQ(RoomHosts(second_room), Sorted({tina.id, theo.id}));

    // Theo sits out the second session only, and loses the room at once.
    events.Clear();
    auto adjusted = team.ExcludeFromSession(organizer, event.id, dated[1].id, theo.id);
    ASSERT_TRUE(adjusted);
    ASSERT_EQ(adjusted->members.size(), 1u);
    EXPECT_EQ(adjusted->members[0].user_id, tina.id);
    EXPECT_EQ(RoomHosts(second_room), std::vector<std::string>{tina.id});
    EXPECT_EQ(RoomHosts(first_room), Sorted({tina.id, theo.id}));
    EXPECT_EQ(events.Revoked(), (std::vector<std::pair<std::string, std::string>>{
                                    {second_room, theo.id}}));
    // And comes back.
    ASSERT_TRUE(team.IncludeInSession(organizer, event.id, dated[1].id, "theo@example.org"));
    EXPECT_EQ(RoomHosts(second_room), Sorted({tina.id, theo.id}));

    // Leaving the event's team leaves every room.
    ASSERT_TRUE(team.RemoveTeamMember(organizer, event.id, tina.id));
    EXPECT_EQ(RoomHosts(first_room), std::vector<std::string>{theo.id});
    EXPECT_EQ(team.RemoveTeamMember(organizer, event.id, tina.id).error().code,
              "team_member_not_found");
}

TEST_P(TeamServiceTest, TeamMembersSeeTheEventAndEnterTheirRoomsButDoNotManageIt) {
    ASSERT_TRUE(team.AddTeamMember(organizer, event.id, "tina@example.org"));
    EXPECT_TRUE(event_service.Get(tina, event.id));
    EXPECT_EQ(event_service.List(tina).size(), 1u);
    EXPECT_TRUE(event_service.ListSessions(tina, event.id));
    auto room = event_service.EnterRoom(tina, event.id, dated[0].id);
    ASSERT_TRUE(room);
    EXPECT_EQ(sessions.Get(tina, room->id)->role, model::SessionRole::kFacilitator);
    // Managing stays with the owner and admins.
    EXPECT_EQ(event_service.Update(tina, event.id, {"Mine now", std::nullopt}).error().code,
              "event_not_found");
    EXPECT_EQ(event_service.CancelSession(tina, event.id, dated[0].id, true).error().code,
              "event_not_found");
    EXPECT_EQ(team.AddTeamMember(tina, event.id, "theo@example.org").error().code,
              "event_not_found");
    // Someone left out of a session cannot enter its room.
    ASSERT_TRUE(team.ExcludeFromSession(organizer, event.id, dated[1].id, tina.id));
    EXPECT_EQ(event_service.EnterRoom(tina, event.id, dated[1].id).error().code, "not_on_team");
    // Outsiders see nothing.
    EXPECT_EQ(event_service.Get(theo, event.id).error().code, "event_not_found");
    EXPECT_TRUE(event_service.List(theo).empty());
}

TEST_P(TeamServiceTest, ASpeakerGetsTheirLinkByEmailAndModeratesTheirSessionOnly) {
    auto speaker = team.AddSpeaker(organizer, event.id, dated[0].id, "Sam Speaker",
                                   "sam@example.org");
    ASSERT_TRUE(speaker);
    EXPECT_EQ(team.AddSpeaker(organizer, event.id, dated[0].id, "Sam", "SAM@example.org")
                  .error()
                  .code,
              "already_speaker");
    EXPECT_EQ(team.AddSpeaker(organizer, event.id, dated[0].id, "", "x@example.org").error().code,
              "invalid_name");
    std::string link;
    {
        auto db = database.Acquire();
        const auto mails = storage::OutboxRepository::List(*db, std::nullopt, 10);
        ASSERT_EQ(mails.size(), 1u);
        EXPECT_EQ(mails[0].recipient, "sam@example.org");
        EXPECT_EQ(mails[0].kind, "speaker_added");
        const auto at = mails[0].text_body.find("http://convene.test/s/stk_");
        ASSERT_NE(at, std::string::npos) << mails[0].text_body;
        link = mails[0].text_body.substr(at, mails[0].text_body.find('\n', at) - at);
    }
    const auto token = link.substr(link.rfind('/') + 1);
    EXPECT_EQ(team.EnterAsSpeaker("stk_nope").error().code, "link_not_found");

    // No account for that address: one is made, with no password, and the link signs in.
    auto entry = team.EnterAsSpeaker(token);
    ASSERT_TRUE(entry) << entry.error().code;
    ASSERT_TRUE(entry->signed_in);
    const auto sam = entry->signed_in->user;
    EXPECT_EQ(sam.email, "sam@example.org");
    EXPECT_EQ(sessions.Get(sam, entry->room_id)->role, model::SessionRole::kFacilitator);
    EXPECT_EQ(sessions.Get(sam, RoomOf(1)).error().code, "session_not_found");
    EXPECT_FALSE(accounts.Login({"sam@example.org", "", "192.0.2.1"}));
    EXPECT_EQ(team.SessionTeam(organizer, event.id, dated[0].id)->speakers.at(0).user_id, sam.id);
    // Again: the same account, the same room.
    auto again = team.EnterAsSpeaker(token);
    EXPECT_EQ(again->room_id, entry->room_id);
    EXPECT_EQ(again->signed_in->user.id, sam.id);

    // Removed: out of the room at once; the link leads nowhere.
    ASSERT_TRUE(team.RemoveSpeaker(organizer, event.id, dated[0].id, speaker->id));
    EXPECT_EQ(sessions.Get(sam, entry->room_id).error().code, "session_not_found");
    EXPECT_EQ(team.EnterAsSpeaker(token).error().code, "link_not_found");
}

TEST_P(TeamServiceTest, ASpeakerLinkNeverSignsIntoAnAccountThatHasAPassword) {
    ASSERT_TRUE(team.AddSpeaker(organizer, event.id, dated[0].id, "Tina", "tina@example.org"));
    std::string token;
    {
        auto db = database.Acquire();
        const auto text = storage::OutboxRepository::List(*db, std::nullopt, 1)[0].text_body;
        const auto at = text.find("/s/stk_");
        token = text.substr(at + 3, text.find('\n', at) - at - 3);
    }
    auto entry = team.EnterAsSpeaker(token);
    ASSERT_TRUE(entry);
    EXPECT_FALSE(entry->signed_in);  // Tina signs in with her password, as usual
    EXPECT_EQ(sessions.Get(tina, entry->room_id)->role, model::SessionRole::kFacilitator);
    // A cancelled session's link says so.
    ASSERT_TRUE(event_service.CancelSession(organizer, event.id, dated[0].id, true));
    EXPECT_EQ(team.EnterAsSpeaker(token).error().code, "session_cancelled");
    EXPECT_TRUE(team.IsCancelledSpeakerLink(token));
    EXPECT_FALSE(team.IsCancelledSpeakerLink("stk_nope"));
}

TEST_P(TeamServiceTest, AReplayShowsTheRoomsSlidesAndAttendanceToTheTeam) {
    const auto room = RoomOf(0);
    auto deck = slides.List(organizer, room);
    ASSERT_TRUE(deck);
    const auto join_slide = deck->slides.at(0).id;
    auto text = slides.Add(organizer, room, {model::SlideKind::kText, "Welcome", "", std::nullopt});
    ASSERT_TRUE(text);
    ASSERT_TRUE(slides.Activate(organizer, room, text->id));
    replays.RecordAttendance({{room, 3}, {"gone", 1}});
    clock.Advance(std::chrono::seconds{60});
    ASSERT_TRUE(slides.Activate(organizer, room, join_slide));
    replays.RecordAttendance({{room, 5}});
    clock.Advance(std::chrono::seconds{60});
    ASSERT_TRUE(slides.Remove(organizer, room, join_slide));
    replays.RecordAttendance({{room, 0}});

    auto replay = replays.Get(organizer, event.id, dated[0].id);
    ASSERT_TRUE(replay) << replay.error().code;
    ASSERT_TRUE(replay->room);
    EXPECT_EQ(replay->room->id, room);
    ASSERT_EQ(replay->slides.size(), 3u);
    EXPECT_EQ(replay->slides[0].title, "Welcome");
    EXPECT_EQ(replay->slides[1].slide_id, join_slide);
    EXPECT_FALSE(replay->slides[2].slide_id);  // back to no slide
    ASSERT_EQ(replay->attendance.size(), 3u);
    EXPECT_EQ(replay->attendance[1].participants, 5);
    EXPECT_EQ(replay->attendance[1].at - replay->attendance[0].at, std::chrono::seconds{60});
    EXPECT_EQ(replay->peak, 5);

    // A session without a room has an empty timeline; the team sees it, others do not.
    ASSERT_TRUE(team.AddTeamMember(organizer, event.id, "tina@example.org"));
    auto empty = replays.Get(tina, event.id, dated[1].id);
    ASSERT_TRUE(empty);
    EXPECT_FALSE(empty->room);
    EXPECT_TRUE(empty->slides.empty());
    ASSERT_TRUE(team.ExcludeFromSession(organizer, event.id, dated[1].id, tina.id));
    EXPECT_EQ(replays.Get(tina, event.id, dated[1].id).error().code, "not_on_team");
    EXPECT_EQ(replays.Get(theo, event.id, dated[0].id).error().code, "event_not_found");
    EXPECT_EQ(replay->session.status, model::EventSessionStatus::kScheduled);
    clock.Set(*util::ParseRfc3339("2026-12-01T10:00:00Z"));
    EXPECT_EQ(replays.Get(organizer, event.id, dated[0].id)->session.status,
              model::EventSessionStatus::kEnded);
    clock.Set(*util::ParseRfc3339("2026-12-08T10:00:00Z"));
    // An ended session that never had a room does not get one afterwards.
    EXPECT_EQ(event_service.EnterRoom(organizer, event.id, dated[1].id).error().code,
              "session_ended");
    EXPECT_EQ(event_service.EnterRoom(organizer, event.id, dated[0].id)->id, room);

    // The organizer attaches the recording; only http(s) addresses.
    EventSessionChange recording;
    recording.recording_url = "https://video.example.org/demo-1";
    EXPECT_EQ(event_service.UpdateSession(organizer, event.id, dated[0].id, recording)
                  ->recording_url,
              "https://video.example.org/demo-1");
    recording.recording_url = "javascript:alert(1)";
    EXPECT_EQ(event_service.UpdateSession(organizer, event.id, dated[0].id, recording)
                  .error()
                  .code,
              "invalid_recording_url");
    recording.recording_url = "";
    EXPECT_FALSE(event_service.UpdateSession(organizer, event.id, dated[0].id, recording)
                     ->recording_url);
    EXPECT_EQ(event_service.UpdateSession(tina, event.id, dated[0].id, recording).error().code,
              "event_not_found");
}

CONVENE_ON_BOTH_ENGINES(TeamServiceTest);

}  // namespace
}  // namespace convene::domain

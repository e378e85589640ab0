#include "convene/domain/registration_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "convene/storage/outbox_repository.hpp"
#include "convene/util/time.hpp"
#include "service_fixture.hpp"

namespace convene::domain {
namespace {

using namespace std::chrono_literals;

util::Instant At(const char* rfc3339) { return *util::ParseRfc3339(rfc3339); }

class RegistrationServiceTest : public testing::ServiceFixture {
protected:
    RegistrationServiceTest() : organizer(NewUser("organizer@example.org")) {
        event = event_service.Create(organizer, "Weekly Demo", "Come and see")->event;
        // Tuesday 1 December 2026, 10:00 in Paris = 09:00Z; and the week after.
        dated = *event_service.AddSessions(
            organizer, event.id, {"2026-12-01T10:00", "Europe/Paris", 60, std::nullopt, 2});
    }

    Registered Register(const std::string& email, const std::string& zone = "America/New_York",
                        std::size_t session = 0) {
        auto registered =
            registrations.Register(event.slug, {dated[session].id, "Vi Sitor", email, zone});
        EXPECT_TRUE(registered) << (registered ? "" : registered.error().code);
        return *registered;
    }

    model::Session Room(const std::string& id) { return sessions.Snapshot(id)->session; }

    static std::string TokenOf(const std::string& link) { return link.substr(link.rfind('/') + 1); }

    /// The outbox, oldest first.
    std::vector<model::OutboxMessage> Outbox() {
        auto db = database.Acquire();
        auto all = storage::OutboxRepository::List(*db, std::nullopt, 1000);
        std::reverse(all.begin(), all.end());
        return all;
    }
    std::vector<model::OutboxMessage> Queued(const std::string& kind) {
        std::vector<model::OutboxMessage> out;
        for (auto& m : Outbox()) {
            if (m.kind == kind && m.status == model::OutboxStatus::kQueued) out.push_back(m);
        }
        return out;
    }
    std::vector<util::Instant> DueTimes(const std::string& kind) {
        std::vector<util::Instant> out;
        for (const auto& m : Queued(kind)) out.push_back(m.due_at);
        std::sort(out.begin(), out.end());
        return out;
    }

    model::User organizer;
    model::Event event;
    std::vector<model::EventSession> dated;
};

TEST_P(RegistrationServiceTest, RegisteringQueuesAConfirmationWithAnInvitationAndTwoReminders) {
    const auto registered = Register("vi@example.org");
    EXPECT_TRUE(registered.link.starts_with("http://convene.test/r/rtk_")) << registered.link;
    EXPECT_EQ(registered.registrant.registration.timezone, "America/New_York");

    const auto confirmations = Queued("registration_confirmed");
    ASSERT_EQ(confirmations.size(), 1u);
    const auto& confirmation = confirmations[0];
    EXPECT_EQ(confirmation.recipient, "vi@example.org");
    EXPECT_EQ(confirmation.due_at, clock.Now());
    EXPECT_EQ(confirmation.event_session_id, dated[0].id);
    // 09:00Z is 04:00 in New York: the registrant's zone, not the event's.
    EXPECT_NE(confirmation.text_body.find(
                  "Tuesday 1 December 2026, 04:00 (America/New_York, UTC-05:00)"),
              std::string::npos)
        << confirmation.text_body;
    EXPECT_NE(confirmation.text_body.find(registered.link), std::string::npos);
    EXPECT_NE(confirmation.calendar.find("METHOD:REQUEST\r\n"), std::string::npos);
    EXPECT_NE(confirmation.calendar.find("SEQUENCE:0\r\n"), std::string::npos);
    EXPECT_NE(confirmation.calendar.find("DTSTART:20261201T090000Z\r\n"), std::string::npos);
    EXPECT_NE(confirmation.calendar.find(
                  "UID:" + registered.registrant.registration.id + "@convene.test\r\n"),
              std::string::npos);

    EXPECT_EQ(DueTimes("registration_reminder"),
              (std::vector{At("2026-11-30T09:00:00Z"), At("2026-12-01T08:00:00Z")}));
    for (const auto& reminder : Queued("registration_reminder")) {
        EXPECT_TRUE(reminder.calendar.empty());
        EXPECT_NE(reminder.text_body.find("04:00 (America/New_York"), std::string::npos);
        EXPECT_NE(reminder.text_body.find(registered.link), std::string::npos);
    }
}

TEST_P(RegistrationServiceTest, RemindersBecomeDueOnTheClock) {
    Register("vi@example.org");
    auto due = [&] {
        auto db = database.Acquire();
        std::vector<std::string> subjects;
        for (const auto& m : storage::OutboxRepository::ListDue(*db, clock.Now(), 100)) {
            if (m.kind == "registration_reminder") subjects.push_back(m.subject);
        }
        return subjects;
    };
    EXPECT_TRUE(due().empty());
    clock.Set(At("2026-11-30T08:59:59Z"));
    EXPECT_TRUE(due().empty());
    clock.Set(At("2026-11-30T09:00:00Z"));
    EXPECT_EQ(due(), std::vector<std::string>{"Tomorrow: Weekly Demo"});
    clock.Set(At("2026-12-01T08:00:00Z"));
    EXPECT_EQ(due().size(), 2u);
}

TEST_P(RegistrationServiceTest, ALateRegistrationOnlyGetsTheRemindersStillAhead) {
    clock.Set(At("2026-12-01T06:00:00Z"));  // three hours before
    Register("late@example.org");
    EXPECT_EQ(DueTimes("registration_reminder"), std::vector{At("2026-12-01T08:00:00Z")});
}

TEST_P(RegistrationServiceTest, OneRegistrationPerPersonPerSessionSeveralDatesAllowed) {
    Register("vi@example.org");
    auto again = registrations.Register(event.slug, {dated[0].id, "Vi", "VI@Example.org", {}});
    EXPECT_EQ(again.error().code, "already_registered");
    EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
    Register("vi@example.org", "Europe/Paris", 1);
    EXPECT_EQ(event_service.ListSessions(organizer, event.id)->at(0).registrant_count, 1);
    EXPECT_EQ(event_service.ListSessions(organizer, event.id)->at(1).registrant_count, 1);
}

TEST_P(RegistrationServiceTest, BadRegistrationsAreRefused) {
    auto code = [&](RegistrationRequest request, std::string slug = "weekly-demo") {
        auto result = registrations.Register(slug, request);
        return result ? std::string("ok") : result.error().code;
    };
    const auto& sid = dated[0].id;
    EXPECT_EQ(code({sid, "Vi", "vi@example.org", {}}, "nope"), "event_not_found");
    EXPECT_EQ(code({"nope", "Vi", "vi@example.org", {}}), "event_session_not_found");
    EXPECT_EQ(code({sid, "", "vi@example.org", {}}), "invalid_name");
    EXPECT_EQ(code({sid, "Vi", "not an address", {}}), "invalid_email");
    EXPECT_EQ(code({sid, "Vi", "vi@example.org", "Mars/Olympus"}), "invalid_timezone");
    clock.Set(At("2026-12-01T10:00:00Z"));  // the first session has ended
    EXPECT_EQ(code({sid, "Vi", "vi@example.org", {}}), "session_ended");
    EXPECT_TRUE(Outbox().empty());
}

TEST_P(RegistrationServiceTest, AMoveRescheduleRemindersAndSendsAnUpdatedInvitation) {
    const auto registered = Register("vi@example.org");
    auto moved = event_service.UpdateSession(organizer, event.id, dated[0].id,
                                             {"2026-12-02T15:30", std::nullopt, std::nullopt,
                                              std::nullopt});
    ASSERT_TRUE(moved);
    const auto updates = Queued("registration_moved");
    ASSERT_EQ(updates.size(), 1u);
    EXPECT_NE(updates[0].calendar.find("SEQUENCE:1\r\n"), std::string::npos);
    EXPECT_NE(updates[0].calendar.find("DTSTART:20261202T143000Z\r\n"), std::string::npos);
    EXPECT_NE(updates[0].calendar.find("UID:" + registered.registrant.registration.id + "@"),
              std::string::npos);
    EXPECT_NE(updates[0].text_body.find("Wednesday 2 December 2026, 09:30 (America/New_York"),
              std::string::npos)
        << updates[0].text_body;
    EXPECT_EQ(DueTimes("registration_reminder"),
              (std::vector{At("2026-12-01T14:30:00Z"), At("2026-12-02T13:30:00Z")}));
    // The update carries a new personal link; the first one still works.
    const auto at = updates[0].text_body.find("/r/rtk_");
    ASSERT_NE(at, std::string::npos);
    const auto new_token =
        updates[0].text_body.substr(at + 3, updates[0].text_body.find('\n', at) - at - 3);
    EXPECT_TRUE(registrations.Resolve(new_token));
    EXPECT_TRUE(registrations.Resolve(TokenOf(registered.link)));
    // A rename alone changes nobody's calendar time: no email.
    ASSERT_TRUE(event_service.UpdateSession(organizer, event.id, dated[0].id,
                                            {std::nullopt, std::nullopt, std::nullopt, "Demo"}));
    EXPECT_EQ(Queued("registration_moved").size(), 1u);
}

TEST_P(RegistrationServiceTest, WhenAZonesRulesChangeFutureSessionsKeepTheirWallTime) {
    Register("vi@example.org", "America/New_York", 1);
    // As if `starts_at` had been computed under older rules for Paris (an hour off): the wall
    // time 10:00 is the truth, so start-up puts the instant back where today's rules say.
    {
        auto db = database.Acquire();
        db->Execute("UPDATE event_sessions SET starts_at = starts_at + 3600");
        db->Execute("DELETE FROM outbox");
    }
    clock.Set(At("2026-12-01T12:00:00Z"));  // the first session is past: left alone
    EXPECT_EQ(event_service.RealignStarts(), 1);
    const auto listed = *event_service.ListSessions(organizer, event.id);
    EXPECT_EQ(listed[0].starts_at, At("2026-12-01T10:00:00Z"));
    EXPECT_EQ(listed[1].starts_at, At("2026-12-08T09:00:00Z"));
    EXPECT_EQ(listed[1].sequence, 1);
    const auto updates = Queued("registration_moved");
    ASSERT_EQ(updates.size(), 1u);
    EXPECT_NE(updates[0].calendar.find("DTSTART:20261208T090000Z\r\n"), std::string::npos);
    EXPECT_EQ(DueTimes("registration_reminder"),
              (std::vector{At("2026-12-07T09:00:00Z"), At("2026-12-08T08:00:00Z")}));
    EXPECT_EQ(event_service.RealignStarts(), 0);  // nothing left to move
}

TEST_P(RegistrationServiceTest, AddingOneMoreTakesAfterTheLatestSession) {
    ASSERT_TRUE(event_service.UpdateSession(organizer, event.id, dated[1].id,
                                            {std::nullopt, std::nullopt, 90, std::nullopt}));
    auto added = event_service.AddSessions(organizer, event.id, {});
    ASSERT_TRUE(added);
    ASSERT_EQ(added->size(), 1u);
    EXPECT_EQ(util::FormatLocalMinutes(added->at(0).start), "2026-12-15T10:00");
    EXPECT_EQ(added->at(0).timezone, "Europe/Paris");
    EXPECT_EQ(added->at(0).duration_minutes, 90);
}

TEST_P(RegistrationServiceTest, CancelStopsEveryEmailStillDueAndSendsACancellation) {
    const auto registered = Register("vi@example.org");
    Register("other@example.org", "Asia/Kolkata");
    auto cancelled = event_service.CancelSession(organizer, event.id, dated[0].id, true);
    ASSERT_TRUE(cancelled);
    EXPECT_EQ(cancelled->sequence, 1);
    EXPECT_TRUE(Queued("registration_reminder").empty());
    EXPECT_TRUE(Queued("registration_confirmed").empty());
    const auto notices = Queued("registration_cancelled");
    ASSERT_EQ(notices.size(), 2u);
    for (const auto& notice : notices) {
        EXPECT_NE(notice.calendar.find("METHOD:CANCEL\r\n"), std::string::npos);
        EXPECT_NE(notice.calendar.find("STATUS:CANCELLED\r\n"), std::string::npos);
        EXPECT_NE(notice.calendar.find("SEQUENCE:1\r\n"), std::string::npos);
    }
    // India has a half-hour offset: 09:00Z is 14:30 there.
    EXPECT_NE(notices[1].text_body.find("14:30 (Asia/Kolkata, UTC+05:30)"), std::string::npos)
        << notices[1].text_body;

    const auto link = registrations.Resolve(TokenOf(registered.link));
    ASSERT_TRUE(link);
    EXPECT_EQ(link->state, LinkState::kCancelled);
    EXPECT_EQ(registrations.Enter(TokenOf(registered.link), std::nullopt).error().code,
              "session_cancelled");
    EXPECT_EQ(registrations.Register(event.slug, {dated[0].id, "N", "n@example.org", {}})
                  .error()
                  .code,
              "session_cancelled");
    // Cancelling again changes nothing and sends nothing.
    EXPECT_TRUE(event_service.CancelSession(organizer, event.id, dated[0].id, true));
    EXPECT_EQ(Queued("registration_cancelled").size(), 2u);
}

TEST_P(RegistrationServiceTest, ASessionWithRegistrantsIsCancelledNotDeleted) {
    Register("vi@example.org");
    EXPECT_EQ(event_service.DeleteSession(organizer, event.id, dated[0].id, true).error().code,
              "has_registrants");
    EXPECT_TRUE(event_service.DeleteSession(organizer, event.id, dated[1].id, true));
}

TEST_P(RegistrationServiceTest, APersonalLinkCountsDownThenEntersTheRoomAsTheSamePerson) {
    const auto token = TokenOf(Register("vi@example.org").link);
    EXPECT_EQ(registrations.Resolve("rtk_unknown").error().code, "link_not_found");
    EXPECT_EQ(registrations.Resolve(token)->state, LinkState::kCountdown);
    EXPECT_EQ(registrations.Resolve(token)->opens_at, At("2026-12-01T08:45:00Z"));
    EXPECT_EQ(registrations.Enter(token, std::nullopt).error().code, "room_not_open");

    clock.Set(At("2026-12-01T08:45:00Z"));
    EXPECT_EQ(registrations.Resolve(token)->state, LinkState::kOpen);
    auto first = registrations.Enter(token, std::nullopt);
    ASSERT_TRUE(first) << first.error().code;
    EXPECT_EQ(first->session.kind, model::SessionKind::kEvent);
    EXPECT_EQ(first->session.ends_at, At("2026-12-01T10:30:00Z"));
    EXPECT_EQ(first->session.owner_id, organizer.id);
    auto again = registrations.Enter(token, first->participant_token);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->returning);
    EXPECT_EQ(again->participant.id, first->participant.id);
    EXPECT_EQ(again->session.id, first->session.id);
    EXPECT_EQ(event_service.ListSessions(organizer, event.id)->at(0).room_id, first->session.id);

    auto stats = registrations.Participants(organizer, event.id, std::nullopt);
    EXPECT_EQ(stats->attendance, 1);
    EXPECT_EQ(stats->registrants.at(0).registration.attended_at, At("2026-12-01T08:45:00Z"));

    clock.Set(At("2026-12-01T10:30:00Z"));
    EXPECT_EQ(registrations.Resolve(token)->state, LinkState::kEnded);
    EXPECT_EQ(registrations.Enter(token, first->participant_token).error().code, "session_closed");
}

TEST_P(RegistrationServiceTest, TheRoomFollowsItsSessionMovedThenClosedOnCancel) {
    auto room = event_service.EnterRoom(organizer, event.id, dated[0].id);
    ASSERT_TRUE(room);
    EXPECT_EQ(room->kind, model::SessionKind::kEvent);
    EXPECT_EQ(event_service.EnterRoom(organizer, event.id, dated[0].id)->id, room->id);
    const auto other = NewUser("other@example.org");
    EXPECT_EQ(event_service.EnterRoom(other, event.id, dated[0].id).error().code,
              "event_not_found");

    ASSERT_TRUE(event_service.UpdateSession(organizer, event.id, dated[0].id,
                                            {std::nullopt, std::nullopt, 90, std::nullopt}));
    EXPECT_EQ(Room(room->id).ends_at, At("2026-12-01T11:00:00Z"));
    events.Clear();
    ASSERT_TRUE(event_service.CancelSession(organizer, event.id, dated[0].id, true));
    EXPECT_EQ(Room(room->id).status, model::SessionStatus::kClosed);
    EXPECT_EQ(events.Events(), (std::vector<std::pair<std::string, SessionEvent>>{
                                   {room->id, SessionEvent::kClosed}}));
    EXPECT_EQ(event_service.EnterRoom(organizer, event.id, dated[0].id).error().code,
              "session_cancelled");
    EXPECT_TRUE(registrations.IsCancelledRoom(room->id));
}

TEST_P(RegistrationServiceTest, TheOrganizerRegistersAndRemovesPeopleByHand) {
    const auto other = NewUser("other@example.org");
    EXPECT_EQ(registrations
                  .RegisterByOrganizer(other, event.id, {dated[0].id, "Al", "al@example.org", {}})
                  .error()
                  .code,
              "event_not_found");
    auto added = registrations.RegisterByOrganizer(organizer, event.id,
                                                   {dated[0].id, "Al", "al@example.org", {}});
    ASSERT_TRUE(added);
    EXPECT_EQ(added->registrant.registration.source, model::RegistrationSource::kOrganizer);
    EXPECT_EQ(added->registrant.registration.timezone, "Europe/Paris");  // the session's
    EXPECT_EQ(Queued("registration_reminder").size(), 2u);

    const auto id = added->registrant.registration.id;
    EXPECT_EQ(registrations.Remove(other, event.id, id).error().code, "event_not_found");
    EXPECT_TRUE(registrations.Remove(organizer, event.id, id));
    EXPECT_TRUE(Queued("registration_reminder").empty());
    const auto removed = Queued("registration_removed");
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_NE(removed[0].calendar.find("METHOD:CANCEL\r\n"), std::string::npos);
    EXPECT_EQ(registrations.Remove(organizer, event.id, id).error().code, "registrant_not_found");
    EXPECT_FALSE(registrations.Resolve(TokenOf(added->link)));
}

TEST_P(RegistrationServiceTest, ParticipantsCountUniqueVisitorsRegistrationsAndAttendance) {
    EXPECT_TRUE(registrations.PublicView(event.slug, "visitor-1"));
    EXPECT_TRUE(registrations.PublicView(event.slug, "visitor-1"));
    EXPECT_TRUE(registrations.PublicView(event.slug, "visitor-2"));
    EXPECT_TRUE(registrations.PublicView(event.slug, std::nullopt));
    EXPECT_EQ(registrations.PublicView("nope", std::nullopt).error().code, "event_not_found");
    Register("a@example.org");
    Register("b@example.org", "Europe/Paris", 1);

    auto all = registrations.Participants(organizer, event.id, std::nullopt);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->visits, 2);
    EXPECT_EQ(all->registrations, 2);
    EXPECT_EQ(all->attendance, 0);
    auto second = registrations.Participants(organizer, event.id, dated[1].id);
    ASSERT_EQ(second->registrants.size(), 1u);
    EXPECT_EQ(second->registrants[0].registration.email, "b@example.org");
    EXPECT_EQ(registrations.Participants(organizer, event.id, "nope").error().code,
              "event_session_not_found");

    // The public page lists what is still ahead, the next first.
    clock.Set(At("2026-12-01T10:00:00Z"));
    auto view = registrations.PublicView(event.slug, std::nullopt);
    ASSERT_EQ(view->sessions.size(), 1u);
    EXPECT_EQ(view->sessions[0].id, dated[1].id);
}

CONVENE_ON_BOTH_ENGINES(RegistrationServiceTest);

}  // namespace
}  // namespace convene::domain

#include "convene/domain/event_service.hpp"

#include <gtest/gtest.h>

#include "convene/util/time.hpp"
#include "service_fixture.hpp"

namespace convene::domain {
namespace {

class EventServiceTest : public testing::ServiceFixture {
protected:
    EventServiceTest() : admin(NewUser("admin@example.org")), member(NewUser("member@example.org")) {}

    model::EventSummary NewEvent(const model::User& owner, const std::string& title = "Weekly") {
        auto created = event_service.Create(owner, title, "About it");
        EXPECT_TRUE(created) << (created ? "" : created.error().code);
        return *created;
    }

    static std::vector<std::string> Instants(const std::vector<model::EventSession>& sessions) {
        std::vector<std::string> out;
        for (const auto& s : sessions) out.push_back(util::FormatRfc3339(s.starts_at));
        return out;
    }

    model::User admin;  // the first account
    model::User member;
};

TEST_P(EventServiceTest, SlugsComeFromTheTitleAndAreUnique) {
    EXPECT_EQ(SlugOf("Team Café: Weekly Sync!"), "team-caf-weekly-sync");
    EXPECT_EQ(SlugOf("¡¿!"), "event");
    EXPECT_EQ(SlugOf(std::string(100, 'a')).size(), 60u);
    EXPECT_EQ(NewEvent(member, "Weekly Sync").event.slug, "weekly-sync");
    EXPECT_EQ(NewEvent(member, "weekly sync").event.slug, "weekly-sync-2");
    EXPECT_EQ(NewEvent(admin, "Weekly  sync!").event.slug, "weekly-sync-3");
}

TEST_P(EventServiceTest, OwnersAndAdminsManageAnEventOthersDoNotSeeIt) {
    const auto mine = NewEvent(member).event;
    const auto other = NewUser("other@example.org");
    EXPECT_EQ(event_service.Get(other, mine.id).error().code, "event_not_found");
    EXPECT_EQ(event_service.Update(other, mine.id, {"Hijack", std::nullopt}).error().code,
              "event_not_found");
    EXPECT_EQ(event_service.Delete(other, mine.id).error().code, "event_not_found");
    EXPECT_TRUE(event_service.List(other).empty());
    EXPECT_EQ(event_service.List(member).size(), 1u);
    EXPECT_TRUE(event_service.Get(admin, mine.id));  // an admin sees every event
    NewEvent(admin);
    EXPECT_EQ(event_service.List(admin).size(), 2u);
    EXPECT_EQ(event_service.Update(admin, mine.id, {"Renamed", ""})->event.title, "Renamed");
    EXPECT_TRUE(event_service.Delete(member, mine.id));
    EXPECT_EQ(event_service.Get(member, mine.id).error().code, "event_not_found");
}

TEST_P(EventServiceTest, FieldsAreValidated) {
    EXPECT_EQ(event_service.Create(member, "", "").error().code, "invalid_title");
    EXPECT_EQ(event_service.Create(member, "two\nlines", "").error().code, "invalid_title");
    EXPECT_EQ(event_service.Create(member, "Ok", std::string(5001, 'd')).error().code,
              "invalid_description");
    const auto id = NewEvent(member).event.id;
    auto add = [&](NewEventSessions request) {
        auto added = event_service.AddSessions(member, id, request);
        return added ? std::string("ok") : added.error().code;
    };
    EXPECT_EQ(add({}), "invalid_timezone");  // the first session needs a zone and a start
    EXPECT_EQ(add({.timezone = "Europe/Paris"}), "invalid_start");
    EXPECT_EQ(add({.start = "2027-01-01T10:00", .timezone = "Mars/Olympus"}), "invalid_timezone");
    EXPECT_EQ(add({.start = "next friday", .timezone = "Europe/Paris"}), "invalid_start");
    EXPECT_EQ(add({.start = "2027-01-01T10:00", .timezone = "UTC", .duration_minutes = 0}),
              "invalid_duration_minutes");
    EXPECT_EQ(add({.start = "2027-01-01T10:00", .timezone = "UTC", .count = 53}), "invalid_count");
    EXPECT_EQ(add({.start = "2027-01-01T10:00", .timezone = "UTC", .name = " "}), "invalid_name");
    EXPECT_TRUE(event_service.ListSessions(member, id)->empty());  // nothing half-made
}

TEST_P(EventServiceTest, WeeklySessionsKeepTheirWallTimeAcrossDst) {
    const auto id = NewEvent(member, "Standup").event.id;
    // Paris moves to summer time on Sunday 28 March 2027.
    auto added = event_service.AddSessions(member, id, {.start = "2027-03-14T10:00",
                                                 .timezone = "Europe/Paris", .count = 3});
    ASSERT_TRUE(added);
    EXPECT_EQ(Instants(*added), (std::vector<std::string>{"2027-03-14T09:00:00Z",
                                                          "2027-03-21T09:00:00Z",
                                                          "2027-03-28T08:00:00Z"}));
    for (const auto& s : *added) {
        EXPECT_EQ(util::FormatLocalMinutes(s.start).substr(10), "T10:00");
        EXPECT_EQ(s.name, "Standup");
        EXPECT_EQ(s.duration_minutes, 60);
        EXPECT_EQ(s.status, model::EventSessionStatus::kScheduled);
    }
    // Without a start: one week after the latest, same wall time, same zone.
    auto next = event_service.AddSessions(member, id, {.name = "Retro"});
    ASSERT_TRUE(next);
    ASSERT_EQ(next->size(), 1u);
    EXPECT_EQ(util::FormatLocalMinutes((*next)[0].start), "2027-04-04T10:00");
    EXPECT_EQ(util::FormatRfc3339((*next)[0].starts_at), "2027-04-04T08:00:00Z");
    EXPECT_EQ((*next)[0].timezone, "Europe/Paris");
    EXPECT_EQ((*next)[0].name, "Retro");

    const auto summary = *event_service.Get(member, id);
    EXPECT_EQ(summary.session_count, 4);
    EXPECT_EQ(util::FormatRfc3339(*summary.next_session_at), "2027-03-14T09:00:00Z");
    EXPECT_EQ(event_service.ListSessions(member, id)->size(), 4u);
}

TEST_P(EventServiceTest, WeeklySeriesAcrossEveryChangeOfBothSidesOfTheAtlantic) {
    const auto id = NewEvent(member, "Series").event.id;
    auto series = [&](const char* start, const char* zone, int count) {
        auto added = event_service.AddSessions(member, id,
                                               {.start = start, .timezone = zone, .count = count});
        EXPECT_TRUE(added) << zone;
        return added ? Instants(*added) : std::vector<std::string>{};
    };
    // Paris leaves summer time on Sunday 25 October 2026.
    EXPECT_EQ(series("2026-10-18T18:00", "Europe/Paris", 2),
              (std::vector<std::string>{"2026-10-18T16:00:00Z", "2026-10-25T17:00:00Z"}));
    // New York leaves daylight time on 1 November 2026 and goes back on 14 March 2027.
    EXPECT_EQ(series("2026-10-27T09:00", "America/New_York", 2),
              (std::vector<std::string>{"2026-10-27T13:00:00Z", "2026-11-03T14:00:00Z"}));
    EXPECT_EQ(series("2027-03-09T09:00", "America/New_York", 2),
              (std::vector<std::string>{"2027-03-09T14:00:00Z", "2027-03-16T13:00:00Z"}));
    // Between the two changes of March the gap between Paris and New York is 5 hours, not 6.
    EXPECT_EQ(series("2027-03-21T10:00", "Europe/Paris", 1),
              std::vector<std::string>{"2027-03-21T09:00:00Z"});
    // A zone with a half-hour offset, and one with a quarter-hour offset.
    EXPECT_EQ(series("2027-01-05T19:00", "Asia/Kolkata", 1),
              std::vector<std::string>{"2027-01-05T13:30:00Z"});
    EXPECT_EQ(series("2027-01-05T19:00", "Asia/Kathmandu", 1),
              std::vector<std::string>{"2027-01-05T13:15:00Z"});
    // Dates that do not exist are refused, not rolled over.
    for (const char* bad : {"2027-02-29T10:00", "2026-04-31T10:00", "2026-13-01T10:00",
                            "2026-12-01T24:00", "2026-12-01T10:60", "2026-12-01 10:00"}) {
        auto refused = event_service.AddSessions(member, id,
                                                 {.start = bad, .timezone = "Europe/Paris"});
        ASSERT_FALSE(refused) << bad;
        EXPECT_EQ(refused.error().code, "invalid_start") << bad;
    }
}

TEST_P(EventServiceTest, DstGapsMoveForwardAndOverlapsTakeTheFirstInstant) {
    const auto id = NewEvent(member).event.id;
    auto gap = event_service.AddSessions(member, id, {.start = "2027-03-28T02:30",
                                               .timezone = "Europe/Paris"});
    ASSERT_TRUE(gap);
    EXPECT_EQ(util::FormatRfc3339((*gap)[0].starts_at), "2027-03-28T01:30:00Z");  // 03:30 CEST
    auto overlap = event_service.AddSessions(member, id, {.start = "2027-10-31T02:30",
                                                   .timezone = "Europe/Paris"});
    ASSERT_TRUE(overlap);
    EXPECT_EQ(util::FormatRfc3339((*overlap)[0].starts_at), "2027-10-31T00:30:00Z");  // CEST
}

TEST_P(EventServiceTest, PastSessionsReadAsEnded) {
    const auto id = NewEvent(member).event.id;
    const auto start = clock.Now() + std::chrono::hours{1};
    auto added = event_service.AddSessions(
        member, id, {.start = util::FormatRfc3339(start).substr(0, 16), .timezone = "UTC",
                     .duration_minutes = 30});
    ASSERT_TRUE(added);
    EXPECT_EQ((*added)[0].status, model::EventSessionStatus::kScheduled);
    clock.Advance(std::chrono::minutes{91});
    EXPECT_EQ(event_service.ListSessions(member, id)->at(0).status, model::EventSessionStatus::kEnded);
    EXPECT_FALSE(event_service.Get(member, id)->next_session_at);
}

CONVENE_ON_BOTH_ENGINES(EventServiceTest);

}  // namespace
}  // namespace convene::domain

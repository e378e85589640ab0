#include "convene/domain/session_service.hpp"

#include <gtest/gtest.h>

#include <set>

#include "service_fixture.hpp"

namespace convene::domain {
namespace {

using namespace std::chrono_literals;
using model::SessionKind;
using model::SessionRole;
using model::SessionStatus;

class SessionServiceTest : public testing::ServiceFixture {
protected:
    SessionServiceTest() : owner(NewUser("owner@example.org")), other(NewUser("x@example.org")) {}

    model::Session Create(const std::string& title = "Weekly sync", NewSession request = {}) {
        request.title = title;
        auto created = sessions.Create(owner, request);
        EXPECT_TRUE(created) << (created ? "" : created.error().code);
        return created->session;
    }

    std::string ErrorCode(const auto& result) { return result ? "" : result.error().code; }

    model::User owner;
    model::User other;
};

TEST_P(SessionServiceTest, CreateOpensAStandardSessionForTheOwnersDefaultDuration) {
    const auto session = Create();
    EXPECT_EQ(session.status, SessionStatus::kOpen);
    EXPECT_EQ(session.kind, SessionKind::kStandard);
    EXPECT_EQ(session.ends_at, clock.Now() + std::chrono::days{20});
    EXPECT_EQ(session.code.size(), 6u);
    EXPECT_EQ(session.code.find_first_not_of("0123456789"), std::string::npos);
    EXPECT_GE(session.link_token.size(), 22u);  // at least 128 bits in base64url
    EXPECT_GE(end_date_changes, 1);

    accounts.UpdateProfile(owner.id, {std::nullopt, 45});
    owner = *accounts.GetUser(owner.id);
    EXPECT_EQ(Create().ends_at, clock.Now() + std::chrono::days{45});
}

TEST_P(SessionServiceTest, CreateTakesADurationOrAnEndDate) {
    EXPECT_EQ(Create("a", {.duration_days = 3}).ends_at, clock.Now() + std::chrono::days{3});
    const auto at = clock.Now() + 90min;
    EXPECT_EQ(Create("b", {.ends_at = at}).ends_at, at);
}

TEST_P(SessionServiceTest, MainSessionsHaveNoEndDate) {
    const auto main = Create("Main room", {.kind = SessionKind::kMain});
    EXPECT_EQ(main.kind, SessionKind::kMain);
    EXPECT_FALSE(main.ends_at);
    EXPECT_EQ(ErrorCode(sessions.Create(owner, {.title = "m", .kind = SessionKind::kMain,
                                                .duration_days = 2})),
              "invalid_ends_at");
    EXPECT_EQ(ErrorCode(sessions.Update(owner, main.id, {.ends_at = clock.Now() + 1h})),
              "invalid_ends_at");
}

TEST_P(SessionServiceTest, CreateRefusesBadInput) {
    EXPECT_EQ(ErrorCode(sessions.Create(owner, {.title = ""})), "invalid_title");
    EXPECT_EQ(ErrorCode(sessions.Create(owner, {.title = std::string(201, 't')})), "invalid_title");
    EXPECT_EQ(ErrorCode(sessions.Create(owner, {.title = "a\nb"})), "invalid_title");
    EXPECT_EQ(ErrorCode(sessions.Create(owner, {.title = "t", .duration_days = 0})),
              "invalid_duration_days");
    EXPECT_EQ(ErrorCode(sessions.Create(owner, {.title = "t", .duration_days = 366})),
              "invalid_duration_days");
    EXPECT_EQ(ErrorCode(sessions.Create(owner, {.title = "t", .ends_at = clock.Now()})),
              "invalid_ends_at");
    EXPECT_EQ(ErrorCode(sessions.Create(owner, {.title = "t", .duration_days = 2,
                                                .ends_at = clock.Now() + 1h})),
              "invalid_ends_at");
    EXPECT_TRUE(sessions.List(owner, {}).empty());
}

TEST_P(SessionServiceTest, CodesAreDistinct) {
    std::set<std::string> codes;
    for (int i = 0; i < 200; ++i) codes.insert(Create("s" + std::to_string(i)).code);
    EXPECT_EQ(codes.size(), 200u);
}

TEST_P(SessionServiceTest, StrangersSeeNothingCoFacilitatorsSeeAndCoHost) {
    const auto session = Create();
    EXPECT_EQ(ErrorCode(sessions.Get(other, session.id)), "session_not_found");
    EXPECT_EQ(sessions.Get(other, session.id).error().kind, ErrorKind::kNotFound);
    EXPECT_EQ(ErrorCode(sessions.Close(other, session.id)), "session_not_found");
    EXPECT_TRUE(sessions.List(other, {}).empty());

    AddFacilitator(session.id, other);
    auto seen = sessions.Get(other, session.id);
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->role, SessionRole::kFacilitator);
    EXPECT_EQ(sessions.Update(other, session.id, {.title = "Renamed"})->session.title, "Renamed");
    for (auto result : {sessions.Close(other, session.id),
                        sessions.Open(other, session.id, std::nullopt),
                        sessions.RegenerateCode(other, session.id),
                        sessions.Update(other, session.id, {.duration_days = 3})}) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().kind, ErrorKind::kForbidden);
        EXPECT_EQ(result.error().code, "owner_only");
    }
    EXPECT_EQ(sessions.Trash(other, session.id).error().code, "owner_only");
    EXPECT_EQ(sessions.Audit(other, session.id).error().code, "owner_only");
}

TEST_P(SessionServiceTest, ListFiltersByStatusAndRole) {
    const auto mine_open = Create("mine open");
    const auto mine_closed = Create("mine closed");
    sessions.Close(owner, mine_closed.id);
    auto theirs = sessions.Create(other, {.title = "theirs"});
    AddFacilitator(theirs->session.id, owner);

    EXPECT_EQ(sessions.List(owner, {}).size(), 3u);
    auto open = sessions.List(owner, {.status = SessionStatus::kOpen});
    EXPECT_EQ(open.size(), 2u);
    auto closed = sessions.List(owner, {.status = SessionStatus::kClosed});
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].session.id, mine_closed.id);
    auto cohosted = sessions.List(owner, {.role = SessionRole::kFacilitator});
    ASSERT_EQ(cohosted.size(), 1u);
    EXPECT_EQ(cohosted[0].session.id, theirs->session.id);
    EXPECT_EQ(sessions.List(owner, {.status = SessionStatus::kOpen, .role = SessionRole::kOwner})
                  .size(),
              1u);
}

TEST_P(SessionServiceTest, CloseAndOpenRecordWhyAndWhen) {
    const auto session = Create();
    clock.Advance(1h);
    auto closed = sessions.Close(owner, session.id);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->session.status, SessionStatus::kClosed);
    EXPECT_EQ(closed->session.closed_at, clock.Now());
    EXPECT_EQ(closed->session.close_reason, model::CloseReason::kOwner);

    auto opened = sessions.Open(owner, session.id, std::nullopt);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->session.status, SessionStatus::kOpen);
    EXPECT_FALSE(opened->session.closed_at);
    EXPECT_EQ(opened->session.ends_at, session.ends_at);  // not expired: kept
}

// Codes are unique among open sessions only: a server keeping many closed sessions does not run
// out of the million codes. Joining finds the open holder of a code, else the one closed last.
TEST_P(SessionServiceTest, AClosedSessionsCodeMayBeReusedAndReopeningDrawsANewOne) {
    const auto first = Create("first");
    ASSERT_TRUE(sessions.Close(owner, first.id));
    const auto second = Create("second");
    {
        // Drawn at random, as on a crowded server: the second one gets the first one's code.
        auto db = database.Acquire();
        db->Prepare("UPDATE sessions SET code = ? WHERE id = ?").BindAll(first.code, second.id).Run();
    }
    auto joined = joins.Join({.code = first.code, .client = "10.0.0.1"});
    ASSERT_TRUE(joined);
    EXPECT_EQ(joined->session.id, second.id);

    auto reopened = sessions.Open(owner, first.id, std::nullopt);
    ASSERT_TRUE(reopened);
    EXPECT_NE(reopened->session.code, first.code);  // its code is the second one's now
    EXPECT_EQ(reopened->session.link_token, first.link_token);
    EXPECT_EQ(joins.Join({.code = reopened->session.code, .client = "10.0.0.1"})->session.id,
              first.id);

    ASSERT_TRUE(sessions.Close(owner, second.id));
    EXPECT_EQ(ErrorCode(joins.Join({.code = first.code, .client = "10.0.0.1"})), "session_closed");
}

TEST_P(SessionServiceTest, ReopeningAnExpiredSessionGivesItANewEndDate) {
    const auto session = Create("s", {.duration_days = 1});
    clock.Advance(std::chrono::days{2});
    ASSERT_EQ(sessions.CloseExpired(clock.Now()).size(), 1u);
    auto reopened = sessions.Open(owner, session.id, std::nullopt);
    ASSERT_TRUE(reopened);
    EXPECT_EQ(reopened->session.ends_at, clock.Now() + std::chrono::days{20});

    sessions.Close(owner, session.id);
    const auto chosen = clock.Now() + 5h;
    EXPECT_EQ(sessions.Open(owner, session.id, chosen)->session.ends_at, chosen);
    EXPECT_EQ(ErrorCode(sessions.Open(owner, session.id, clock.Now() - 1s)), "invalid_ends_at");
}

TEST_P(SessionServiceTest, EndDateChangesAreOwnerOnlyAndValidated) {
    const auto session = Create();
    const auto before = end_date_changes;
    auto moved = sessions.Update(owner, session.id, {.duration_days = 2});
    ASSERT_TRUE(moved);
    EXPECT_EQ(moved->session.ends_at, clock.Now() + std::chrono::days{2});
    EXPECT_GT(end_date_changes, before);
    EXPECT_EQ(ErrorCode(sessions.Update(owner, session.id, {.ends_at = clock.Now() - 1s})),
              "invalid_ends_at");
    EXPECT_EQ(ErrorCode(sessions.Update(owner, "nope", {.title = "x"})), "session_not_found");
}

TEST_P(SessionServiceTest, ANewCodeKillsTheOldCodeAndLink) {
    const auto session = Create();
    auto redrawn = sessions.RegenerateCode(owner, session.id);
    ASSERT_TRUE(redrawn);
    EXPECT_NE(redrawn->session.code, session.code);
    EXPECT_NE(redrawn->session.link_token, session.link_token);
    EXPECT_EQ(ErrorCode(joins.Join({.code = session.code, .client = "c"})), "unknown_code");
    EXPECT_EQ(ErrorCode(joins.Join({.link = session.link_token, .client = "c"})), "unknown_code");
    EXPECT_TRUE(joins.Join({.code = redrawn->session.code, .client = "c"}));
    EXPECT_TRUE(joins.Join({.link = redrawn->session.link_token, .client = "c"}));
}

TEST_P(SessionServiceTest, DuplicateIsANewOpenSessionOwnedByTheCaller) {
    const auto session = Create("Retro", {.duration_days = 2});
    sessions.Close(owner, session.id);
    AddFacilitator(session.id, other);
    auto copy = sessions.Duplicate(other, session.id);
    ASSERT_TRUE(copy);
    EXPECT_NE(copy->session.id, session.id);
    EXPECT_EQ(copy->session.title, "Retro (copy)");
    EXPECT_EQ(copy->session.owner_id, other.id);
    EXPECT_EQ(copy->role, SessionRole::kOwner);
    EXPECT_EQ(copy->session.status, SessionStatus::kOpen);
    EXPECT_NE(copy->session.code, session.code);
    EXPECT_NE(copy->session.link_token, session.link_token);
    EXPECT_EQ(copy->session.ends_at, clock.Now() + std::chrono::days{20});
    const auto stranger = NewUser("s@example.org");
    EXPECT_EQ(ErrorCode(sessions.Duplicate(stranger, session.id)), "session_not_found");
}

TEST_P(SessionServiceTest, TrashHidesTheSessionItsCodeAndLinkUntilRestored) {
    const auto session = Create();
    ASSERT_TRUE(sessions.Trash(owner, session.id));
    EXPECT_EQ(ErrorCode(sessions.Get(owner, session.id)), "session_not_found");
    EXPECT_TRUE(sessions.List(owner, {}).empty());
    EXPECT_EQ(ErrorCode(joins.Join({.code = session.code, .client = "c"})), "unknown_code");
    EXPECT_EQ(ErrorCode(joins.Join({.link = session.link_token, .client = "c"})), "unknown_code");
    auto trash = sessions.ListTrash(owner);
    ASSERT_EQ(trash.size(), 1u);
    EXPECT_EQ(sessions.PurgeAt(trash[0]), clock.Now() + std::chrono::days{30});
    EXPECT_TRUE(sessions.ListTrash(other).empty());
    EXPECT_EQ(ErrorCode(sessions.Restore(other, session.id)), "session_not_found");

    auto restored = sessions.Restore(owner, session.id);
    ASSERT_TRUE(restored);
    EXPECT_EQ(restored->session.code, session.code);  // reserved while in the trash
    EXPECT_TRUE(joins.Join({.code = session.code, .client = "c"}));
    EXPECT_EQ(ErrorCode(sessions.Restore(owner, session.id)), "session_not_found");
}

TEST_P(SessionServiceTest, TrashIsPurgedAfterThirtyDays) {
    const auto session = Create();
    sessions.Trash(owner, session.id);
    clock.Advance(std::chrono::days{30} - 1s);
    EXPECT_EQ(sessions.PurgeTrash(clock.Now()), 0);
    clock.Advance(1s);
    EXPECT_EQ(sessions.PurgeTrash(clock.Now()), 1);
    EXPECT_TRUE(sessions.ListTrash(owner).empty());
    EXPECT_EQ(ErrorCode(sessions.Restore(owner, session.id)), "session_not_found");
}

TEST_P(SessionServiceTest, ExpiryClosesAtTheEndDateToTheSecond) {
    const auto soon = Create("soon", {.ends_at = clock.Now() + 10s});
    const auto later = Create("later", {.ends_at = clock.Now() + 20s});
    const auto main = Create("main", {.kind = SessionKind::kMain});
    EXPECT_EQ(sessions.NextEndDate(), soon.ends_at);

    clock.Advance(9s);
    EXPECT_TRUE(sessions.CloseExpired(clock.Now()).empty());
    // Run late on purpose: closed_at is still the end date, not the time we noticed.
    clock.Advance(3s);
    auto closed = sessions.CloseExpired(clock.Now());
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].id, soon.id);
    auto now_closed = sessions.Get(owner, soon.id)->session;
    EXPECT_EQ(now_closed.status, SessionStatus::kClosed);
    EXPECT_EQ(now_closed.closed_at, soon.ends_at);
    EXPECT_EQ(now_closed.close_reason, model::CloseReason::kExpiry);
    EXPECT_EQ(sessions.NextEndDate(), later.ends_at);

    clock.Advance(std::chrono::days{1000});
    EXPECT_EQ(sessions.CloseExpired(clock.Now()).size(), 1u);
    EXPECT_EQ(sessions.Get(owner, main.id)->session.status, SessionStatus::kOpen);
    EXPECT_FALSE(sessions.NextEndDate());
}

// The wall clock may be set back or forward while the server runs (NTP after a long
// suspend, an admin). End dates are wall-clock instants: a session closes when the clock reads
// its end date, whatever the clock did before, and a jump over an end date does not skip it.
TEST_P(SessionServiceTest, AClockJumpNeitherClosesEarlyNorSkipsAnEnd) {
    const auto start = clock.Now();
    const auto soon = Create("soon", {.ends_at = start + 10s});
    const auto later = Create("later", {.ends_at = start + 20s});
    const auto tomorrow = Create("tomorrow", {.ends_at = start + 24h});

    clock.Advance(-1h);  // back: nothing is due, even past the moment it was set back
    EXPECT_TRUE(sessions.CloseExpired(clock.Now()).empty());
    clock.Advance(1h + 9s);
    EXPECT_TRUE(sessions.CloseExpired(clock.Now()).empty());
    EXPECT_EQ(sessions.NextEndDate(), soon.ends_at);

    clock.Set(start + 2h);  // forward over two end dates: both close, dated when they ended
    auto closed = sessions.CloseExpired(clock.Now());
    ASSERT_EQ(closed.size(), 2u);
    for (const auto& session : {soon, later}) {
        const auto now_closed = sessions.Get(owner, session.id)->session;
        EXPECT_EQ(now_closed.status, SessionStatus::kClosed) << session.title;
        EXPECT_EQ(now_closed.closed_at, session.ends_at) << session.title;
    }
    EXPECT_EQ(sessions.Get(owner, tomorrow.id)->session.status, SessionStatus::kOpen);
    EXPECT_EQ(sessions.NextEndDate(), tomorrow.ends_at);
}

TEST_P(SessionServiceTest, EveryOwnerActionIsAudited) {
    const auto session = Create();
    sessions.Close(owner, session.id);
    sessions.Open(owner, session.id, std::nullopt);
    sessions.RegenerateCode(owner, session.id);
    sessions.Update(owner, session.id, {.duration_days = 3});
    sessions.Trash(owner, session.id);
    sessions.Restore(owner, session.id);
    auto audit = sessions.Audit(owner, session.id);
    ASSERT_TRUE(audit);
    std::vector<std::string> actions;
    for (const auto& entry : *audit) {
        actions.push_back(entry.action);
        EXPECT_EQ(entry.actor_id, owner.id);
    }
    EXPECT_EQ(actions, (std::vector<std::string>{"closed", "opened", "code_regenerated",
                                                 "end_date_changed", "deleted", "restored"}));
    EXPECT_NE((*audit)[3].detail.find("\"ends_at\""), std::string::npos);
}

TEST_P(SessionServiceTest, CommittedChangesArePublished) {
    using domain::SessionEvent;
    const auto session = Create();
    events.Clear();
    sessions.Update(owner, session.id, {.title = "T"});
    sessions.Close(owner, session.id);
    sessions.Close(owner, session.id);  // already closed: nothing new to tell
    sessions.Open(owner, session.id, std::nullopt);
    sessions.RegenerateCode(owner, session.id);
    sessions.Update(owner, session.id, {.duration_days = 2});
    sessions.Trash(owner, session.id);
    std::vector<SessionEvent> seen;
    for (const auto& [id, event] : events.Events()) {
        EXPECT_EQ(id, session.id);
        seen.push_back(event);
    }
    EXPECT_EQ(seen, (std::vector<SessionEvent>{SessionEvent::kTitle, SessionEvent::kClosed,
                                               SessionEvent::kOpened, SessionEvent::kCode,
                                               SessionEvent::kEndDate, SessionEvent::kDeleted}));
    // Refused changes publish nothing.
    events.Clear();
    EXPECT_FALSE(sessions.Update(owner, session.id, {.title = ""}));
    EXPECT_TRUE(events.Events().empty());
}

TEST_P(SessionServiceTest, ExpiryIsPublished) {
    const auto session = Create("s", {.ends_at = clock.Now() + 5s});
    events.Clear();
    clock.Advance(5s);
    sessions.CloseExpired(clock.Now());
    ASSERT_EQ(events.Events().size(), 1u);
    EXPECT_EQ(events.Events()[0].second, domain::SessionEvent::kClosed);
}

TEST(JsonObjectText, EscapesValues) {
    EXPECT_EQ(JsonObjectText({{"a", "x\"y\\z\n"}}), R"({"a":"x\"y\\z\u000a"})");
    EXPECT_EQ(JsonObjectText({}), "{}");
}

CONVENE_ON_BOTH_ENGINES(SessionServiceTest);

}  // namespace
}  // namespace convene::domain

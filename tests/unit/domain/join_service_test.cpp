#include "convene/domain/join_service.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace convene::domain {
namespace {

using namespace std::chrono_literals;

class JoinServiceTest : public testing::ServiceFixture {
protected:
    JoinServiceTest() : owner(NewUser("owner@example.org")) {
        session = sessions.Create(owner, {.title = "Town hall"})->session;
    }

    /// A code that no session holds.
    std::string WrongCode() const { return session.code == "000000" ? "000001" : "000000"; }

    model::User owner;
    model::Session session;
};

TEST_P(JoinServiceTest, JoinsByCodeOrByLink) {
    auto by_code = joins.Join({.code = session.code, .client = "c1"});
    ASSERT_TRUE(by_code);
    EXPECT_EQ(by_code->session.id, session.id);
    EXPECT_TRUE(by_code->participant_token.starts_with("ptk_"));
    EXPECT_FALSE(by_code->returning);
    auto by_link = joins.Join({.link = session.link_token, .client = "c1"});
    ASSERT_TRUE(by_link);
    EXPECT_NE(by_link->participant.id, by_code->participant.id);
    EXPECT_TRUE(joins.Join({.code = " " + session.code + " ", .client = "c1"}));
}

TEST_P(JoinServiceTest, AReturningParticipantIsTheSameParticipant) {
    auto first = joins.Join({.code = session.code, .client = "c1"});
    clock.Advance(5min);
    auto again = joins.Join({.link = session.link_token,
                             .participant_token = first->participant_token,
                             .client = "c2"});
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->returning);
    EXPECT_EQ(again->participant.id, first->participant.id);
    EXPECT_EQ(again->participant_token, first->participant_token);

    // A token of another session does not carry over.
    auto other = sessions.Create(owner, {.title = "Other"})->session;
    auto elsewhere = joins.Join(
        {.code = other.code, .participant_token = first->participant_token, .client = "c1"});
    ASSERT_TRUE(elsewhere);
    EXPECT_FALSE(elsewhere->returning);
    EXPECT_NE(elsewhere->participant.id, first->participant.id);
}

TEST_P(JoinServiceTest, ClosedOrExpiredSessionsAnswer423) {
    sessions.Close(owner, session.id);
    auto closed = joins.Join({.code = session.code, .client = "c"});
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().kind, ErrorKind::kClosed);
    EXPECT_EQ(closed.error().code, "session_closed");

    sessions.Open(owner, session.id, clock.Now() + 10s);
    clock.Advance(10s);  // past the end date, before the scheduler ran
    EXPECT_EQ(joins.Join({.link = session.link_token, .client = "c"}).error().code,
              "session_closed");
}

TEST_P(JoinServiceTest, UnknownAndMalformedCodes) {
    auto unknown = joins.Join({.code = WrongCode(), .client = "c"});
    EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
    EXPECT_EQ(unknown.error().code, "unknown_code");
    for (const char* bad : {"12345", "1234567", "12a456", ""}) {
        EXPECT_EQ(joins.Join({.code = bad, .client = "c"}).error().code, "invalid_code") << bad;
    }
    EXPECT_EQ(joins.Join({.client = "c"}).error().code, "invalid_code");
    EXPECT_EQ(joins.Join({.link = "nope", .client = "c"}).error().code, "unknown_code");
}

TEST_P(JoinServiceTest, GuessingIsThrottledPerClientWithAGrowingPenalty) {
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(joins.Join({.code = WrongCode(), .client = "guesser"}).error().code,
                  "unknown_code");
    }
    // Blocked now, even for the right code: otherwise guessing would simply go on.
    auto blocked = joins.Join({.code = session.code, .client = "guesser"});
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().kind, ErrorKind::kRateLimited);
    EXPECT_EQ(blocked.error().retry_after, 60s);

    // The rest of the audience is not affected, nor is a valid link from the same client.
    EXPECT_TRUE(joins.Join({.code = session.code, .client = "neighbour"}));
    EXPECT_TRUE(joins.Join({.link = session.link_token, .client = "guesser"}));
    // Malformed codes are not guesses and do not count.
    EXPECT_EQ(joins.Join({.code = "abc", .client = "neighbour"}).error().code, "invalid_code");

    clock.Advance(60s);
    EXPECT_TRUE(joins.Join({.code = session.code, .client = "guesser"}));
    for (int i = 0; i < 5; ++i) joins.Join({.code = WrongCode(), .client = "guesser"});
    EXPECT_EQ(joins.Join({.code = session.code, .client = "guesser"}).error().retry_after, 120s);
}

TEST_P(JoinServiceTest, AnIpv6ClientIsCountedByItsNetwork) {
    // Stepping through the addresses of one /64 does not buy fresh tries.
    for (int i = 0; i < 5; ++i) {
        joins.Join({.code = WrongCode(), .client = "2001:db8:7:1::" + std::to_string(i + 1)});
    }
    EXPECT_EQ(joins.Join({.code = session.code, .client = "2001:db8:7:1::ff"}).error().kind,
              ErrorKind::kRateLimited);
    EXPECT_TRUE(joins.Join({.code = session.code, .client = "2001:db8:7:2::1"}));
}

TEST_P(JoinServiceTest, ManyAddressesTogetherAreNoticedAndEachIsBlockedAtItsFirstMiss) {
    JoinService guarded(database, clock, random, util::Throttle::Settings{},
                      {.wrong_codes_per_minute = 10});
    const auto wrong = WrongCode();

    // Ten addresses miss once each: within the budget, each may try again.
    for (int i = 0; i < 10; ++i) guarded.Join({.code = wrong, .client = "198.51.100." + std::to_string(i)});
    EXPECT_EQ(guarded.Stats().alarms, 0);
    EXPECT_TRUE(guarded.Join({.code = session.code, .client = "198.51.100.0"}));
    // Past it: the next miss blocks its address at once, and the alarm goes off once.
    for (int i = 10; i < 15; ++i) guarded.Join({.code = wrong, .client = "198.51.100." + std::to_string(i)});
    EXPECT_EQ(guarded.Stats().alarms, 1);
    EXPECT_EQ(guarded.Stats().wrong_codes, 15);
    EXPECT_EQ(guarded.Join({.code = session.code, .client = "198.51.100.12"}).error().kind,
              ErrorKind::kRateLimited);
    // Someone who types the right code is not affected by the others' guessing.
    EXPECT_TRUE(guarded.Join({.code = session.code, .client = "203.0.113.9"}));

    // A minute later the budget starts over: one miss no longer blocks.
    clock.Advance(61s);
    guarded.Join({.code = wrong, .client = "203.0.113.50"});
    EXPECT_TRUE(guarded.Join({.code = session.code, .client = "203.0.113.50"}));
    EXPECT_EQ(guarded.Stats().alarms, 1);
}

TEST_P(JoinServiceTest, CountsJoinsAndRefusalsByCode) {
    EXPECT_TRUE(joins.Join({.code = session.code, .client = "198.51.100.1"}));
    joins.Join({.code = WrongCode(), .client = "198.51.100.2"});
    joins.Join({.code = "12", .client = "198.51.100.3"});
    joins.Join({.link = "no-such-link", .client = "198.51.100.4"});
    const auto stats = joins.Stats();
    EXPECT_EQ(stats.joins, 1);
    EXPECT_EQ(stats.refused, (std::map<std::string, std::int64_t>{{"invalid_code", 1},
                                                                  {"unknown_code", 2}}));
    EXPECT_EQ(stats.wrong_codes, 1);
}

TEST(SessionCode, IsExactlySixDigits) {
    EXPECT_TRUE(IsSessionCode("012345"));
    EXPECT_FALSE(IsSessionCode("01234"));
    EXPECT_FALSE(IsSessionCode("0123456"));
    EXPECT_FALSE(IsSessionCode("01234a"));
    EXPECT_FALSE(IsSessionCode("０１２３４５"));
}

CONVENE_ON_BOTH_ENGINES(JoinServiceTest);

}  // namespace
}  // namespace convene::domain

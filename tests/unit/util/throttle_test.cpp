#include "convene/util/throttle.hpp"
#include "convene/util/address.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

namespace convene::util {
namespace {

using namespace std::chrono_literals;

TEST(Throttle, BlocksAfterTheAllowedFailuresWithinTheWindow) {
    testing::FakeClock clock;
    Throttle throttle(clock, {.max_failures = 3, .window = 60s, .base_penalty = 60s});
    EXPECT_FALSE(throttle.RecordFailure("a"));
    EXPECT_FALSE(throttle.RecordFailure("a"));
    EXPECT_FALSE(throttle.Check("a"));
    EXPECT_EQ(throttle.RecordFailure("a"), 60s);
    EXPECT_EQ(throttle.Check("a"), 60s);
    clock.Advance(59s);
    EXPECT_EQ(throttle.Check("a"), 1s);
    clock.Advance(1s);
    EXPECT_FALSE(throttle.Check("a"));
}

TEST(Throttle, FailuresSpreadBeyondTheWindowAreNotBlocked) {
    testing::FakeClock clock;
    Throttle throttle(clock, {.max_failures = 3, .window = 60s});
    for (int i = 0; i < 10; ++i) {
        EXPECT_FALSE(throttle.RecordFailure("a")) << i;
        clock.Advance(31s);
    }
}

TEST(Throttle, RepeatedAbuseDoublesThePenaltyUpToTheCap) {
    testing::FakeClock clock;
    Throttle throttle(clock, {.max_failures = 2, .window = 60s, .base_penalty = 60s,
                              .max_penalty = 300s});
    std::vector<std::chrono::seconds> penalties;
    for (int round = 0; round < 5; ++round) {
        throttle.RecordFailure("a");
        const auto penalty = throttle.RecordFailure("a");
        ASSERT_TRUE(penalty);
        penalties.push_back(*penalty);
        clock.Advance(*penalty);
    }
    EXPECT_EQ(penalties, (std::vector<std::chrono::seconds>{60s, 120s, 240s, 300s, 300s}));
}

TEST(Throttle, QuietKeysAreForgiven) {
    testing::FakeClock clock;
    Throttle throttle(clock, {.max_failures = 2, .base_penalty = 60s, .forgive_after = 3600s});
    throttle.RecordFailure("a");
    EXPECT_EQ(throttle.RecordFailure("a"), 60s);
    clock.Advance(3600s);
    throttle.RecordFailure("a");
    EXPECT_EQ(throttle.RecordFailure("a"), 60s);  // back to the first penalty
}

TEST(Throttle, KeysAreIndependent) {
    testing::FakeClock clock;
    Throttle throttle(clock, {.max_failures = 1});
    EXPECT_TRUE(throttle.RecordFailure("noisy"));
    EXPECT_TRUE(throttle.Check("noisy"));
    EXPECT_FALSE(throttle.Check("quiet"));
}

TEST(AddressKey, Ipv6CountsByItsSlash64AndIpv4AsItIs) {
    EXPECT_EQ(AddressKey("203.0.113.7"), "203.0.113.7");
    EXPECT_EQ(AddressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
    EXPECT_EQ(AddressKey("2001:db8:1:2::1"), AddressKey("2001:db8:1:2:ffff::9"));
    EXPECT_NE(AddressKey("2001:db8:1:2::1"), AddressKey("2001:db8:1:3::1"));
    EXPECT_EQ(AddressKey("::ffff:198.51.100.4"), "198.51.100.4");
    EXPECT_EQ(AddressKey("not an address"), "not an address");
}

}  // namespace
}  // namespace convene::util

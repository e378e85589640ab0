#include "convene/util/rate_limiter.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

namespace convene::util {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsBurstThenRefusesWithRetryAfter) {
    testing::FakeClock clock;
    RateLimiter limiter(clock, {.burst = 3, .window = 60s});
    EXPECT_FALSE(limiter.Acquire("a"));
    EXPECT_FALSE(limiter.Acquire("a"));
    EXPECT_FALSE(limiter.Acquire("a"));
    const auto wait = limiter.Acquire("a");
    ASSERT_TRUE(wait);
    EXPECT_EQ(*wait, 20s);  // one token per 20 s
}

TEST(RateLimiter, KeysAreIndependent) {
    testing::FakeClock clock;
    RateLimiter limiter(clock, {.burst = 1, .window = 60s});
    EXPECT_FALSE(limiter.Acquire("a"));
    EXPECT_TRUE(limiter.Acquire("a"));
    EXPECT_FALSE(limiter.Acquire("b"));
}

TEST(RateLimiter, RefillsOverTime) {
    testing::FakeClock clock;
    RateLimiter limiter(clock, {.burst = 2, .window = 60s});
    EXPECT_FALSE(limiter.Acquire("a"));
    EXPECT_FALSE(limiter.Acquire("a"));
    EXPECT_TRUE(limiter.Acquire("a"));
    clock.Advance(29s);
    EXPECT_TRUE(limiter.Acquire("a"));
    clock.Advance(1s);
    EXPECT_FALSE(limiter.Acquire("a"));
}

TEST(RateLimiter, CheckDoesNotSpendAndResetForgets) {
    testing::FakeClock clock;
    RateLimiter limiter(clock, {.burst = 1, .window = 60s});
    EXPECT_FALSE(limiter.Check("a"));
    EXPECT_FALSE(limiter.Check("a"));
    EXPECT_FALSE(limiter.Acquire("a"));
    EXPECT_TRUE(limiter.Check("a"));
    limiter.Reset("a");
    EXPECT_FALSE(limiter.Check("a"));
}

TEST(RateLimiter, ForgetsOnlyKeysIdleForAWholeWindow) {
    testing::FakeClock clock;
    RateLimiter limiter(clock, {.burst = 2, .window = 60s});
    for (int i = 0; i < 1000; ++i) limiter.Acquire("crowd" + std::to_string(i));
    clock.Advance(30s);
    EXPECT_FALSE(limiter.Acquire("late"));
    EXPECT_FALSE(limiter.Acquire("late"));
    EXPECT_EQ(limiter.ForgetIdle(), 0u);  // nobody idle for a window yet
    clock.Advance(30s);
    EXPECT_EQ(limiter.ForgetIdle(), 1000u);
    // "late" is still remembered: half a window refilled one of its two tokens, not both.
    EXPECT_FALSE(limiter.Acquire("late"));
    EXPECT_TRUE(limiter.Acquire("late"));
    // A forgotten key starts with a full bucket, as it would have had anyway.
    EXPECT_FALSE(limiter.Acquire("crowd1"));
    EXPECT_FALSE(limiter.Acquire("crowd1"));
    EXPECT_TRUE(limiter.Acquire("crowd1"));
}

TEST(RateLimiter, BoundedKeyCount) {
    testing::FakeClock clock;
    RateLimiter limiter(clock, {.burst = 1, .window = 60s}, /*max_keys=*/10);
    for (int i = 0; i < 100; ++i) limiter.Acquire("k" + std::to_string(i));
    // Still answers, and a fresh key is still allowed.
    EXPECT_FALSE(limiter.Acquire("new"));
}

}  // namespace
}  // namespace convene::util

#include <gtest/gtest.h>

#include <set>

#include "convene/util/hash.hpp"
#include "convene/util/random.hpp"
#include "fakes.hpp"

namespace convene::util {
namespace {

TEST(Random, IdsAreBase32AndDistinct) {
    SecureRandom random;
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const auto id = random.Id();
        ASSERT_EQ(id.size(), 26u);
        ASSERT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"), std::string::npos);
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(Random, TokensCarryPrefixAndAreUrlSafe) {
    SecureRandom random;
    const auto token = random.Token("cvn_");
    EXPECT_TRUE(token.starts_with("cvn_"));
    EXPECT_EQ(token.size(), 4u + 43u);
    EXPECT_EQ(token.find_first_not_of(
                  "cvn_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"),
              std::string::npos);
}

TEST(Random, UniformStaysInRangeAndCoversIt) {
    testing::FakeRandom random(7);
    std::set<std::uint32_t> seen;
    for (int i = 0; i < 2000; ++i) {
        const auto value = random.Uniform(10);
        ASSERT_LT(value, 10u);
        seen.insert(value);
    }
    EXPECT_EQ(seen.size(), 10u);
}

TEST(Random, FakeRandomIsDeterministic) {
    testing::FakeRandom a(3), b(3);
    EXPECT_EQ(a.Id(), b.Id());
    EXPECT_EQ(a.Hex(8), b.Hex(8));
}

TEST(Hash, Sha256MatchesKnownVector) {
    EXPECT_EQ(Sha256Hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, ConstantTimeEquals) {
    EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
    EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
    EXPECT_FALSE(ConstantTimeEquals("secret", "secrets"));
}

}  // namespace
}  // namespace convene::util

#include "convene/domain/validation.hpp"

#include <gtest/gtest.h>

namespace convene::domain {
namespace {

TEST(Validation, AcceptsOrdinaryAddresses) {
    for (const char* ok : {"a@b.co", "first.last+tag@example.org", "x_y-z@sub.domain.example",
                           "UPPER@EXAMPLE.ORG", "o'neil@example.ie"}) {
        EXPECT_TRUE(IsValidEmail(ok)) << ok;
    }
}

TEST(Validation, RejectsWhatMailServersWouldRefuseOrHeadersCouldAbuse) {
    for (const char* bad :
         {"", "plain", "@example.org", "a@", "a@b", "a@@b.org", "a b@c.org", "a@b .org",
          "a@-b.org", "a@b-.org", "a@b..org", ".a@b.org", "a.@b.org", "a..b@c.org",
          "a@b.org\r\nBcc: x@y.org", "\"a\"@b.org", "<a@b.org>", "a,b@c.org", "a@b_c.org"}) {
        EXPECT_FALSE(IsValidEmail(bad)) << bad;
    }
    EXPECT_FALSE(IsValidEmail(std::string(65, 'a') + "@b.org"));
    EXPECT_FALSE(IsValidEmail("a@" + std::string(250, 'b') + ".org"));
}

TEST(Validation, CountsUtf8CodePointsAndRejectsInvalidUtf8) {
    EXPECT_EQ(Utf8Length("abc"), 3u);
    EXPECT_EQ(Utf8Length("Zoë 🎉"), 5u);
    EXPECT_EQ(Utf8Length("\xff"), std::string_view::npos);
    EXPECT_EQ(Utf8Length("\xc0\xaf"), std::string_view::npos);      // overlong
    EXPECT_EQ(Utf8Length("\xed\xa0\x80"), std::string_view::npos);  // surrogate
    EXPECT_EQ(Utf8Length("\xe2\x82"), std::string_view::npos);      // truncated
}

TEST(Validation, SingleLineTextHasNoControlCharacters) {
    EXPECT_TRUE(IsSingleLineText("Ann Smith"));
    EXPECT_FALSE(IsSingleLineText("Ann\nSmith"));
    EXPECT_FALSE(IsSingleLineText("Ann\rBcc:"));
    EXPECT_FALSE(IsSingleLineText(std::string("a\0b", 3)));
}

TEST(Validation, TrimAndLower) {
    EXPECT_EQ(Trim("  a b \t\n"), "a b");
    EXPECT_EQ(AsciiLower("AbC@Ex.ORG"), "abc@ex.org");
}

}  // namespace
}  // namespace convene::domain

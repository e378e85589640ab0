#include "convene/util/time.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

namespace convene::util {
namespace {

using std::chrono::seconds;

TEST(Rfc3339, FormatsUtcWithSecondsAndZ) {
    EXPECT_EQ(FormatRfc3339(Instant{seconds{0}}), "1970-01-01T00:00:00Z");
    EXPECT_EQ(FormatRfc3339(Instant{seconds{1'795'341'600}}), "2026-11-22T10:00:00Z");
}

TEST(Rfc3339, ParsesZuluAndOffsets) {
    EXPECT_EQ(ParseRfc3339("2026-11-22T10:00:00Z"), Instant{seconds{1'795'341'600}});
    EXPECT_EQ(ParseRfc3339("2026-11-22T11:00:00+01:00"), Instant{seconds{1'795'341'600}});
    EXPECT_EQ(ParseRfc3339("2026-11-22T05:30:00-04:30"), Instant{seconds{1'795'341'600}});
    EXPECT_EQ(ParseRfc3339("2026-11-22T10:00:00.999Z"), Instant{seconds{1'795'341'600}});
}

TEST(Rfc3339, RoundTrips) {
    const Instant t{seconds{1'900'000'123}};
    EXPECT_EQ(ParseRfc3339(FormatRfc3339(t)), t);
}

TEST(Rfc3339, RejectsAnythingElse) {
    for (const char* bad : {"", "2026-11-22", "2026-11-22T10:00:00", "2026-11-22 10:00:00Z",
                            "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-22T24:00:00Z",
                            "2026-11-22T10:60:00Z", "2026-11-22T10:00:00+25:00",
                            "2026-11-22T10:00:00Zjunk", "2026-11-22T10:00:00.Z", "tomorrow",
                            "+2026-11-22T10:00:00Z"}) {
        EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
    }
}

TEST(Rfc3339, TakesOnlyWhatPrintsBackInFourDigitYears) {
    // Found by fuzz_time: these once parsed to instants printed as years 10000 and -1.
    for (const char* edge : {"9999-12-31T23:59:60Z", "9999-12-31T23:00:00-01:00",
                             "0000-01-01T00:00:00+00:01"}) {
        EXPECT_FALSE(ParseRfc3339(edge).has_value()) << edge;
    }
    for (const char* last : {"9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z"}) {
        const auto parsed = ParseRfc3339(last);
        ASSERT_TRUE(parsed.has_value()) << last;
        EXPECT_EQ(FormatRfc3339(*parsed), last);
    }
}

TEST(HttpDate, FormatsImfFixdate) {
    EXPECT_EQ(FormatHttpDate(Instant{seconds{1'795'341'600}}), "Sun, 22 Nov 2026 10:00:00 GMT");
}

// Both formats are written field by field; date::format is the reference they must agree with,
// across leap days, centuries, both ends of the four-digit years and beyond them.
TEST(TimeFormats, AgreeWithDateFormatEverywhere) {
    using date::sys_days;
    std::vector<Instant> instants;
    for (const auto day : {sys_days{date::year{0} / 1 / 1}, sys_days{date::year{1600} / 2 / 29},
                           sys_days{date::year{1900} / 2 / 28}, sys_days{date::year{1969} / 12 / 31},
                           sys_days{date::year{2000} / 2 / 29}, sys_days{date::year{2024} / 12 / 31},
                           sys_days{date::year{9999} / 12 / 31}}) {
        for (const auto second : {0, 1, 59, 3'599, 43'261, 86'399}) {
            instants.push_back(Instant{day} + seconds{second});
        }
    }
    // Every ~3 days and 7 hours over four centuries, on odd seconds.
    for (long long s = -2'208'988'800; s < 10'413'792'000; s += 284'407) {
        instants.push_back(Instant{seconds{s}});
    }
    for (const auto instant : instants) {
        EXPECT_EQ(FormatRfc3339(instant), date::format("%Y-%m-%dT%H:%M:%SZ", instant));
        EXPECT_EQ(FormatHttpDate(instant), date::format("%a, %d %b %Y %H:%M:%S GMT", instant));
    }
    // Outside years 0-9999 the answer is still date::format's.
    for (const auto instant : {Instant{sys_days{date::year{-1} / 12 / 31}} + seconds{86'399},
                               Instant{sys_days{date::year{10000} / 1 / 1}}}) {
        EXPECT_EQ(FormatRfc3339(instant), date::format("%Y-%m-%dT%H:%M:%SZ", instant));
        EXPECT_EQ(FormatHttpDate(instant), date::format("%a, %d %b %Y %H:%M:%S GMT", instant));
    }
}

}  // namespace
}  // namespace convene::util

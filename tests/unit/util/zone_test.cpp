// Wall times in IANA zones, from the system's tz database (Debian's tzdata).
#include "convene/util/zone.hpp"

#include <gtest/gtest.h>

#include "convene/util/time.hpp"

namespace convene::util {
namespace {

std::string Utc(std::string_view local, std::string_view zone) {
    auto instant = ToInstant(*ParseLocalMinutes(local), zone);
    return instant ? FormatRfc3339(*instant) : "none";
}

TEST(Zone, ParsesAndFormatsWallTimes) {
    EXPECT_EQ(FormatLocalMinutes(*ParseLocalMinutes("2026-11-22T10:05")), "2026-11-22T10:05");
    for (const char* bad : {"", "2026-11-22", "2026-11-22T10:05:00", "2026-02-30T10:00",
                            "2026-11-22T24:00", "2026-11-22 10:00", "2026-1-22T10:00",
                            "２０２６-11-22T10:00", "2026-11-22T1a:00"}) {
        EXPECT_FALSE(ParseLocalMinutes(bad)) << bad;
    }
}

TEST(Zone, KnowsTheZonesOfTheTzDatabase) {
    EXPECT_TRUE(IsKnownZone("Europe/Paris"));
    EXPECT_TRUE(IsKnownZone("America/New_York"));
    EXPECT_TRUE(IsKnownZone("UTC"));
    for (const char* bad : {"", "Europe/Atlantis", "paris", "../../etc/passwd", "Europe/"}) {
        EXPECT_FALSE(IsKnownZone(bad)) << bad;
    }
    EXPECT_FALSE(ToInstant(*ParseLocalMinutes("2026-11-22T10:00"), "Mars/Olympus"));
}

TEST(Zone, WallTimeToInstantFollowsTheZonesRules) {
    EXPECT_EQ(Utc("2026-01-15T10:00", "Europe/Paris"), "2026-01-15T09:00:00Z");  // CET
    EXPECT_EQ(Utc("2026-07-15T10:00", "Europe/Paris"), "2026-07-15T08:00:00Z");  // CEST
    EXPECT_EQ(Utc("2026-07-15T10:00", "America/New_York"), "2026-07-15T14:00:00Z");
    EXPECT_EQ(Utc("2026-07-15T10:00", "Asia/Kolkata"), "2026-07-15T04:30:00Z");
    EXPECT_EQ(Utc("2026-07-15T10:00", "UTC"), "2026-07-15T10:00:00Z");
}

TEST(Zone, ATimeInADstGapMovesForwardByTheGap) {
    // Paris springs forward at 02:00 on 29 March 2026: 02:30 does not exist, and is read as
    // 03:30 CEST, as RFC 5545 says.
    EXPECT_EQ(Utc("2026-03-29T02:30", "Europe/Paris"), "2026-03-29T01:30:00Z");
    EXPECT_EQ(Utc("2026-03-29T03:30", "Europe/Paris"), "2026-03-29T01:30:00Z");
    // New York, 8 March 2026, 02:00 → 03:00.
    EXPECT_EQ(Utc("2026-03-08T02:15", "America/New_York"), "2026-03-08T07:15:00Z");
}

TEST(Zone, AnAmbiguousTimeInADstOverlapTakesItsFirstInstant) {
    // Paris falls back at 03:00 on 25 October 2026: 02:30 happens twice, first in CEST.
    EXPECT_EQ(Utc("2026-10-25T02:30", "Europe/Paris"), "2026-10-25T00:30:00Z");
    // New York, 1 November 2026, 01:30 EDT first.
    EXPECT_EQ(Utc("2026-11-01T01:30", "America/New_York"), "2026-11-01T05:30:00Z");
}

TEST(Zone, TimesForPeopleAreWrittenOnTheWallClockOfTheirZone) {
    const auto at = *ParseRfc3339("2026-12-01T09:00:00Z");
    EXPECT_EQ(FormatForPeople(at, "America/New_York"),
              "Tuesday 1 December 2026, 04:00 (America/New_York, UTC-05:00)");
    EXPECT_EQ(FormatForPeople(at, "Asia/Kolkata"),
              "Tuesday 1 December 2026, 14:30 (Asia/Kolkata, UTC+05:30)");
    EXPECT_EQ(FormatForPeople(*ParseRfc3339("2026-07-01T09:00:00Z"), "Europe/Paris"),
              "Wednesday 1 July 2026, 11:00 (Europe/Paris, UTC+02:00)");
    EXPECT_EQ(FormatForPeople(at, "Not/AZone"), "Tuesday 1 December 2026, 09:00 (UTC)");
}

}  // namespace
}  // namespace convene::util

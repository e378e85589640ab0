#include "convene/domain/calendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "convene/util/time.hpp"

namespace convene::domain {
namespace {

CalendarInvite Invite() {
    return {.method = CalendarInvite::Method::kRequest,
            .uid = "reg1@convene.test",
            .sequence = 2,
            .summary = "Demo; Q&A, live",
            .description = "Line one\nLine two",
            .url = "http://convene.test/r/rtk_abc",
            .organizer_email = "convene@convene.test",
            .attendee_name = "Zoë \"Z\" Doe",
            .attendee_email = "zoe@example.org",
            .starts_at = *util::ParseRfc3339("2026-12-01T09:00:00Z"),
            .ends_at = *util::ParseRfc3339("2026-12-01T10:00:00Z"),
            .stamp = *util::ParseRfc3339("2026-11-22T08:00:00Z")};
}

/// The content lines, unfolded (RFC 5545 3.1).
std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto end = text.find("\r\n", at);
        EXPECT_NE(end, std::string::npos) << "every line ends with CRLF";
        auto line = text.substr(at, end - at);
        EXPECT_LE(line.size(), 75u) << line;
        if (line.starts_with(" ")) {
            lines.back() += line.substr(1);
        } else {
            lines.push_back(line);
        }
        at = end + 2;
    }
    return lines;
}

bool Has(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(Calendar, ARequestCarriesTheEventInUtcWithItsUidAndSequence) {
    const auto lines = Lines(RenderCalendar(Invite()));
    EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
    EXPECT_EQ(lines.back(), "END:VCALENDAR");
    for (const char* line : {"METHOD:REQUEST", "UID:reg1@convene.test", "SEQUENCE:2",
                             "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z",
                             "DTSTAMP:20261122T080000Z", "STATUS:CONFIRMED",
                             "SUMMARY:Demo\\; Q&A\\, live",
                             "DESCRIPTION:Line one\\nLine two",
                             "ATTENDEE;CN=\"Zoë Z Doe\";ROLE=REQ-PARTICIPANT;RSVP=FALSE:"
                             "mailto:zoe@example.org"}) {
        EXPECT_TRUE(Has(lines, line)) << line;
    }
}

TEST(Calendar, ACancelSaysSoAndLongLinesFoldBetweenCharacters) {
    auto invite = Invite();
    invite.method = CalendarInvite::Method::kCancel;
    invite.summary = std::string(30, 'a');
    for (int i = 0; i < 40; ++i) invite.summary += "é";  // two octets each
    const auto text = RenderCalendar(invite);
    const auto lines = Lines(text);
    EXPECT_TRUE(Has(lines, "METHOD:CANCEL"));
    EXPECT_TRUE(Has(lines, "STATUS:CANCELLED"));
    EXPECT_TRUE(Has(lines, "SUMMARY:" + invite.summary));
    // No continuation starts inside a UTF-8 sequence.
    EXPECT_EQ(text.find("\r\n \x83"), std::string::npos);
    EXPECT_EQ(text.find("\r\n \xa9"), std::string::npos);
}

}  // namespace
}  // namespace convene::domain

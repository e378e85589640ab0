#include "convene/domain/calendar.hpp"

#include <date/date.h>

namespace convene::domain {
namespace {

/// A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and new lines escaped.
std::string Text(std::string_view value) {
    std::string out;
    for (char c : value) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case ';': out += "\\;"; break;
            case ',': out += "\\,"; break;
            case '\n': out += "\\n"; break;
            case '\r': break;
            default: out += c;
        }
    }
    return out;
}

/// A parameter value (a person's name), quoted; characters it cannot hold are dropped.
std::string Param(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c != '"' && c != '\r' && c != '\n') out += c;
    }
    return out + "\"";
}

std::string Utc(util::Instant at) { return date::format("%Y%m%dT%H%M%SZ", at); }

/// Appends one content line, folded so that no line is longer than 75 octets, never
/// inside a UTF-8 sequence (RFC 5545 3.1).
void Line(std::string& out, std::string_view line) {
    std::size_t limit = 75;
    while (line.size() > limit) {
        std::size_t cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) --cut;
        out.append(line.substr(0, cut));
        out += "\r\n ";
        line.remove_prefix(cut);
        limit = 74;  // the leading space of a continuation counts
    }
    out.append(line);
    out += "\r\n";
}

}  // namespace

std::string RenderCalendar(const CalendarInvite& invite) {
    const bool cancel = invite.method == CalendarInvite::Method::kCancel;
    std::string out;
    Line(out, "BEGIN:VCALENDAR");
    Line(out, "VERSION:2.0");
    Line(out, "PRODID:-//Convene//Convene//EN");
    Line(out, cancel ? "METHOD:CANCEL" : "METHOD:REQUEST");
    Line(out, "BEGIN:VEVENT");
    Line(out, "UID:" + Text(invite.uid));
    Line(out, "SEQUENCE:" + std::to_string(invite.sequence));
    Line(out, "DTSTAMP:" + Utc(invite.stamp));
    Line(out, "DTSTART:" + Utc(invite.starts_at));
    Line(out, "DTEND:" + Utc(invite.ends_at));
    Line(out, "SUMMARY:" + Text(invite.summary));
    Line(out, "DESCRIPTION:" + Text(invite.description));
    Line(out, "LOCATION:" + Text(invite.url));
    Line(out, "URL:" + invite.url);
    Line(out, "ORGANIZER;CN=Convene:mailto:" + invite.organizer_email);
    Line(out, "ATTENDEE;CN=" + Param(invite.attendee_name) +
                  ";ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:" + invite.attendee_email);
    Line(out, cancel ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
    Line(out, "END:VEVENT");
    Line(out, "END:VCALENDAR");
    return out;
}

}  // namespace convene::domain

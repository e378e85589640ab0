#pragma once

#include <string>

#include "convene/util/clock.hpp"

namespace convene::domain {

/// One event session as a calendar invitation for one person (RFC 5545 in the sense of
/// RFC 5546's iTIP: REQUEST to add or update it, CANCEL to take it away).
struct CalendarInvite {
    enum class Method { kRequest, kCancel };
    Method method = Method::kRequest;
    std::string uid;  ///< stable per registrant and event session
    int sequence = 0;  ///< up by one at each change of the same uid
    std::string summary;
    std::string description;
    std::string url;
    std::string organizer_email;
    std::string attendee_name;
    std::string attendee_email;
    util::Instant starts_at;
    util::Instant ends_at;
    util::Instant stamp;  ///< when this version was written
};

/// The VCALENDAR text, CRLF line ends, lines folded at 75 octets, text values escaped.
std::string RenderCalendar(const CalendarInvite& invite);

}  // namespace convene::domain

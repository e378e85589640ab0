#include "convene/util/zone.hpp"

#include <date/tz.h>

#include <charconv>

namespace convene::util {
namespace {

const date::time_zone* FindZone(std::string_view zone) {
    if (zone.empty() || zone.size() > 64) return nullptr;
    try {
        return date::locate_zone(zone);
    } catch (const std::exception&) {
        return nullptr;
    }
}

bool Digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
    if (at + count > text.size()) return false;
    const char* begin = text.data() + at;
    for (std::size_t i = 0; i < count; ++i) {
        if (begin[i] < '0' || begin[i] > '9') return false;
    }
    return std::from_chars(begin, begin + count, out).ec == std::errc{};
}

}  // namespace

std::optional<LocalMinutes> ParseLocalMinutes(std::string_view text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    if (text.size() != 16 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || !Digits(text, 0, 4, y) || !Digits(text, 5, 2, mo) ||
        !Digits(text, 8, 2, d) || !Digits(text, 11, 2, h) || !Digits(text, 14, 2, mi)) {
        return std::nullopt;
    }
    const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                   date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59) return std::nullopt;
    return date::local_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi};
}

std::string FormatLocalMinutes(LocalMinutes local) { return date::format("%Y-%m-%dT%H:%M", local); }

bool IsKnownZone(std::string_view zone) { return FindZone(zone) != nullptr; }

std::optional<Instant> ToInstant(LocalMinutes local, std::string_view zone) {
    const auto* tz = FindZone(zone);
    if (tz == nullptr) return std::nullopt;
    const auto info = tz->get_info(local);
    // unique and ambiguous: `first` is the (first) offset in force; nonexistent: `first` is
    // the offset before the gap, which moves the time forward by the gap's length.
    const auto utc = date::sys_time<std::chrono::minutes>{local.time_since_epoch()} -
                     std::chrono::duration_cast<std::chrono::minutes>(info.first.offset);
    return std::chrono::time_point_cast<std::chrono::seconds>(utc);
}

std::string FormatForPeople(Instant at, std::string_view zone) {
    const auto* tz = FindZone(zone);
    if (tz == nullptr) tz = date::locate_zone("UTC");
    const auto info = tz->get_info(at);
    const auto local = date::local_seconds{(at + info.offset).time_since_epoch()};
    const auto day = date::year_month_day{date::floor<date::days>(local)};
    const auto offset = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
    const auto magnitude = offset < 0 ? -offset : offset;
    std::string utc = "UTC";
    if (offset != 0) {
        utc += offset < 0 ? "-" : "+";
        utc += date::format("%H:%M", std::chrono::minutes{magnitude});
    }
    const auto where = tz->name() == "UTC" ? utc : tz->name() + ", " + utc;
    return date::format("%A ", local) + std::to_string(static_cast<unsigned>(day.day())) +
           date::format(" %B %Y, %H:%M", local) + " (" + where + ")";
}

std::string TzDatabaseVersion() {
    try {
        return date::get_tzdb().version;
    } catch (const std::exception&) {
        return "unknown";
    }
}

}  // namespace convene::util

#include "convene/util/time.hpp"

#include <date/date.h>

#include <charconv>

namespace convene::util {
namespace {

bool ReadInt(std::string_view text, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > text.size()) return false;
    for (std::size_t i = pos; i < pos + len; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
    }
    auto res = std::from_chars(text.data() + pos, text.data() + pos + len, out);
    return res.ec == std::errc{};
}

}  // namespace

std::string FormatRfc3339(Instant instant) { return date::format("%Y-%m-%dT%H:%M:%SZ", instant); }

std::string FormatHttpDate(Instant instant) {
    return date::format("%a, %d %b %Y %H:%M:%S GMT", instant);
}

std::optional<Instant> ParseRfc3339(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); hand-parsed so that nothing lenient slips in.
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (text.size() < 20) return std::nullopt;
    if (!ReadInt(text, 0, 4, y) || text[4] != '-' || !ReadInt(text, 5, 2, mo) || text[7] != '-' ||
        !ReadInt(text, 8, 2, d) || (text[10] != 'T' && text[10] != 't') ||
        !ReadInt(text, 11, 2, h) || text[13] != ':' || !ReadInt(text, 14, 2, mi) ||
        text[16] != ':' || !ReadInt(text, 17, 2, s)) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
    }
    if (pos >= text.size()) return std::nullopt;
    int offset_minutes = 0;
    if (text[pos] == 'Z' || text[pos] == 'z') {
        ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
        int oh = 0, om = 0;
        if (!ReadInt(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !ReadInt(text, pos + 4, 2, om) || oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                   date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
    // A leap second (:60) is read as the next second, as RFC 3339 allows us to.
    const auto instant = Instant{date::sys_days{ymd}} + std::chrono::hours{h} +
                         std::chrono::minutes{mi} + std::chrono::seconds{s} -
                         std::chrono::minutes{offset_minutes};
    // Only what prints back in four-digit years: 9999-12-31T23:59:60Z or an offset at either
    // end would otherwise be stored and shown as a year 10000 or -1 that nothing parses.
    constexpr auto kFirst = Instant{date::sys_days{date::year{0} / 1 / 1}};
    constexpr auto kLast = Instant{date::sys_days{date::year{10000} / 1 / 1}} - std::chrono::seconds{1};
    if (instant < kFirst || instant > kLast) return std::nullopt;
    return instant;
}

}  // namespace convene::util

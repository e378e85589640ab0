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

namespace {

/// The calendar fields of an instant in years 0-9999, the range both formats print with four
/// digits; nullopt outside it.
struct Fields {
    int year;
    unsigned month, day, weekday;  // month 1-12, weekday 0 = Sunday
    long long hour, minute, second;
};

std::optional<Fields> FieldsOf(Instant instant) {
    const auto days = date::floor<date::days>(instant);
    const date::year_month_day ymd{days};
    const int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999) return std::nullopt;
    const date::hh_mm_ss<std::chrono::seconds> time{instant - days};
    return Fields{year,
                  static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()),
                  date::weekday{days}.c_encoding(),
                  time.hours().count(),
                  time.minutes().count(),
                  time.seconds().count()};
}

/// Appends `value` (non-negative, below 10^width) with leading zeros to width digits.
void AppendDigits(std::string& out, long long value, int width) {
    char digits[4];
    for (int i = width - 1; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(digits, static_cast<std::size_t>(width));
}

/// Appends HH:MM:SS.
void AppendClock(std::string& out, const Fields& fields) {
    AppendDigits(out, fields.hour, 2);
    out += ':';
    AppendDigits(out, fields.minute, 2);
    out += ':';
    AppendDigits(out, fields.second, 2);
}

}  // namespace

// Formatted field by field: these run for every answer (the Date header) and every time in
// JSON, and date::format's stream and locale cost 8% of a GET in a profile. date::format stays
// for the years outside 0-9999 that only a fuzzer makes.
std::string FormatRfc3339(Instant instant) {
    const auto fields = FieldsOf(instant);
    if (!fields) return date::format("%Y-%m-%dT%H:%M:%SZ", instant);
    std::string out;
    out.reserve(20);
    AppendDigits(out, fields->year, 4);
    out += '-';
    AppendDigits(out, fields->month, 2);
    out += '-';
    AppendDigits(out, fields->day, 2);
    out += 'T';
    AppendClock(out, *fields);
    out += 'Z';
    return out;
}

std::string FormatHttpDate(Instant instant) {
    const auto fields = FieldsOf(instant);
    if (!fields) return date::format("%a, %d %b %Y %H:%M:%S GMT", instant);
    static constexpr std::string_view kWeekdays[] = {"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};
    static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::string out;
    out.reserve(29);
    out += kWeekdays[fields->weekday];
    out += ", ";
    AppendDigits(out, fields->day, 2);
    out += ' ';
    out += kMonths[fields->month - 1];
    out += ' ';
    AppendDigits(out, fields->year, 4);
    out += ' ';
    AppendClock(out, *fields);
    out += " GMT";
    return out;
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

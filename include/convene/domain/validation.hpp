#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "convene/domain/error.hpp"

namespace convene::domain {

/// Trims ASCII whitespace at both ends.
std::string Trim(std::string_view text);

/// Lower-cases ASCII letters (email addresses compare case-insensitively).
std::string AsciiLower(std::string_view text);

/// A practical address check (what mail servers accept, not all of RFC 5322): one `@`, a
/// non-empty local part, a dotted domain of letters, digits and hyphens, at most 254 bytes,
/// no whitespace, control characters, quotes or angle brackets.
bool IsValidEmail(std::string_view email);

/// Counts code points of valid UTF-8; returns npos for invalid UTF-8.
std::size_t Utf8Length(std::string_view text);

/// True when `text` is valid UTF-8 without control characters (tabs and new lines included).
bool IsSingleLineText(std::string_view text);

/// `text` trimmed, when that is 1 to `max_chars` characters of valid UTF-8 on one line.
std::optional<std::string> SingleLine(std::string_view text, std::size_t max_chars);

/// 422 invalid_timezone: not an IANA zone of the system's tz database.
AppError InvalidTimezone();

}  // namespace convene::domain

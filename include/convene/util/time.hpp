#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "convene/util/clock.hpp"

namespace convene::util {

/// RFC 3339 in UTC with seconds precision and `Z`: `2026-11-22T10:00:00Z`.
std::string FormatRfc3339(Instant instant);

/// Parses an RFC 3339 date-time (`Z` or a numeric offset; fractional seconds are truncated).
/// Returns nullopt for anything else, including out-of-range fields.
std::optional<Instant> ParseRfc3339(std::string_view text);

/// An HTTP date (RFC 9110 IMF-fixdate): `Sun, 22 Nov 2026 10:00:00 GMT`.
std::string FormatHttpDate(Instant instant);

}  // namespace convene::util

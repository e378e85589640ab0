#pragma once

#include <date/date.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "convene/util/clock.hpp"

namespace convene::util {

/// A wall-clock time without a zone, to the minute (an event session's `start`).
using LocalMinutes = date::local_time<std::chrono::minutes>;

/// Parses `YYYY-MM-DDTHH:MM`; nullopt for anything else, including impossible dates.
std::optional<LocalMinutes> ParseLocalMinutes(std::string_view text);
/// `YYYY-MM-DDTHH:MM`.
std::string FormatLocalMinutes(LocalMinutes local);

/// True when `zone` names a zone of the system's tz database (`Europe/Paris`).
bool IsKnownZone(std::string_view zone);

/// The instant at which the wall clocks of `zone` show `local`, from the system's tz database.
/// A time that does not exist (a DST gap) is read with the offset before the gap, so it moves
/// forward by the gap's length, as RFC 5545 does; an ambiguous one (a DST overlap) is its
/// first instant. nullopt for an unknown zone.
std::optional<Instant> ToInstant(LocalMinutes local, std::string_view zone);

/// `at` on the wall clocks of `zone`, for people: "Tuesday 1 December 2026, 10:00
/// (America/New_York, UTC-05:00)". An unknown zone reads as UTC.
std::string FormatForPeople(Instant at, std::string_view zone);

/// The version of the system's tz database (`2026a`), or "unknown".
std::string TzDatabaseVersion();

}  // namespace convene::util

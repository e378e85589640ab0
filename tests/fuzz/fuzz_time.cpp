// Times and zones as people and scripts send them: RFC 3339 instants, local wall times and
// IANA zone names. The input is "instant\nlocal\nzone" (missing lines are empty).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "convene/util/time.hpp"
#include "convene/util/zone.hpp"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view input) {
    std::fprintf(stderr, "%s: %.*s\n", what, static_cast<int>(input.size()), input.data());
    std::abort();
}

std::string_view NextLine(std::string_view& rest) {
    const auto end = rest.find('\n');
    const auto line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const auto instant_text = NextLine(rest);
    const auto local_text = NextLine(rest);
    const auto zone = NextLine(rest);
    using namespace convene::util;

    // What is parsed is printed back as the contract's form, which parses to the same instant.
    if (const auto instant = ParseRfc3339(instant_text)) {
        const auto printed = FormatRfc3339(*instant);
        if (ParseRfc3339(printed) != instant) Fail("RFC 3339 round trip", printed);
        FormatHttpDate(*instant);
    }
    const auto local = ParseLocalMinutes(local_text);
    if (local) {
        const auto printed = FormatLocalMinutes(*local);
        if (printed != local_text) Fail("local time round trip", local_text);
    }
    // A zone either is known and turns every wall time into an instant, or is refused.
    const bool known = IsKnownZone(zone);
    if (local) {
        const auto instant = ToInstant(*local, zone);
        if (instant.has_value() != known) Fail("ToInstant disagrees with IsKnownZone", zone);
        if (instant) FormatForPeople(*instant, zone);
    }
    return 0;
}

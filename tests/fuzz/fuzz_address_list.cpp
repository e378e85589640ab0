// Email address lists as people paste them (invitations, co-facilitators, team members).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "convene/domain/invitation_service.hpp"
#include "convene/domain/validation.hpp"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view address) {
    std::fprintf(stderr, "%s: %.*s\n", what, static_cast<int>(address.size()), address.data());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto& address : convene::domain::SplitAddressList(text)) {
        // Each piece is something a person typed between separators, never a separator.
        if (address.empty()) Fail("an empty address", address);
        if (address.find_first_of(",; \t\r\n") != std::string::npos) Fail("a separator", address);
        if (!convene::domain::IsValidEmail(address)) continue;
        // What passes is what a mail server takes: one @, a bounded length, no controls.
        if (address.size() > 254) Fail("too long", address);
        if (address.find('@') != address.rfind('@')) Fail("two @", address);
        for (const unsigned char c : address) {
            if (c < 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"') Fail("a control", address);
        }
        // Lower-casing (how addresses compare) keeps an address valid.
        if (!convene::domain::IsValidEmail(convene::domain::AsciiLower(address))) {
            Fail("invalid once lower-cased", address);
        }
    }
    return 0;
}

// The request router with anything in a request. The input is a request as text:
//
//   METHOD TARGET
//   As: owner            (optional: anonymous, participant, other, cofacilitator, owner, admin)
//   Name: value          (any headers)
//
//   body
//
// `{id}`, `{session_id}`, `{token}`… in the target are filled with the things of a fresh world
// (fresh_worlds.hpp) so that inputs reach past the look-ups; `As:` adds that caller's cookie
// and the site's Origin (a participant's token goes in the query).
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "fresh_worlds.hpp"

namespace {

using convene::testing::Role;

std::string_view NextLine(std::string_view& rest) {
    const auto end = rest.find('\n');
    auto line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    return line;
}

std::optional<Role> RoleNamed(std::string_view name) {
    if (name == "anonymous") return Role::kAnonymous;
    if (name == "participant") return Role::kParticipant;
    if (name == "other") return Role::kOtherMember;
    if (name == "cofacilitator") return Role::kCoFacilitator;
    if (name == "owner") return Role::kOwner;
    if (name == "admin") return Role::kAdmin;
    return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);  // the router logs every 4xx and 5xx
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const auto request_line = NextLine(rest);
    const auto space = request_line.find(' ');
    if (space == std::string_view::npos) return -1;  // not a request: keep it out of the corpus

    static convene::fuzz::FreshWorlds worlds;
    const auto fresh = worlds.Next();
    auto& world = *fresh;
    auto target = world.Fill(request_line.substr(space + 1));
    convene::http::Headers headers;
    for (auto line = NextLine(rest); !line.empty(); line = NextLine(rest)) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        auto name = line.substr(0, colon);
        auto value = line.substr(colon + 1);
        while (value.starts_with(' ')) value.remove_prefix(1);
        if (name == "As") {
            const auto role = RoleNamed(value);
            if (!role) continue;
            for (auto& header : world.HeadersOf(*role)) headers.push_back(std::move(header));
            if (*role == Role::kParticipant) {
                target += (target.find('?') == std::string::npos ? "?" : "&");
                target += "participant_token=" + world.participant_token;
            }
            continue;
        }
        headers.emplace_back(std::string(name), std::string(value));
    }
    auto request = convene::http::Request::Make(
        convene::http::ParseMethod(request_line.substr(0, space)), std::move(target),
        std::string(rest), std::move(headers));
    request.client = "192.0.2.1";
    const auto copy = request;
    convene::fuzz::CheckAnswer(copy, world.router.Handle(std::move(request)));
    return 0;
}

#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "convene/http/request.hpp"

namespace convene::fuzz {

/// Stops the run with `what` and the response: libFuzzer keeps the input as a crash.
[[noreturn]] inline void Fail(std::string_view what, const http::Response& response) {
    std::fprintf(stderr, "%.*s: %d %s\n", static_cast<int>(what.size()), what.data(),
                 response.status, response.body.substr(0, 500).c_str());
    std::abort();
}

/// What every answer of the router must be, whatever it was sent: never a 500 (a bug: the
/// router's last-resort catch), a status HTTP knows, and for an API error the contract's body,
/// `{"error":{"code","message"}}`, with `Retry-After` on a 429.
inline void CheckAnswer(const http::Request& request, const http::Response& response) {
    if (response.status == 500) Fail("500 internal", response);
    if (response.status < 100 || response.status > 599) Fail("no such status", response);
    const bool api = request.path.starts_with("/api/");
    if (!api || response.status < 400 || request.method == http::Method::kHead) return;
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("error") ||
        !body["error"].is_object() || !body["error"].contains("code") ||
        !body["error"]["code"].is_string() || !body["error"].contains("message") ||
        !body["error"]["message"].is_string()) {
        Fail("an error without the contract's body", response);
    }
    if (response.status == 429 && !response.Header("Retry-After")) {
        Fail("429 without Retry-After", response);
    }
}

}  // namespace convene::fuzz

// The answer to whatever a client sends on its WebSocket (live::AnswerClientMessage).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "convene/live/client_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto answer = convene::live::AnswerClientMessage(text);
    if (answer.close_code) {
        if (*answer.close_code != convene::live::kCloseBadPayload) std::abort();
        // A close reason must fit a control frame (RFC 6455: 123 bytes).
        if (answer.text.size() > 123) std::abort();
        return 0;
    }
    // Anything sent back is one JSON object with a type.
    const auto reply = nlohmann::json::parse(answer.text, nullptr, false);
    if (reply.is_discarded() || !reply.is_object() || !reply.contains("type")) {
        std::fprintf(stderr, "not a message: %s\n", answer.text.c_str());
        std::abort();
    }
    return 0;
}

#include "convene/live/client_message.hpp"

#include <nlohmann/json.hpp>

namespace convene::live {
namespace {

/// At most `max` bytes of `text`, cut before a UTF-8 sequence rather than inside one.
std::string_view Prefix(std::string_view text, std::size_t max) {
    if (text.size() <= max) return text;
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

}  // namespace

ClientMessageAnswer AnswerClientMessage(std::string_view text) {
    const auto message = nlohmann::json::parse(text, nullptr, false);
    const auto type = message.is_object() ? message.find("type") : message.end();
    if (message.is_discarded() || !message.is_object() || type == message.end() ||
        !type->is_string()) {
        return {.text = "messages are JSON objects with a type", .close_code = kCloseBadPayload};
    }
    const auto& name = type->get_ref<const std::string&>();
    if (name == "ping") return {.text = nlohmann::json{{"type", "pong"}}.dump()};
    const nlohmann::json error = {
        {"type", "error"},
        {"error",
         {{"code", "unknown_type"},
          {"message", "Unknown message type: " + std::string(Prefix(name, 64))}}}};
    // The type came from valid JSON, so it is valid UTF-8 and so is its cut prefix; replace
    // rather than throw should that ever not hold.
    return {.text = error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace convene::live

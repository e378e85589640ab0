#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace convene::live {

/// WebSocket close code for a message that is not what the protocol expects (RFC 6455 §7.4.1).
inline constexpr std::uint16_t kCloseBadPayload = 1007;

/// What to do about one text message a client sent on its WebSocket.
struct ClientMessageAnswer {
    /// The message to send back (JSON), or, when `close_code` is set, the close reason.
    std::string text;
    std::optional<std::uint16_t> close_code;
};

/// Answers a client's text message: `{"type":"ping"}` gets a pong, any other type an
/// `unknown_type` error; anything that is not a JSON object with a string `type` closes the
/// socket with 1007. Never throws; the answer is valid UTF-8 whatever `text` holds.
/// Thread-safe (no state).
ClientMessageAnswer AnswerClientMessage(std::string_view text);

}  // namespace convene::live

#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace convene::testing {

/// A WebSocket client over a real socket. Every wait has a deadline, so a server that stays
/// silent fails the test instead of hanging it.
class WsClient {
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;

    /// Connects and upgrades `target`; throws std::runtime_error (with the HTTP status of a
    /// refused upgrade in the message) on failure.
    /// `receive_buffer` > 0 shrinks the socket's receive buffer (to play a slow reader).
    WsClient(std::uint16_t port, const std::string& target, const Headers& headers = {},
             int receive_buffer = 0);
    ~WsClient();

    /// The HTTP status a refused upgrade got (0 when it did not answer).
    static int RefusedStatus(std::uint16_t port, const std::string& target,
                             const Headers& headers = {});

    /// The next message, parsed; nullopt when none arrives in time or the socket closed.
    std::optional<nlohmann::json> Next(std::chrono::milliseconds timeout = std::chrono::seconds{10});
    /// The raw text of the next message.
    std::optional<std::string> NextText(std::chrono::milliseconds timeout = std::chrono::seconds{10});
    /// Skips messages until one of `type` arrives.
    std::optional<nlohmann::json> NextOfType(const std::string& type,
                                             std::chrono::milliseconds timeout = std::chrono::seconds{10});
    void Send(const std::string& text);
    void SendBinary(const std::string& bytes);
    /// Reads until the server closes; its close code, or nullopt on timeout.
    std::optional<std::uint16_t> WaitForClose(std::chrono::milliseconds timeout = std::chrono::seconds{10});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace convene::testing

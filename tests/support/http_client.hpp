#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace convene::testing {

struct HttpResult {
    int status = 0;
    std::multimap<std::string, std::string> headers;  ///< names lower-cased
    std::string body;

    nlohmann::json Json() const;
    std::optional<std::string> Header(const std::string& lower_name) const;
    /// The error code of a contract-shaped error body, or "" when it has none.
    std::string ErrorCode() const;
};

/// A blocking HTTP/1.1 client over a real socket, with one keep-alive connection and a cookie
/// jar. Every read has a deadline, so a misbehaving server fails the test instead of hanging it.
class HttpClient {
public:
    explicit HttpClient(std::uint16_t port, std::string origin = {});
    ~HttpClient();

    HttpResult Request(const std::string& method, const std::string& target,
                       const std::string& body = {},
                       const std::vector<std::pair<std::string, std::string>>& headers = {});
    HttpResult Get(const std::string& target) { return Request("GET", target); }
    HttpResult PostJson(const std::string& target, const nlohmann::json& body) {
        return Request("POST", target, body.dump(), {{"Content-Type", "application/json"}});
    }

    /// Cookies set by the server so far (name → value), sent back on each request.
    std::map<std::string, std::string>& Cookies() { return cookies_; }
    /// How many TCP connections this client has opened (1 while keep-alive holds).
    int ConnectionsOpened() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::map<std::string, std::string> cookies_;
};

/// Sends raw bytes on a new connection and returns everything the server sends until it closes
/// or `deadline` passes. `closed` tells whether the server closed the connection.
struct RawResult {
    std::string received;
    bool closed = false;
};
RawResult RawExchange(std::uint16_t port, const std::string& bytes,
                      std::chrono::milliseconds deadline = std::chrono::seconds{10});

}  // namespace convene::testing

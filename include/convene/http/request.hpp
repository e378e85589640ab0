#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace convene::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

/// Parses an HTTP method token (case-sensitive, as RFC 9110 says).
Method ParseMethod(std::string_view name);
std::string_view MethodName(Method method);
/// True for methods that change state (POST, PUT, PATCH, DELETE).
bool ChangesState(Method method);

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Decodes %XX escapes (and `+` as space when `form` is set); nullopt on a bad escape.
std::optional<std::string> PercentDecode(std::string_view text, bool form = false);

/// A request as the router sees it: no socket, no Beast types, so tests build it directly.
struct Request {
    Method method = Method::kGet;
    std::string target;  ///< as received: path plus query
    std::string path;    ///< the target's path, not decoded
    std::string query;   ///< after '?', not decoded
    Headers headers;
    std::string body;
    std::string client;      ///< the peer's address, for rate limits and logs
    std::string request_id;  ///< set by the transport (or the router when empty)

    /// Builds a request, splitting `target` into path and query.
    static Request Make(Method method, std::string target, std::string body = {},
                        Headers headers = {});

    /// The first header with this name (case-insensitive), if any.
    std::optional<std::string_view> Header(std::string_view name) const;
    /// The decoded value of query parameter `name`, if present.
    std::optional<std::string> QueryParam(std::string_view name) const;
    /// The value of cookie `name` from the Cookie header(s), if present.
    std::optional<std::string> Cookie(std::string_view name) const;
};

/// A response: status, headers, body. Content-Length is the transport's business.
struct Response {
    int status = 200;
    Headers headers;
    std::string body;

    /// Replaces any header of that name (case-insensitive).
    void SetHeader(std::string_view name, std::string value);
    void AddHeader(std::string name, std::string value);
    std::optional<std::string_view> Header(std::string_view name) const;
};

/// ASCII case-insensitive equality, for header names.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace convene::http

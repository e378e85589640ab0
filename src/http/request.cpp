#include "convene/http/request.hpp"

#include <array>

namespace convene::http {
namespace {

constexpr std::array<std::pair<std::string_view, Method>, 7> kMethods = {{
    {"GET", Method::kGet},
    {"HEAD", Method::kHead},
    {"POST", Method::kPost},
    {"PUT", Method::kPut},
    {"PATCH", Method::kPatch},
    {"DELETE", Method::kDelete},
    {"OPTIONS", Method::kOptions},
}};

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string_view TrimSpaces(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

}  // namespace

Method ParseMethod(std::string_view name) {
    for (const auto& [text, method] : kMethods) {
        if (text == name) return method;
    }
    return Method::kOther;
}

std::string_view MethodName(Method method) {
    for (const auto& [text, known] : kMethods) {
        if (known == method) return text;
    }
    return "OTHER";
}

bool ChangesState(Method method) {
    return method == Method::kPost || method == Method::kPut || method == Method::kPatch ||
           method == Method::kDelete;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::optional<std::string> PercentDecode(std::string_view text, bool form) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = HexValue(text[i + 1]);
            const int lo = HexValue(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && form) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

Request Request::Make(Method method, std::string target, std::string body, Headers headers) {
    Request request;
    request.method = method;
    request.target = std::move(target);
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    request.body = std::move(body);
    request.headers = std::move(headers);
    return request;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (EqualsIgnoreCase(key, name)) return std::string_view(value);
    }
    return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
    std::string_view rest = query;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        const auto key = PercentDecode(pair.substr(0, eq), true);
        if (!key || *key != name) continue;
        if (eq == std::string_view::npos) return std::string{};
        return PercentDecode(pair.substr(eq + 1), true);
    }
    return std::nullopt;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (!EqualsIgnoreCase(key, "cookie")) continue;
        std::string_view rest = value;
        while (!rest.empty()) {
            const auto semi = rest.find(';');
            const auto pair = TrimSpaces(rest.substr(0, semi));
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos || TrimSpaces(pair.substr(0, eq)) != name) continue;
            auto cookie = TrimSpaces(pair.substr(eq + 1));
            if (cookie.size() >= 2 && cookie.front() == '"' && cookie.back() == '"') {
                cookie = cookie.substr(1, cookie.size() - 2);
            }
            return std::string(cookie);
        }
    }
    return std::nullopt;
}

void Response::SetHeader(std::string_view name, std::string value) {
    std::erase_if(headers, [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
    headers.emplace_back(std::string(name), std::move(value));
}

void Response::AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Response::Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (EqualsIgnoreCase(key, name)) return std::string_view(value);
    }
    return std::nullopt;
}

}  // namespace convene::http

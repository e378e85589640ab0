#include "convene/http/security.hpp"

#include <cctype>

#include "convene/http/router.hpp"

namespace convene::http {

bool IsHttps(std::string_view base_url) {
    constexpr std::string_view kScheme = "https://";
    if (base_url.size() < kScheme.size()) return false;
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(base_url[i])) != kScheme[i]) return false;
    }
    return true;
}

std::vector<std::string> BaseUrlWarnings(std::string_view base_url) {
    const std::string url(base_url);
    if (IsLoopbackUrl(base_url)) {
        return {"The base URL " + url +
                " is a loopback address: QR codes and join links will point phones at "
                "themselves. Set --base-url to the address people use."};
    }
    if (!IsHttps(base_url)) {
        return {"The base URL " + url +
                " is plain http on a real host: sign-in cookies cannot be marked Secure. Put "
                "Convene behind https."};
    }
    return {};
}

std::string_view SessionCookieName(std::string_view base_url) {
    return IsHttps(base_url) ? "__Host-convene_session" : "convene_session";
}

void AddSecurityHeaders(Response& response, bool https) {
    response.SetHeader("X-Content-Type-Options", "nosniff");
    response.SetHeader("X-Frame-Options", "DENY");
    response.SetHeader("Referrer-Policy", "same-origin");
    if (!response.Header("Content-Security-Policy")) {
        // JSON, SVG, CSV, errors: nothing in them may run or load anything.
        response.SetHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    }
    if (https) response.SetHeader("Strict-Transport-Security", "max-age=31536000");
}

std::string RedactedPath(std::string_view path) {
    static constexpr std::string_view kSecretAfter[] = {
        "/j/", "/r/", "/s/", "/api/public/registrations/", "/api/public/speakers/"};
    for (const auto prefix : kSecretAfter) {
        if (!path.starts_with(prefix)) continue;
        const auto rest = path.substr(prefix.size());
        const auto end = rest.find('/');
        std::string shown(prefix);
        shown += "\u2026";
        if (end != std::string_view::npos) shown += rest.substr(end);
        return shown;
    }
    return std::string(path);
}

}  // namespace convene::http

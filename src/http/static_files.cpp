#include "convene/http/static_files.hpp"

#include <array>
#include <fstream>
#include <sstream>

#include "convene/util/embedded_file.hpp"
#include "convene/util/hash.hpp"

namespace convene::http {
namespace embedded {
std::span<const util::EmbeddedFile> Files();
}  // namespace embedded

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webmanifest", "application/manifest+json"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
    {".jpg", "image/jpeg"},
    {".webp", "image/webp"},
    {".map", "application/json; charset=utf-8"},
}};

std::string ETagOf(std::string_view content) {
    return "\"" + util::Sha256Hex(content).substr(0, 20) + "\"";
}

/// The file a URL path names, relative to the web root; nullopt for anything that could
/// escape it or that is hidden.
std::optional<std::string> RelativePath(std::string_view path) {
    if (path.empty() || path.front() != '/') return std::nullopt;
    if (path == "/") return "index.html";
    path.remove_prefix(1);
    if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view rest = path;
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const auto segment = rest.substr(0, slash);
        if (segment.empty() || segment.front() == '.') return std::nullopt;
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    }
    return std::string(path);
}

bool ETagMatches(std::string_view if_none_match, std::string_view etag) {
    if (if_none_match == "*") return true;
    std::string_view rest = if_none_match;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        auto candidate = rest.substr(0, comma);
        while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
        while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
        if (candidate.starts_with("W/")) candidate.remove_prefix(2);
        if (candidate == etag) return true;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return false;
}

}  // namespace

StaticFiles::StaticFiles() {
    for (const auto& file : embedded::Files()) {
        embedded_.emplace(std::string(file.path),
                          File{std::string(file.content), ETagOf(file.content)});
    }
}

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

std::string_view StaticFiles::ContentTypeFor(std::string_view path) {
    const auto dot = path.rfind('.');
    if (dot != std::string_view::npos) {
        const auto ext = path.substr(dot);
        for (const auto& [known, type] : kTypes) {
            if (known == ext) return type;
        }
    }
    return "application/octet-stream";
}

std::optional<StaticFiles::File> StaticFiles::Load(const std::string& relative) const {
    if (!root_) {
        const auto it = embedded_.find(relative);
        if (it == embedded_.end()) return std::nullopt;
        return it->second;
    }
    const auto full = *root_ / relative;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(full, ec)) return std::nullopt;
    std::ifstream in(full, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    auto text = std::move(content).str();
    auto etag = ETagOf(text);
    return File{std::move(text), std::move(etag)};
}

std::optional<Response> StaticFiles::Serve(const Request& request) const {
    auto relative = RelativePath(request.path);
    if (!relative) return std::nullopt;
    if (auto response = ServeFile(*relative, request)) return response;
    // Pages are linked without their extension: /signin serves signin.html.
    if (relative->find('.') == std::string::npos) return ServeFile(*relative + ".html", request);
    return std::nullopt;
}

std::optional<Response> StaticFiles::ServeFile(std::string relative,
                                               const Request& request) const {
    auto file = Load(relative);
    if (!file) return std::nullopt;

    Response response;
    response.SetHeader("ETag", file->etag);
    // Revalidate every time: a new binary must never leave stale pages in browsers.
    response.SetHeader("Cache-Control", "no-cache");
    // A 304 too: the browser replaces the stored page's headers with the 304's, so a page
    // revalidated without its own policy would get the default one, which lets no script run.
    if (relative.ends_with(".html")) {
        response.SetHeader("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; frame-ancestors 'none'");
    }
    if (auto tag = request.Header("If-None-Match"); tag && ETagMatches(*tag, file->etag)) {
        response.status = 304;
        return response;
    }
    response.SetHeader("Content-Type", std::string(ContentTypeFor(relative)));
    response.body = std::move(file->content);
    return response;
}

}  // namespace convene::http

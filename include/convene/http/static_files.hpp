#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "convene/http/request.hpp"

namespace convene::http {

/// Serves the web app: from the files compiled into the binary, or from a folder (--web-dir)
/// for front-end work. Correct Content-Type, ETag and If-None-Match. Thread-safe.
class StaticFiles {
public:
    /// The embedded files.
    StaticFiles();
    /// The files under `root`, read at each request.
    explicit StaticFiles(std::filesystem::path root);

    /// The response for a GET/HEAD of `request.path`, or nullopt when there is no such file.
    std::optional<Response> Serve(const Request& request) const;
    /// The response for file `relative` (under the web root), whatever the request's path.
    std::optional<Response> ServeFile(std::string relative, const Request& request) const;

    static std::string_view ContentTypeFor(std::string_view path);

private:
    struct File {
        std::string content;
        std::string etag;
    };
    std::optional<File> Load(const std::string& relative) const;

    std::optional<std::filesystem::path> root_;
    std::map<std::string, File, std::less<>> embedded_;
};

}  // namespace convene::http

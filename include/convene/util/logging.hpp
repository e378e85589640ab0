#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace convene::util {

/// How log lines are written: text for people, or one JSON object a line for collectors.
enum class LogFormat { kText, kJson };

/// `text` or `json`; nullopt for anything else.
std::optional<LogFormat> ParseLogFormat(std::string_view name);

/// Configures the default spdlog logger: lines on stderr at `level` (trace, debug, info,
/// warn, error, off), as text (`2026-11-22T10:00:00.000Z info message`) or as JSON lines
/// (`{"time":"2026-11-22T10:00:00.000Z","level":"info","request_id":"…","msg":"message"}`,
/// `request_id` while a RequestLogScope is open on the logging thread). Returns false for an
/// unknown level.
bool SetUpLogging(std::string_view level, LogFormat format = LogFormat::kText);

/// True when `level` names a log level SetUpLogging accepts.
bool IsLogLevel(std::string_view level);

/// While it lives, what this thread logs belongs to request `id` (JSON lines carry it as
/// `request_id`). Scopes nest; each restores the one before.
class RequestLogScope {
public:
    explicit RequestLogScope(std::string_view id);
    ~RequestLogScope();
    RequestLogScope(const RequestLogScope&) = delete;
    RequestLogScope& operator=(const RequestLogScope&) = delete;

private:
    std::string previous_;
};

}  // namespace convene::util

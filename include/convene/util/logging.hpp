#pragma once

#include <string_view>

namespace convene::util {

/// Configures the default spdlog logger: text lines on stderr at `level`
/// (trace, debug, info, warn, error, off). Returns false for an unknown level.
bool SetUpLogging(std::string_view level);

/// True when `level` names a log level SetUpLogging accepts.
bool IsLogLevel(std::string_view level);

}  // namespace convene::util

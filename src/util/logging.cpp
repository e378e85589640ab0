#include "convene/util/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <array>

namespace convene::util {
namespace {

constexpr std::array<std::string_view, 6> kLevels = {"trace", "debug", "info",
                                                     "warn",  "error", "off"};

}  // namespace

bool IsLogLevel(std::string_view level) {
    for (auto known : kLevels) {
        if (known == level) return true;
    }
    return false;
}

bool SetUpLogging(std::string_view level) {
    if (!IsLogLevel(level)) return false;
    spdlog::drop("convene");  // so that tests may set up logging more than once
    auto logger = spdlog::stderr_color_mt("convene");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    logger->set_level(spdlog::level::from_str(std::string(level)));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
    return true;
}

}  // namespace convene::util

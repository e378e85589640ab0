#include "convene/util/logging.hpp"

#include <date/date.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <nlohmann/json.hpp>

namespace convene::util {
namespace {

constexpr std::array<std::string_view, 6> kLevels = {"trace", "debug", "info",
                                                     "warn",  "error", "off"};

thread_local std::string current_request;

/// One JSON object a line. Messages may hold text people typed: invalid UTF-8 is replaced
/// rather than breaking the line for the collector.
class JsonFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) override {
        nlohmann::json line = {
            {"time", date::format("%FT%TZ", std::chrono::time_point_cast<std::chrono::milliseconds>(
                                                message.time))},
            {"level", std::string(spdlog::level::to_string_view(message.level).data(),
                                  spdlog::level::to_string_view(message.level).size())},
        };
        if (!current_request.empty()) line["request_id"] = current_request;
        line["msg"] = std::string(message.payload.data(), message.payload.size());
        const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out.append(text.data(), text.data() + text.size());
        out.push_back('\n');
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonFormatter>();
    }
};

}  // namespace

std::optional<LogFormat> ParseLogFormat(std::string_view name) {
    if (name == "text") return LogFormat::kText;
    if (name == "json") return LogFormat::kJson;
    return std::nullopt;
}

bool IsLogLevel(std::string_view level) {
    for (auto known : kLevels) {
        if (known == level) return true;
    }
    return false;
}

bool SetUpLogging(std::string_view level, LogFormat format) {
    if (!IsLogLevel(level)) return false;
    spdlog::drop("convene");  // so that tests may set up logging more than once
    auto logger = spdlog::stderr_color_mt("convene");
    if (format == LogFormat::kJson) {
        logger->set_formatter(std::make_unique<JsonFormatter>());
    } else {
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    }
    logger->set_level(spdlog::level::from_str(std::string(level)));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
    return true;
}

RequestLogScope::RequestLogScope(std::string_view id) : previous_(std::move(current_request)) {
    current_request = id;
}

RequestLogScope::~RequestLogScope() { current_request = std::move(previous_); }

}  // namespace convene::util

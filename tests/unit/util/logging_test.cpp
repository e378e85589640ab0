// Log lines as JSON, with the request they belong to.
#include "convene/util/logging.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

namespace convene::util {
namespace {

TEST(Logging, FormatsAreTextOrJson) {
    EXPECT_EQ(ParseLogFormat("text"), LogFormat::kText);
    EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
    EXPECT_FALSE(ParseLogFormat("JSON"));
    EXPECT_FALSE(ParseLogFormat(""));
}

TEST(Logging, JsonLinesCarryTheRequestTheyBelongTo) {
    ASSERT_TRUE(SetUpLogging("info", LogFormat::kJson));
    ::testing::internal::CaptureStderr();
    spdlog::info("before");
    {
        const RequestLogScope request("abc123");
        spdlog::warn("during \"quoted\" \xff bytes");
        {
            const RequestLogScope inner("def456");
            spdlog::info("nested");
        }
        spdlog::info("back");
    }
    spdlog::info("after");
    spdlog::default_logger()->flush();
    const auto text = ::testing::internal::GetCapturedStderr();
    SetUpLogging("info");  // text again, for the tests after this one

    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        auto json = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(json.is_discarded()) << line;
        lines.push_back(json);
    }
    ASSERT_EQ(lines.size(), 5u) << text;
    EXPECT_EQ(lines[0]["msg"], "before");
    EXPECT_FALSE(lines[0].contains("request_id"));
    EXPECT_EQ(lines[0]["level"], "info");
    EXPECT_TRUE(lines[0]["time"].get<std::string>().ends_with("Z"));
    EXPECT_EQ(lines[0]["time"].get<std::string>().size(), 24u);  // 2026-11-22T10:00:00.000Z
    EXPECT_EQ(lines[1]["level"], "warning");
    EXPECT_EQ(lines[1]["request_id"], "abc123");
    // Quotes survive; a byte that is not UTF-8 is replaced rather than breaking the line.
    EXPECT_EQ(lines[1]["msg"], "during \"quoted\" \xEF\xBF\xBD bytes");
    EXPECT_EQ(lines[2]["request_id"], "def456");
    EXPECT_EQ(lines[3]["request_id"], "abc123");
    EXPECT_FALSE(lines[4].contains("request_id"));
}

}  // namespace
}  // namespace convene::util

// What a client's own WebSocket messages get back.
#include "convene/live/client_message.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace convene::live {
namespace {

TEST(ClientMessage, APingGetsAPong) {
    const auto answer = AnswerClientMessage(R"({"type":"ping"})");
    EXPECT_FALSE(answer.close_code);
    EXPECT_EQ(answer.text, R"({"type":"pong"})");
}

TEST(ClientMessage, AnUnknownTypeGetsAnErrorNamingIt) {
    const auto answer = AnswerClientMessage(R"({"type":"vote","slide":3})");
    EXPECT_FALSE(answer.close_code);
    const auto json = nlohmann::json::parse(answer.text);
    EXPECT_EQ(json["type"], "error");
    EXPECT_EQ(json["error"]["code"], "unknown_type");
    EXPECT_EQ(json["error"]["message"], "Unknown message type: vote");
}

TEST(ClientMessage, ALongTypeIsCutBetweenCharactersNotInsideOne) {
    // 63 ASCII bytes then a 2-byte "é": a cut at 64 bytes would split it and the answer
    // could not be serialised as JSON at all.
    const std::string type = std::string(63, 'a') + "\xC3\xA9" + "tail";
    const auto answer = AnswerClientMessage(nlohmann::json{{"type", type}}.dump());
    ASSERT_FALSE(answer.close_code);
    const auto json = nlohmann::json::parse(answer.text);
    EXPECT_EQ(json["error"]["message"], "Unknown message type: " + std::string(63, 'a'));
}

TEST(ClientMessage, AnythingButAnObjectWithAStringTypeCloses1007) {
    for (const char* text : {"", "not json", "[]", "42", R"("ping")", "{}", R"({"type":1})",
                             R"({"type":null})", R"({"kind":"ping"})", R"({"type":"ping")"}) {
        SCOPED_TRACE(text);
        const auto answer = AnswerClientMessage(text);
        EXPECT_EQ(answer.close_code, kCloseBadPayload);
        EXPECT_EQ(answer.text, "messages are JSON objects with a type");
    }
}

}  // namespace
}  // namespace convene::live

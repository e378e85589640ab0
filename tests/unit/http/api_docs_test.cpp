// The route table (src/http/routes.cpp) against what documents it: docs/api.md, for people,
// and docs/openapi.json, for tools. A route added, removed or renamed without its documentation
// fails here; the live answers are checked against openapi.json by tests/api/openapi_live.py.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "convene/http/json.hpp"
#include "convene/http/routes.hpp"

namespace convene::http {
namespace {

std::string ReadSource(const std::string& relative) {
    std::ifstream in(std::string(CONVENE_SOURCE_DIR) + "/" + relative);
    if (!in) throw std::runtime_error("cannot read " + relative);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// `/api/events/{id}/sessions/{session_id}` → `/api/events/{}/sessions/{}`: documentation may
/// name a parameter more briefly (`{sid}`, `<token>`) than the table does.
std::string Shape(const std::string& path) {
    static const std::regex kParameter(R"(\{[^}/]*\}|<[^>/]*>)");
    return std::regex_replace(path, kParameter, "{}");
}

/// Every route the server answers as "METHOD /pattern": the table's, and the WebSocket
/// upgrade, handled before it (Router::AuthorizeLive).
std::set<std::string> ServedRoutes() {
    std::set<std::string> routes{"GET /ws/sessions/{id}"};
    for (const auto& route : ApiRoutes()) {
        routes.insert(std::string(MethodName(route.method)) + " " + std::string(route.pattern));
    }
    return routes;
}

TEST(ApiDocs, OpenApiHasEveryRouteOfTheTableAndNoOther) {
    const auto spec = Json::parse(ReadSource("docs/openapi.json"));
    EXPECT_EQ(spec["openapi"], "3.1.0");
    std::set<std::string> documented;
    for (const auto& [path, item] : spec["paths"].items()) {
        for (const auto& [method, operation] : item.items()) {
            if (method == "parameters" || method == "summary" || method == "description") continue;
            std::string upper = method;
            for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            documented.insert(upper + " " + path);
            EXPECT_TRUE(operation.contains("responses")) << upper << " " << path;
        }
    }
    const auto expected = ServedRoutes();
    for (const auto& route : expected) {
        EXPECT_TRUE(documented.contains(route)) << route << " is not in docs/openapi.json";
    }
    for (const auto& route : documented) {
        EXPECT_TRUE(expected.contains(route)) << route << " in docs/openapi.json is no route";
    }
}

TEST(ApiDocs, ApiMdNamesEveryRouteOfTheTable) {
    const auto text = Shape(ReadSource("docs/api.md"));
    const auto expected = ServedRoutes();
    for (const auto& route : expected) {
        const auto shaped = Shape(route);
        // The route as written in the text: followed by a space, a query, or the code's end.
        const bool found = text.find("`" + shaped + " ") != std::string::npos ||
                           text.find("`" + shaped + "?") != std::string::npos ||
                           text.find("`" + shaped + "`") != std::string::npos;
        EXPECT_TRUE(found) << route << " is not in docs/api.md";
    }
}

TEST(ApiDocs, ShapeIgnoresParameterNamesOnly) {
    EXPECT_EQ(Shape("/api/events/{id}/sessions/{session_id}"), "/api/events/{}/sessions/{}");
    EXPECT_EQ(Shape("GET /j/<token>"), "GET /j/{}");
    EXPECT_NE(Shape("/api/events/{id}"), Shape("/api/sessions/{id}"));
}

}  // namespace
}  // namespace convene::http

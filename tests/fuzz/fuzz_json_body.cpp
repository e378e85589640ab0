// Every JSON body parser, through the route that owns it. The input's first line names a route
// of the table that takes a body ("POST /api/sessions/{id}/slides"); a line naming none picks
// one by its bytes. The rest is the body, sent by a caller the route lets in (an admin for
// /api/admin, else the owner of everything in a fresh world), so it reaches the parser.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "convene/http/routes.hpp"
#include "fuzz_check.hpp"
#include "fresh_worlds.hpp"

namespace {

using convene::http::Method;
using convene::http::Route;

/// The routes that read a body.
const std::vector<Route>& BodyRoutes() {
    static const auto routes = [] {
        std::vector<Route> found;
        for (auto& route : convene::http::ApiRoutes()) {
            if (route.method == Method::kPost || route.method == Method::kPut ||
                route.method == Method::kPatch) {
                found.push_back(std::move(route));
            }
        }
        return found;
    }();
    return routes;
}

const Route& RouteNamed(std::string_view line) {
    for (const auto& route : BodyRoutes()) {
        const auto method = convene::http::MethodName(route.method);
        if (line.size() == method.size() + 1 + route.pattern.size() && line.starts_with(method) &&
            line[method.size()] == ' ' && line.ends_with(route.pattern)) {
            return route;
        }
    }
    return BodyRoutes()[std::hash<std::string_view>{}(line) % BodyRoutes().size()];
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto end = input.find('\n');
    const auto& route = RouteNamed(input.substr(0, end));
    const auto body = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);

    static convene::fuzz::FreshWorlds worlds;
    const auto fresh = worlds.Next();
    auto& world = *fresh;
    const auto role = route.pattern.starts_with("/api/admin") ? convene::testing::Role::kAdmin
                                                              : convene::testing::Role::kOwner;
    auto request = convene::http::Request::Make(route.method, world.Fill(route.pattern),
                                                std::string(body), world.HeadersOf(role));
    request.client = "192.0.2.1";
    const auto copy = request;
    convene::fuzz::CheckAnswer(copy, world.router.Handle(std::move(request)));
    return 0;
}

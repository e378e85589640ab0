#pragma once

#include <vector>

#include "convene/http/router.hpp"

namespace convene::http {

/// The whole API, one line a route: src/http/routes.cpp.
std::vector<Route> ApiRoutes();
/// The rate-limit buckets the routes name.
std::vector<RateBucket> RateBuckets();

}  // namespace convene::http

#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "convene/domain/error.hpp"
#include "convene/http/request.hpp"
#include "convene/util/clock.hpp"

namespace convene::http {

using domain::Result;
using Json = nlohmann::json;

/// A response with a JSON body (`application/json; charset=utf-8`).
Response JsonResponse(int status, const Json& body);
/// 204 with no body.
Response NoContent();

/// The request body as a JSON object. 400 malformed_json when it is not JSON,
/// 400 malformed_request when it is JSON but not an object. An empty body is `{}`.
Result<Json> ParseObject(const Request& request);

/// Field readers: a missing or wrongly typed field is 422 with `code` (which names the field).
Result<std::string> RequiredString(const Json& object, std::string_view field,
                                   std::string_view code);
Result<std::optional<std::string>> OptionalString(const Json& object, std::string_view field,
                                                  std::string_view code);
/// An integral number (`3`, not `3.5` or `"3"`) within [min, max].
Result<std::optional<int>> OptionalInt(const Json& object, std::string_view field,
                                       std::string_view code, int min, int max);

/// An RFC 3339 date-time string.
Result<std::optional<util::Instant>> OptionalInstant(const Json& object, std::string_view field,
                                                     std::string_view code);

}  // namespace convene::http

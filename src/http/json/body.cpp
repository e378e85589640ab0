#include "convene/http/json.hpp"

#include "convene/util/time.hpp"

namespace convene::http {
namespace {

domain::AppError FieldError(std::string_view code, std::string message) {
    return domain::Invalid(std::string(code), std::move(message));
}

}  // namespace

Response JsonResponse(int status, const Json& body) {
    Response response;
    response.status = status;
    response.SetHeader("Content-Type", "application/json; charset=utf-8");
    // Invalid UTF-8 from storage must never turn a good answer into a 500.
    response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    return response;
}

Response NoContent() {
    Response response;
    response.status = 204;
    return response;
}

Result<Json> ParseObject(const Request& request) {
    // Json converts from nearly anything, so results holding one are built explicitly.
    if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        return Result<Json>(boost::system::in_place_value, Json::object());
    }
    Json parsed = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
        return domain::Malformed("malformed_json", "The request body is not valid JSON.");
    }
    if (!parsed.is_object()) {
        return domain::Malformed("malformed_request", "The request body must be a JSON object.");
    }
    return Result<Json>(boost::system::in_place_value, std::move(parsed));
}

Result<std::string> RequiredString(const Json& object, std::string_view field,
                                   std::string_view code) {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
        return FieldError(code, std::string(field) + " is required.");
    }
    if (!it->is_string()) return FieldError(code, std::string(field) + " must be a string.");
    return it->get<std::string>();
}

Result<std::optional<std::string>> OptionalString(const Json& object, std::string_view field,
                                                  std::string_view code) {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) return std::optional<std::string>{};
    if (!it->is_string()) return FieldError(code, std::string(field) + " must be a string.");
    return std::optional<std::string>{it->get<std::string>()};
}

Result<std::optional<int>> OptionalInt(const Json& object, std::string_view field,
                                       std::string_view code, int min, int max) {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) return std::optional<int>{};
    const auto range = std::to_string(min) + " to " + std::to_string(max);
    if (it->is_number_integer()) {
        const auto value = it->get<long long>();
        if (value >= min && value <= max) return std::optional<int>{static_cast<int>(value)};
    } else if (it->is_number_float()) {
        // 30.0 is a whole number; 30.5 is not.
        const auto value = it->get<double>();
        if (value == static_cast<double>(static_cast<long long>(value)) && value >= min &&
            value <= max) {
            return std::optional<int>{static_cast<int>(value)};
        }
    }
    return FieldError(code, std::string(field) + " must be a whole number from " + range + ".");
}

Result<std::optional<util::Instant>> OptionalInstant(const Json& object, std::string_view field,
                                                     std::string_view code) {
    auto text = OptionalString(object, field, code);
    if (!text) return text.error();
    if (!*text) return std::optional<util::Instant>{};
    if (auto instant = util::ParseRfc3339(**text)) return std::optional<util::Instant>{*instant};
    return FieldError(code, std::string(field) +
                                " must be an RFC 3339 date-time, like 2026-11-22T10:00:00Z.");
}

}  // namespace convene::http

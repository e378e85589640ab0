#include "convene/http/error_response.hpp"

#include "convene/http/json.hpp"

namespace convene::http {

int StatusOf(domain::ErrorKind kind) {
    using domain::ErrorKind;
    switch (kind) {
        case ErrorKind::kMalformed: return 400;
        case ErrorKind::kUnauthenticated: return 401;
        case ErrorKind::kForbidden: return 403;
        case ErrorKind::kNotFound: return 404;
        case ErrorKind::kMethodNotAllowed: return 405;
        case ErrorKind::kConflict: return 409;
        case ErrorKind::kTooLarge: return 413;
        case ErrorKind::kInvalid: return 422;
        case ErrorKind::kClosed: return 423;
        case ErrorKind::kRateLimited: return 429;
        case ErrorKind::kUnavailable: return 503;
        case ErrorKind::kInternal: return 500;
    }
    return 500;
}

Response ErrorResponse(const domain::AppError& error, std::string_view request_id) {
    Json body = {{"error", {{"code", error.code}, {"message", error.message}}}};
    if (!request_id.empty()) body["error"]["request_id"] = request_id;
    auto response = JsonResponse(StatusOf(error.kind), body);
    if (error.retry_after) {
        response.SetHeader("Retry-After", std::to_string(error.retry_after->count()));
    }
    return response;
}

}  // namespace convene::http

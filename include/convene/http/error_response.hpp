#pragma once

#include <string_view>

#include "convene/domain/error.hpp"
#include "convene/http/request.hpp"

namespace convene::http {

/// The one mapping from ErrorKind to HTTP status.
int StatusOf(domain::ErrorKind kind);

/// `{"error": {"code", "message", "request_id"}}` with the mapped status (and Retry-After).
Response ErrorResponse(const domain::AppError& error, std::string_view request_id);

}  // namespace convene::http

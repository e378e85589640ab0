#pragma once

#include <boost/system/result.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace convene::domain {

/// Canonical outcome kinds (after Abseil's status codes); one switch maps them to HTTP.
enum class ErrorKind {
    kMalformed,         // 400: the request cannot be read
    kUnauthenticated,   // 401
    kForbidden,         // 403: signed in, not allowed
    kNotFound,          // 404: also "exists but not yours"
    kMethodNotAllowed,  // 405
    kConflict,          // 409
    kTooLarge,          // 413
    kInvalid,           // 422: well-formed but invalid
    kClosed,            // 423: session_closed
    kRateLimited,       // 429
    kUnavailable,       // 503: storage read-only, disk full, shutting down
    kInternal,          // 500
};

/// An expected failure: its kind, the contract's snake_case code, a sentence for a person.
struct AppError {
    ErrorKind kind;
    std::string code;
    std::string message;
    std::optional<std::chrono::seconds> retry_after;
};

/// Thrown only by Result::value() on an error (a bug in the caller).
class AppErrorException : public std::runtime_error {
public:
    explicit AppErrorException(AppError error);
    const AppError& Error() const { return error_; }

private:
    AppError error_;
};

[[noreturn]] void throw_exception_from_error(const AppError& error,
                                             const boost::source_location& location);

template <typename T>
using Result = boost::system::result<T, AppError>;

/// Shorthands for building errors.
inline AppError Invalid(std::string code, std::string message) {
    return {ErrorKind::kInvalid, std::move(code), std::move(message), std::nullopt};
}
inline AppError NotFound(std::string code, std::string message) {
    return {ErrorKind::kNotFound, std::move(code), std::move(message), std::nullopt};
}
inline AppError Conflict(std::string code, std::string message) {
    return {ErrorKind::kConflict, std::move(code), std::move(message), std::nullopt};
}
inline AppError Unauthenticated(std::string code, std::string message) {
    return {ErrorKind::kUnauthenticated, std::move(code), std::move(message), std::nullopt};
}
inline AppError Forbidden(std::string code, std::string message) {
    return {ErrorKind::kForbidden, std::move(code), std::move(message), std::nullopt};
}
inline AppError Malformed(std::string code, std::string message) {
    return {ErrorKind::kMalformed, std::move(code), std::move(message), std::nullopt};
}
inline AppError RateLimited(std::chrono::seconds retry_after, std::string message) {
    return {ErrorKind::kRateLimited, "rate_limited", std::move(message), retry_after};
}

}  // namespace convene::domain

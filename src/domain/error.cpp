#include "convene/domain/error.hpp"

namespace convene::domain {

AppErrorException::AppErrorException(AppError error)
    : std::runtime_error(error.code + ": " + error.message), error_(std::move(error)) {}

void throw_exception_from_error(const AppError& error, const boost::source_location&) {
    throw AppErrorException(error);
}

}  // namespace convene::domain

#include "convene/util/clock.hpp"

namespace convene::util {

Instant SystemClock::Now() const {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace convene::util

#pragma once

#include <chrono>
#include <thread>

namespace convene::testing {

/// Polls `done()` until it holds (true) or `timeout` passes (false).
template <typename Done>
bool Eventually(Done done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds{50});  // polling interval
    }
    return true;
}

/// The system clock's current second.
inline std::chrono::sys_seconds NowSeconds() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace convene::testing

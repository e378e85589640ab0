#pragma once

#include <chrono>

namespace convene::util {

using Instant = std::chrono::sys_seconds;

/// Source of wall-clock time, to the second. Implementations are thread-safe.
class Clock {
public:
    virtual ~Clock() = default;
    /// The current UTC instant, truncated to whole seconds.
    virtual Instant Now() const = 0;
    /// When the system clock will be at the moment this clock reads `at`: what a thread that
    /// sleeps until `at` waits for (a fake clock maps its own time onto the real one).
    virtual std::chrono::system_clock::time_point SystemTimeOf(Instant at) const = 0;
};

/// The system clock.
class SystemClock final : public Clock {
public:
    Instant Now() const override;
    std::chrono::system_clock::time_point SystemTimeOf(Instant at) const override { return at; }
};

}  // namespace convene::util

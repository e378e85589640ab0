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
};

/// The system clock.
class SystemClock final : public Clock {
public:
    Instant Now() const override;
};

}  // namespace convene::util

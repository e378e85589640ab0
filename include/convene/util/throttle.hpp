#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "convene/util/clock.hpp"

namespace convene::util {

/// Counts failures per key (a client address) and blocks a key that fails too often, for a
/// penalty that doubles each time the same key is blocked again (up to a cap), and is
/// forgiven after a quiet period. Successes are not counted. Thread-safe.
class Throttle {
public:
    struct Settings {
        /// Failures allowed within `window` before the key is blocked.
        int max_failures = 5;
        std::chrono::seconds window{60};
        /// The first block lasts this long; each further block doubles it.
        std::chrono::seconds base_penalty{60};
        std::chrono::seconds max_penalty{3600};
        /// A key that has not failed for this long starts over.
        std::chrono::seconds forgive_after{std::chrono::hours{6}};
        std::size_t max_keys = 100'000;
    };

    Throttle(const Clock& clock, Settings settings);

    /// How long `key` must still wait; nullopt when it may try now.
    std::optional<std::chrono::seconds> Check(const std::string& key);
    /// Records a failure, or `weight` of them at once; returns the wait when this got the key
    /// blocked. A weight of max_failures blocks at once.
    std::optional<std::chrono::seconds> RecordFailure(const std::string& key, int weight = 1);
    int MaxFailures() const { return settings_.max_failures; }

private:
    struct State {
        int failures = 0;
        Instant window_start;
        Instant last_failure;
        Instant blocked_until;
        int level = 0;  ///< how many times this key has been blocked
    };
    State& StateFor(const std::string& key, Instant now);

    const Clock& clock_;
    Settings settings_;
    std::mutex mutex_;
    std::unordered_map<std::string, State> states_;
};

}  // namespace convene::util

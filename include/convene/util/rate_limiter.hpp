#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "convene/util/clock.hpp"

namespace convene::util {

/// A keyed token bucket: each key may spend `burst` tokens at once, refilled at
/// `burst / window`. Keys idle for a full window are forgotten. Thread-safe.
class RateLimiter {
public:
    struct Limit {
        double burst = 10;
        std::chrono::seconds window{60};
    };

    RateLimiter(const Clock& clock, Limit limit, std::size_t max_keys = 100'000);

    /// Spends `cost` tokens for `key`. Returns nullopt when allowed, else how long until
    /// enough are back (nothing is spent then).
    std::optional<std::chrono::seconds> Acquire(const std::string& key, double cost = 1.0);
    /// How long until `key` may spend a token again without spending one; nullopt when it can now.
    std::optional<std::chrono::seconds> Check(const std::string& key);
    /// Forgets `key` (a successful login clears its failures).
    void Reset(const std::string& key);
    /// Forgets every key idle for a full window (its bucket is full again: it holds nothing)
    /// and shrinks the table to the keys left. Returns how many were forgotten.
    std::size_t ForgetIdle();

private:
    struct Bucket {
        double tokens;
        Instant updated;
    };
    Bucket& Refill(const std::string& key, Instant now);
    std::optional<std::chrono::seconds> WaitFor(const Bucket& bucket, double cost = 1.0) const;
    std::size_t DropIdle(Instant now);

    const Clock& clock_;
    Limit limit_;
    std::size_t max_keys_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace convene::util

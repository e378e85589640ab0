#include "convene/util/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace convene::util {

RateLimiter::RateLimiter(const Clock& clock, Limit limit, std::size_t max_keys)
    : clock_(clock), limit_(limit), max_keys_(max_keys) {}

RateLimiter::Bucket& RateLimiter::Refill(const std::string& key, Instant now) {
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_keys_) {
            DropIdle(now);
            // Under a flood of distinct keys, starting over beats growing without bound.
            if (buckets_.size() >= max_keys_) buckets_.clear();
        }
        it = buckets_.emplace(key, Bucket{limit_.burst, now}).first;
        return it->second;
    }
    Bucket& bucket = it->second;
    const auto elapsed = static_cast<double>((now - bucket.updated).count());
    if (elapsed > 0) {
        const double rate = limit_.burst / static_cast<double>(limit_.window.count());
        bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed * rate);
        bucket.updated = now;
    }
    return bucket;
}

std::optional<std::chrono::seconds> RateLimiter::WaitFor(const Bucket& bucket,
                                                         double cost) const {
    if (bucket.tokens >= cost) return std::nullopt;
    const double rate = limit_.burst / static_cast<double>(limit_.window.count());
    const double seconds = std::ceil((cost - bucket.tokens) / rate);
    return std::chrono::seconds{std::max<long long>(1, static_cast<long long>(seconds))};
}

std::optional<std::chrono::seconds> RateLimiter::Acquire(const std::string& key, double cost) {
    std::lock_guard lock(mutex_);
    Bucket& bucket = Refill(key, clock_.Now());
    if (auto wait = WaitFor(bucket, cost)) return wait;
    bucket.tokens -= cost;
    return std::nullopt;
}

std::optional<std::chrono::seconds> RateLimiter::Check(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(key);
    if (it == buckets_.end()) return std::nullopt;
    return WaitFor(Refill(key, clock_.Now()));
}

void RateLimiter::Reset(const std::string& key) {
    std::lock_guard lock(mutex_);
    buckets_.erase(key);
}

std::size_t RateLimiter::ForgetIdle() {
    std::lock_guard lock(mutex_);
    const auto forgotten = DropIdle(clock_.Now());
    if (forgotten > 0) buckets_.rehash(0);  // the table does not shrink by itself
    return forgotten;
}

std::size_t RateLimiter::DropIdle(Instant now) {
    // A bucket idle for a full window has refilled completely: it holds no information any more.
    return std::erase_if(buckets_, [&](const auto& entry) {
        return now - entry.second.updated >= limit_.window;
    });
}

}  // namespace convene::util

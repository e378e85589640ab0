#include "convene/util/throttle.hpp"

#include <algorithm>
#include <cstdint>

namespace convene::util {

Throttle::Throttle(const Clock& clock, Settings settings) : clock_(clock), settings_(settings) {}

Throttle::State& Throttle::StateFor(const std::string& key, Instant now) {
    auto it = states_.find(key);
    if (it != states_.end() && now - it->second.last_failure >= settings_.forgive_after &&
        now >= it->second.blocked_until) {
        states_.erase(it);
        it = states_.end();
    }
    if (it == states_.end()) {
        if (states_.size() >= settings_.max_keys) {
            std::erase_if(states_, [&](const auto& entry) {
                return now >= entry.second.blocked_until &&
                       now - entry.second.last_failure >= settings_.window;
            });
        }
        it = states_.emplace(key, State{0, now, now, now, 0}).first;
    }
    return it->second;
}

std::optional<std::chrono::seconds> Throttle::Check(const std::string& key) {
    std::lock_guard lock(mutex_);
    const auto now = clock_.Now();
    const auto it = states_.find(key);
    if (it == states_.end() || now >= it->second.blocked_until) return std::nullopt;
    return it->second.blocked_until - now;
}

std::optional<std::chrono::seconds> Throttle::RecordFailure(const std::string& key, int weight) {
    std::lock_guard lock(mutex_);
    const auto now = clock_.Now();
    State& state = StateFor(key, now);
    if (now - state.window_start >= settings_.window) {
        state.window_start = now;
        state.failures = 0;
    }
    state.last_failure = now;
    state.failures += std::max(1, weight);
    if (state.failures < settings_.max_failures) return std::nullopt;
    const std::chrono::seconds doubled =
        settings_.base_penalty * (std::int64_t{1} << std::min(state.level, 20));
    const auto penalty = std::min(settings_.max_penalty, doubled);
    ++state.level;
    state.failures = 0;
    state.window_start = now;
    state.blocked_until = now + penalty;
    return penalty;
}

}  // namespace convene::util

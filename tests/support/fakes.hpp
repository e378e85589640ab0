#pragma once

#include <atomic>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "convene/domain/session_events.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"

namespace convene::testing {

/// A clock that moves only when told. Thread-safe.
class FakeClock final : public util::Clock {
public:
    explicit FakeClock(util::Instant start = util::Instant{std::chrono::seconds{1'795'000'000}})
        : now_(start.time_since_epoch().count()) {}
    util::Instant Now() const override { return util::Instant{std::chrono::seconds{now_.load()}}; }
    /// Fake time runs at the real pace between changes: `at` is as far ahead as it is here.
    std::chrono::system_clock::time_point SystemTimeOf(util::Instant at) const override {
        return std::chrono::system_clock::now() + (at - Now());
    }
    void Advance(std::chrono::seconds by) { now_ += by.count(); }
    void Set(util::Instant at) { now_ = at.time_since_epoch().count(); }

private:
    std::atomic<long long> now_;
};

/// Deterministic randomness from a seed. Thread-safe.
class FakeRandom final : public util::Random {
public:
    explicit FakeRandom(std::uint64_t seed = 42) : engine_(seed) {}
    void Fill(void* out, std::size_t size) override {
        std::lock_guard lock(mutex_);
        auto* bytes = static_cast<unsigned char*>(out);
        for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<unsigned char>(engine_());
    }

private:
    std::mutex mutex_;
    std::mt19937_64 engine_;
};

/// Records every session event, for assertions. Thread-safe.
class RecordingEvents final : public domain::SessionEvents {
public:
    void SessionChanged(std::string_view session_id, domain::SessionEvent change) override {
        std::lock_guard lock(mutex_);
        events_.emplace_back(std::string(session_id), change);
    }
    void AccessRevoked(std::string_view session_id, std::string_view user_id) override {
        std::lock_guard lock(mutex_);
        revoked_.emplace_back(std::string(session_id), std::string(user_id));
    }
    std::vector<std::pair<std::string, std::string>> Revoked() {
        std::lock_guard lock(mutex_);
        return revoked_;
    }
    std::vector<std::pair<std::string, domain::SessionEvent>> Events() {
        std::lock_guard lock(mutex_);
        return events_;
    }
    void Clear() {
        std::lock_guard lock(mutex_);
        events_.clear();
    }

private:
    std::mutex mutex_;
    std::vector<std::pair<std::string, domain::SessionEvent>> events_;
    std::vector<std::pair<std::string, std::string>> revoked_;
};

}  // namespace convene::testing

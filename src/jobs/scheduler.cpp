#include "convene/jobs/scheduler.hpp"

#include <spdlog/spdlog.h>

namespace convene::jobs {
namespace {

/// Even with nothing due, look again this often: a safety net against a missed wake-up or a
/// wall clock that jumped while we slept.
constexpr std::chrono::seconds kMaxSleep{60};
/// A job that failed (database busy, disk full) is retried after this long.
constexpr std::chrono::seconds kRetryAfterFailure{5};

}  // namespace

Scheduler::Scheduler(const util::Clock& clock, std::vector<Job> jobs)
    : clock_(clock), jobs_(std::move(jobs)) {}

Scheduler::~Scheduler() { Stop(); }

std::optional<util::Instant> Scheduler::RunAll() {
    std::optional<util::Instant> next;
    for (const auto& job : jobs_) {
        const auto now = clock_.Now();
        std::optional<util::Instant> wanted;
        try {
            wanted = job.run(now);
        } catch (const std::exception& e) {
            spdlog::error("job {} failed: {}; retrying in {}s", job.name, e.what(),
                          kRetryAfterFailure.count());
            wanted = now + kRetryAfterFailure;
        }
        if (wanted && (!next || *wanted < *next)) next = wanted;
    }
    return next;
}

void Scheduler::Start() {
    // Catch up synchronously, so that nothing overdue is served as if it were not.
    thread_ = std::thread([this, next = RunAll()] { Loop(next); });
}

void Scheduler::Loop(std::optional<util::Instant> next) {
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            if (!woken_ && !stopping_) {
                // Sleep on the system clock: an end date is a wall-clock instant.
                auto until = std::chrono::system_clock::now() + kMaxSleep;
                if (next) until = std::min(until, clock_.SystemTimeOf(*next));
                wake_.wait_until(lock, until, [&] { return woken_ || stopping_; });
            }
            if (stopping_) return;
            woken_ = false;
        }
        next = RunAll();
    }
}

void Scheduler::Wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_one();
}

void Scheduler::Stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

}  // namespace convene::jobs

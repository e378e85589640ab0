#include "convene/jobs/scheduler.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "fakes.hpp"

namespace convene::jobs {
namespace {

using namespace std::chrono_literals;

/// Records each run's `now`, and lets the test wait for the n-th run.
class Recorder {
public:
    std::optional<util::Instant> Run(util::Instant now) {
        std::lock_guard lock(mutex_);
        runs_.push_back(now);
        ran_.notify_all();
        return next_;
    }
    /// Waits (bounded) until at least `count` runs happened.
    bool WaitForRuns(std::size_t count) {
        std::unique_lock lock(mutex_);
        return ran_.wait_for(lock, 10s, [&] { return runs_.size() >= count; });
    }
    std::vector<util::Instant> Runs() {
        std::lock_guard lock(mutex_);
        return runs_;
    }
    void SetNext(std::optional<util::Instant> next) {
        std::lock_guard lock(mutex_);
        next_ = next;
    }

private:
    std::mutex mutex_;
    std::condition_variable ran_;
    std::vector<util::Instant> runs_;
    std::optional<util::Instant> next_;
};

TEST(Scheduler, StartCatchesUpSynchronouslyAtTheClocksNow) {
    testing::FakeClock clock;
    Recorder recorder;
    Scheduler scheduler(clock, {{"job", [&](util::Instant now) { return recorder.Run(now); }}});
    scheduler.Start();
    // No waiting: the first run has happened when Start returns.
    ASSERT_EQ(recorder.Runs().size(), 1u);
    EXPECT_EQ(recorder.Runs()[0], clock.Now());
    scheduler.Stop();
}

TEST(Scheduler, WakeRunsTheJobsAgainWithTheCurrentTime) {
    testing::FakeClock clock;
    Recorder recorder;
    Scheduler scheduler(clock, {{"job", [&](util::Instant now) { return recorder.Run(now); }}});
    scheduler.Start();
    clock.Advance(90s);
    scheduler.Wake();
    ASSERT_TRUE(recorder.WaitForRuns(2));
    EXPECT_EQ(recorder.Runs()[1], clock.Now());
    scheduler.Stop();
}

TEST(Scheduler, ADueTimeInThePastRunsAgainAtOnce) {
    testing::FakeClock clock;
    Recorder recorder;
    // Asks to run again at a wall-clock instant already past: the scheduler must not sleep.
    recorder.SetNext(util::Instant{});
    Scheduler scheduler(clock, {{"job", [&](util::Instant now) { return recorder.Run(now); }}});
    scheduler.Start();
    ASSERT_TRUE(recorder.WaitForRuns(3));
    recorder.SetNext(std::nullopt);
    scheduler.Stop();
}

TEST(Scheduler, AFailingJobDoesNotStopTheOthers) {
    testing::FakeClock clock;
    Recorder recorder;
    Scheduler scheduler(clock, {
                                   {"broken",
                                    [](util::Instant) -> std::optional<util::Instant> {
                                        throw std::runtime_error("disk full");
                                    }},
                                   {"fine", [&](util::Instant now) { return recorder.Run(now); }},
                               });
    scheduler.Start();
    EXPECT_EQ(recorder.Runs().size(), 1u);
    scheduler.Wake();
    EXPECT_TRUE(recorder.WaitForRuns(2));
    scheduler.Stop();
}

TEST(Scheduler, StopIsPromptAndIdempotent) {
    testing::FakeClock clock;
    Scheduler scheduler(clock, {{"idle", [](util::Instant) -> std::optional<util::Instant> {
                                     return std::nullopt;  // would sleep the 60 s maximum
                                 }}});
    scheduler.Start();
    const auto started = std::chrono::steady_clock::now();
    scheduler.Stop();
    scheduler.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

}  // namespace
}  // namespace convene::jobs

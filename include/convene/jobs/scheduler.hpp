#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "convene/util/clock.hpp"

namespace convene::jobs {

/// One timed job. `run(now)` does what is due and returns when it next wants to run
/// (nullopt: only when woken).
struct Job {
    std::string name;
    std::function<std::optional<util::Instant>(util::Instant now)> run;
};

/// Owns every timer: one thread sleeps until the earliest time any job asked for, runs the
/// jobs, and sleeps again. Wake() makes it re-run them at once (an end date changed).
/// All job state lives in the database, so a restart loses nothing. Thread-safe.
class Scheduler {
public:
    Scheduler(const util::Clock& clock, std::vector<Job> jobs);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    /// Runs every job once now (catching up on what fell due while the server was down), then
    /// keeps running them on the background thread.
    void Start();
    void Stop();
    void Wake();

private:
    /// Runs every job; returns the earliest next time any asked for.
    std::optional<util::Instant> RunAll();
    void Loop(std::optional<util::Instant> next);

    const util::Clock& clock_;
    std::vector<Job> jobs_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool woken_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace convene::jobs

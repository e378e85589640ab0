#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace convene::util {

/// Label names and values of one series, in the order given: {{"route", "/healthz"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// A count that only grows. Thread-safe, lock-free.
class Counter {
public:
    void Add(std::int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::int64_t Value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> value_{0};
};

/// Durations in fixed buckets, from 1 ms to 10 s. Thread-safe, lock-free.
class Histogram {
public:
    static constexpr std::array<double, 12> kBounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                    0.1,   0.25,   0.5,   1.0,  2.5,   10.0};
    void Observe(double seconds);
    /// Cumulative counts per bound, then the count of everything (+Inf).
    std::array<std::int64_t, kBounds.size() + 1> Cumulative() const;
    double Sum() const { return static_cast<double>(sum_us_.load()) / 1e6; }

private:
    std::array<std::atomic<std::int64_t>, kBounds.size() + 1> counts_{};
    std::atomic<std::int64_t> sum_us_{0};
};

/// A server's metrics, rendered in Prometheus' text format (version 0.0.4). Thread-safe.
///
/// Counters and histograms are made on first use of a name and labels and live as long as
/// the registry (callers may keep the reference). Values that live elsewhere (rows in the
/// database, a service's own counts) are read when scraped, by a reader registered once.
class Metrics {
public:
    enum class Type { kCounter, kGauge };
    struct Sample {
        Labels labels;
        double value = 0;
    };
    using Reader = std::function<std::vector<Sample>()>;

    Metrics();
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    Counter& CounterFor(std::string_view name, std::string_view help, const Labels& labels = {});
    Histogram& HistogramFor(std::string_view name, std::string_view help,
                            const Labels& labels = {});
    /// `read` runs at each scrape, on the scraping thread; it may throw (the family is then
    /// left out of that scrape, and the failure counted in convene_metrics_read_errors_total).
    void Read(std::string_view name, std::string_view help, Type type, Reader read);

    /// Every family, sorted by name, each with its HELP and TYPE lines.
    std::string Render() const;

private:
    struct Family;
    Family& FamilyFor(std::string_view name, std::string_view help, std::string_view type);

    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
    mutable Counter read_errors_;
};

}  // namespace convene::util

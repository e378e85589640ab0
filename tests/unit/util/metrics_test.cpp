// The Prometheus text format the metrics registry renders.
#include "convene/util/metrics.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace convene::util {
namespace {

bool Has(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
}

TEST(Metrics, CountersByLabelsWithHelpAndType) {
    Metrics metrics;
    metrics.CounterFor("convene_things_total", "Things.", {{"kind", "a"}}).Add();
    metrics.CounterFor("convene_things_total", "Things.", {{"kind", "a"}}).Add(2);
    metrics.CounterFor("convene_things_total", "Things.", {{"kind", "b\"\\\n"}}).Add();
    const auto text = metrics.Render();
    EXPECT_TRUE(Has(text, "# HELP convene_things_total Things.")) << text;
    EXPECT_TRUE(Has(text, "# TYPE convene_things_total counter")) << text;
    EXPECT_TRUE(Has(text, "convene_things_total{kind=\"a\"} 3")) << text;
    // Quotes, backslashes and new lines in a label value are escaped.
    EXPECT_TRUE(Has(text, R"(convene_things_total{kind="b\"\\\n"} 1)")) << text;
}

TEST(Metrics, HistogramsAreCumulativeWithSumAndCount) {
    Metrics metrics;
    auto& histogram = metrics.HistogramFor("convene_wait_seconds", "Waits.", {{"route", "/x"}});
    histogram.Observe(0.0005);
    histogram.Observe(0.003);
    histogram.Observe(0.003);
    histogram.Observe(60);
    const auto text = metrics.Render();
    EXPECT_TRUE(Has(text, "# TYPE convene_wait_seconds histogram")) << text;
    EXPECT_TRUE(Has(text, R"(convene_wait_seconds_bucket{route="/x",le="0.001"} 1)")) << text;
    EXPECT_TRUE(Has(text, R"(convene_wait_seconds_bucket{route="/x",le="0.0025"} 1)")) << text;
    EXPECT_TRUE(Has(text, R"(convene_wait_seconds_bucket{route="/x",le="0.005"} 3)")) << text;
    EXPECT_TRUE(Has(text, R"(convene_wait_seconds_bucket{route="/x",le="10"} 3)")) << text;
    EXPECT_TRUE(Has(text, R"(convene_wait_seconds_bucket{route="/x",le="+Inf"} 4)")) << text;
    EXPECT_TRUE(Has(text, R"(convene_wait_seconds_sum{route="/x"} 60.0065)")) << text;
    EXPECT_TRUE(Has(text, R"(convene_wait_seconds_count{route="/x"} 4)")) << text;
}

TEST(Metrics, ReadersRunAtEachScrapeAndAFailingOneIsLeftOutAndCounted) {
    Metrics metrics;
    int open = 3;
    metrics.Read("convene_open", "Open.", Metrics::Type::kGauge,
                 [&] { return std::vector<Metrics::Sample>{{{}, static_cast<double>(open)}}; });
    metrics.Read("convene_broken", "Broken.", Metrics::Type::kGauge,
                 []() -> std::vector<Metrics::Sample> { throw std::runtime_error("disk"); });
    EXPECT_TRUE(Has(metrics.Render(), "convene_open 3"));
    open = 4;
    const auto text = metrics.Render();
    EXPECT_TRUE(Has(text, "convene_open 4")) << text;
    EXPECT_EQ(text.find("convene_broken"), std::string::npos) << text;
    EXPECT_TRUE(Has(text, "convene_metrics_read_errors_total 2")) << text;
}

}  // namespace
}  // namespace convene::util

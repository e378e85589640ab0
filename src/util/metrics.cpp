#include "convene/util/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace convene::util {

struct Metrics::Family {
    std::string help;
    std::string type;  ///< "counter", "gauge" or "histogram"
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    Reader read;
};

namespace {

/// A label value as the text format wants it: backslash, quote and new line escaped.
void AppendEscaped(std::string& out, std::string_view value) {
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
}

void AppendLabels(std::string& out, const Labels& labels, const std::string* le = nullptr) {
    if (labels.empty() && le == nullptr) return;
    out += '{';
    bool first = true;
    for (const auto& [name, value] : labels) {
        if (!first) out += ',';
        first = false;
        out += name;
        out += "=\"";
        AppendEscaped(out, value);
        out += '"';
    }
    if (le != nullptr) {
        if (!first) out += ',';
        out += "le=\"" + *le + "\"";
    }
    out += '}';
}

std::string Number(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
        return std::to_string(static_cast<std::int64_t>(value));
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

void AppendSeries(std::string& out, std::string_view name, const Labels& labels, double value,
                  const std::string* le = nullptr) {
    out += name;
    AppendLabels(out, labels, le);
    out += ' ';
    out += Number(value);
    out += '\n';
}

}  // namespace

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

void Histogram::Observe(double seconds) {
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin());
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(static_cast<std::int64_t>(std::llround(std::max(seconds, 0.0) * 1e6)),
                      std::memory_order_relaxed);
}

std::array<std::int64_t, Histogram::kBounds.size() + 1> Histogram::Cumulative() const {
    std::array<std::int64_t, kBounds.size() + 1> cumulative{};
    std::int64_t total = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        total += counts_[i].load(std::memory_order_relaxed);
        cumulative[i] = total;
    }
    return cumulative;
}

Metrics::Family& Metrics::FamilyFor(std::string_view name, std::string_view help,
                                    std::string_view type) {
    auto found = families_.find(name);
    if (found == families_.end()) {
        auto family = std::make_unique<Family>();
        family->help = help;
        family->type = type;
        found = families_.emplace(std::string(name), std::move(family)).first;
    }
    return *found->second;
}

Counter& Metrics::CounterFor(std::string_view name, std::string_view help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = FamilyFor(name, help, "counter").counters[labels];
    if (!slot) slot = std::make_unique<Counter>();
    return *slot;
}

Histogram& Metrics::HistogramFor(std::string_view name, std::string_view help,
                                 const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = FamilyFor(name, help, "histogram").histograms[labels];
    if (!slot) slot = std::make_unique<Histogram>();
    return *slot;
}

void Metrics::Read(std::string_view name, std::string_view help, Type type, Reader read) {
    std::lock_guard lock(mutex_);
    FamilyFor(name, help, type == Type::kCounter ? "counter" : "gauge").read = std::move(read);
}

std::string Metrics::Render() const {
    // Readers may query the database: copy them out and run them without the lock.
    std::vector<std::pair<std::string, const Family*>> families;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [name, family] : families_) families.emplace_back(name, family.get());
    }
    std::string out;
    for (const auto& [name, family] : families) {
        std::vector<Sample> read;
        if (family->read) {
            try {
                read = family->read();
            } catch (const std::exception&) {
                read_errors_.Add();
                continue;
            }
        }
        out += "# HELP " + name + " " + family->help + "\n";
        out += "# TYPE " + name + " " + family->type + "\n";
        for (const auto& sample : read) AppendSeries(out, name, sample.labels, sample.value);
        std::lock_guard lock(mutex_);  // series may be added meanwhile
        for (const auto& [labels, counter] : family->counters) {
            AppendSeries(out, name, labels, static_cast<double>(counter->Value()));
        }
        for (const auto& [labels, histogram] : family->histograms) {
            const auto cumulative = histogram->Cumulative();
            for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i) {
                const auto le = Number(Histogram::kBounds[i]);
                AppendSeries(out, name + "_bucket", labels, static_cast<double>(cumulative[i]), &le);
            }
            const std::string inf = "+Inf";
            AppendSeries(out, name + "_bucket", labels, static_cast<double>(cumulative.back()), &inf);
            AppendSeries(out, name + "_sum", labels, histogram->Sum());
            AppendSeries(out, name + "_count", labels, static_cast<double>(cumulative.back()));
        }
    }
    out += "# HELP convene_metrics_read_errors_total Metrics that could not be read at a scrape.\n"
           "# TYPE convene_metrics_read_errors_total counter\n"
           "convene_metrics_read_errors_total " + Number(static_cast<double>(read_errors_.Value())) + "\n";
    return out;
}

}  // namespace convene::util

// `perf compare`: the metrics two results files share, side by side, and which of them
// regressed beyond a threshold.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace emqx::perf {

/// Which way a metric should move.
enum class better : unsigned char { higher, lower, neither };

/// By its name: rates, deliveries and connections accepted are better higher; latencies,
/// losses, failures, CPU percentages and memory per connection lower; the rest (counts asked
/// for, durations, memory totals) is shown but never judged.
[[nodiscard]] better direction_of(std::string_view metric) noexcept;

/// Every number in a results file (emqxctl.perf-results/1, keys "<scenario>.<path>") or in
/// one scenario's document (emqxctl.perf/1, keys "<command>.<path>"), parameters, broker and
/// environment left out.
[[nodiscard]] std::map<std::string, double> metrics_of(const nlohmann::ordered_json& document);

struct comparison_row {
    std::string metric;
    double base = 0.0;
    double next = 0.0;
    /// (next - base) / base in percent; +-inf when base is 0 and next is not.
    double delta_percent = 0.0;
    better direction = better::neither;
    /// Moved the wrong way by more than the threshold.
    bool regressed = false;
};

struct comparison {
    std::vector<comparison_row> rows; ///< the metrics both files have, by name
    std::size_t only_in_base = 0;
    std::size_t only_in_next = 0;
    [[nodiscard]] std::size_t regressions() const noexcept;
};

[[nodiscard]] comparison compare(const std::map<std::string, double>& base,
                                 const std::map<std::string, double>& next,
                                 double threshold_percent);

/// An aligned table: metric, base, new, delta, and "REGRESSED" or "better" where it applies.
[[nodiscard]] std::string to_text(const comparison& c, double threshold_percent);

} // namespace emqx::perf

// The scenarios built on one load run: `qos` (the same load at QoS 0, 1 and 2, side by side)
// and `stress` (a target rate for a duration: sent, failed, success rate, achieved rate).
#pragma once

#include <string>
#include <vector>

#include <emqx/perf/options.hpp>
#include <emqx/perf/report.hpp>
#include <emqx/perf/results.hpp>

namespace emqx::perf {

/// What `stress` reports beside the run's own figures.
struct stress_summary {
    double target_rate = 0.0;
    std::uint64_t sent = 0;   ///< messages published in the measured phase
    std::uint64_t failed = 0; ///< deliveries expected and not made (lost, refused, missing)
    /// Deliveries made over deliveries expected, in percent (0 when none were expected).
    double success_percent = 0.0;
    double achieved_rate = 0.0; ///< messages published per second
};

[[nodiscard]] stress_summary summarize_stress(const run_results& r, double target_rate) noexcept;

[[nodiscard]] std::string stress_text(const run_results& r, const run_options& o);
/// The run's document (emqxctl.perf/1) with command "stress" and a "stress" object:
/// target_rate, sent, failed, success_rate (percent), achieved_rate.
[[nodiscard]] std::string stress_json(const run_results& r, const run_options& o);

/// One run per QoS, in order 0, 1, 2; `o.qos` is ignored.
struct qos_results {
    std::vector<run_results> runs;
};

/// A table: one column per QoS, rows delivered, lost, duplicated, reordered, rates, latency.
[[nodiscard]] std::string qos_text(const qos_results& r, const run_options& o);
/// {"schema": "emqxctl.perf/1", "command": "qos", "broker", "parameters", "status",
/// "runs": {"qos0": <document>, "qos1": ..., "qos2": ...}}; status is the worst run's.
[[nodiscard]] std::string qos_json(const qos_results& r, const run_options& o);
/// The worst verdict of the runs.
[[nodiscard]] verdict judge(const qos_results& r) noexcept;

} // namespace emqx::perf

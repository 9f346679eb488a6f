// A run's results for people (aligned text) and for machines (JSON, schema emqxctl.perf/1),
// and the verdict that the command turns into an exit status.
#pragma once

#include <string>
#include <string_view>

#include <emqx/perf/options.hpp>
#include <emqx/perf/results.hpp>

namespace emqx::perf {

/// What a run says about the broker, for the exit status.
enum class verdict {
    ok,          ///< the run completed; no QoS 1/2 message lost, no QoS 2 message duplicated
    failed,      ///< the run failed midway, or the broker lost (or duplicated) what it must not
    unreachable, ///< the broker could not be reached, or refused the connection or subscription
};

[[nodiscard]] verdict judge(const run_results& results) noexcept;

/// Aligned text for a terminal: the parameters, counts, rates, latency percentiles and CPU.
/// `command` is the subcommand's name ("throughput", "latency").
[[nodiscard]] std::string to_text(const run_results& results,
                                  const run_options& options,
                                  std::string_view command);

/// One JSON document: {"schema": "emqxctl.perf/1", "command", "broker", "parameters",
/// "status", "reason", "messages", "rates", "per_second", "latency_us", "cpu"} (the man page
/// lists every field).
[[nodiscard]] std::string to_json(const run_results& results,
                                  const run_options& options,
                                  std::string_view command);

/// "3.1.1" or "5".
[[nodiscard]] std::string_view version_name(mqtt::protocol_version version) noexcept;

} // namespace emqx::perf

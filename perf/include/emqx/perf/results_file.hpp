// The results directory of a run: results.json (schema emqxctl.perf-results/1), a CSV per
// scenario and a self-contained report.html with SVG charts.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <emqx/perf/system.hpp>

namespace emqx::perf {

using ordered_json = nlohmann::ordered_json;

/// What results.json says about where and how the scenarios ran, besides their documents.
struct results_context {
    std::string broker_address;
    std::optional<std::string> broker_version; ///< from --node's /api/v1/status when given
    environment env;
    ordered_json parameters = ordered_json::object(); ///< the command's own parameters
    std::string created; ///< UTC, ISO 8601
};

/// {"schema": "emqxctl.perf-results/1", "created", "tool", "broker": {address, version},
/// "environment": {...}, "parameters", "scenarios": {name: document, ...}}; each document is
/// what the scenario prints with -o json (schema emqxctl.perf/1).
[[nodiscard]] ordered_json make_results(const results_context& context,
                                        const std::vector<std::pair<std::string, ordered_json>>& scenarios);

/// The environment as JSON: cpu_model, cores, kernel, hostname, ulimit_nofile {soft, hard},
/// ip_local_port_range, tool_version.
[[nodiscard]] ordered_json environment_json(const environment& env);

/// A scenario document as CSV: a "metric,value" header, then one row per number, string or
/// boolean in it (nested keys joined with '.'), arrays left out. Values are quoted when they
/// hold a comma, a quote or a line break.
[[nodiscard]] std::string to_csv(const ordered_json& scenario);

/// The per-second series of a scenario as CSV ("second,published,delivered" or
/// "second,connected"); empty when it has none.
[[nodiscard]] std::string per_second_csv(const ordered_json& scenario);

/// One HTML page with no external reference: for each scenario its key figures, an SVG chart
/// of the latency distribution (percentile curve) and one of the throughput over time.
[[nodiscard]] std::string to_html(const ordered_json& results);

/// "perf-results-YYYYMMDD-HHMMSS" for the local time now.
[[nodiscard]] std::string results_dir_name();
/// The UTC time now as "YYYY-MM-DDTHH:MM:SSZ".
[[nodiscard]] std::string utc_now();

/// Creates `dir` (and its parents) and writes results.json, <scenario>.csv (and
/// <scenario>-per-second.csv where there is a series) and report.html into it. Returns what
/// could not be written, or nullopt when everything was.
[[nodiscard]] std::optional<std::string> write_results(const std::filesystem::path& dir,
                                                       const ordered_json& results);

} // namespace emqx::perf

// Pieces of JSON every scenario's document shares: latency summaries and percentile curves.
#pragma once

#include <nlohmann/json.hpp>

#include <emqx/perf/histogram.hpp>

namespace emqx::perf::detail {

// Keys in the order written: "schema" first, as people read it.
using json = nlohmann::ordered_json;

/// {"count", "min", "p50", "p90", "p95", "p99", "p99_9", "max", "mean"} in microseconds.
[[nodiscard]] json latency_json(const histogram& h);

/// The latency distribution as [[percentile, microseconds], ...] at 0, 10, ..., 90, 95, 99,
/// 99.9, 99.99 and 100: what report.html draws. Empty when nothing was recorded.
[[nodiscard]] json percentile_curve(const histogram& h);

} // namespace emqx::perf::detail

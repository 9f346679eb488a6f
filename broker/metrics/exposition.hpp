// The /metrics page: every metric family of DESIGN.md section 6, from one snapshot of the
// broker's figures.
#pragma once

#include "engine/metrics.hpp"
#include "metrics/process_stats.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emqx::broker::prometheus {

/// What one scrape shows. Plain values, so that tests fill it by hand.
struct snapshot {
    std::string_view node_id;
    std::string_view cluster_id;

    std::uint64_t connections = 0;
    std::uint64_t sessions = 0;
    std::uint64_t subscriptions = 0;
    std::uint64_t retained_messages = 0;
    broker::metrics counters{};
    double uptime_seconds = 0;

    std::uint64_t cluster_nodes = 1; ///< peers with a live link, this node included
    std::uint64_t cluster_forwarded_total = 0;
    double cluster_route_sync_lag_seconds = 0;

    /// The process_* families are left out when this is empty (not Linux).
    std::optional<process_stats> process;
};

/// The exposition text (Content-Type prometheus::content_type). Labelled families list every
/// label value they know, zero or not (drop reasons, packet types 1-15, the failure reason
/// codes), so that rate() sees a series from its start; a protocol error counted under any
/// other reason code appears when non-zero.
[[nodiscard]] std::string render(const snapshot& s);

} // namespace emqx::broker::prometheus

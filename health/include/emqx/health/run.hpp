// A whole health run: discover the nodes, check each concurrently, then the cluster.
#pragma once

#include <emqx/health/check.hpp>
#include <emqx/health/options.hpp>

namespace emqx::health {

/// Runs every check `opts` asks for and returns them in a stable order: per node (in the order
/// found) api, process, memory, fds, disk, listeners, health, ready, metrics, mqtt.connect,
/// mqtt.round_trip; then cluster.id, cluster.peers, cluster.nodes, cluster.round_trip per
/// ordered pair of nodes. Never throws for a node's sake and never hangs on one: every network
/// step is bounded by opts.timeout and nodes are checked concurrently.
[[nodiscard]] report run_health(const options& opts);

} // namespace emqx::health

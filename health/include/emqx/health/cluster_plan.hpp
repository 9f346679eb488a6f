// The port plan of a local cluster (DESIGN.md section 4): which ports node k listens on.
#pragma once

#include <emqx/base/expected.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emqx::health {

/// The listeners of one local node. `dashboard` is reserved by the plan; emqxd has no dashboard
/// listener yet, so it is neither started nor checked.
struct node_ports {
    int index = 1;       ///< 1-based: node1, node2, ...
    std::string node_id; ///< "node<index>"
    std::uint16_t mqtt = 0;
    std::uint16_t cluster = 0;
    std::uint16_t http = 0;
    std::uint16_t dashboard = 0;

    friend bool operator==(const node_ports&, const node_ports&) = default;
};

/// The most nodes `cluster start` runs on one machine.
inline constexpr int max_local_nodes = 32;

/// The standard plan: node k has MQTT 1883+k-1, cluster 8081+2(k-1), HTTP 8082+2(k-1),
/// dashboard 18083+k-1. With `base_port`, a compact plan instead, for tests and a second
/// cluster on one machine: node k uses base+4(k-1) for MQTT, +1 cluster, +2 HTTP, +3 dashboard.
/// The error says why (no node, too many nodes, a port past 65535).
[[nodiscard]] expected<std::vector<node_ports>, std::string>
make_port_plan(int nodes, std::optional<std::uint16_t> base_port = std::nullopt);

/// "127.0.0.1:<port>".
[[nodiscard]] std::string loopback(std::uint16_t port);

/// The cluster addresses of every node but `self`, comma-separated: PEER_NODES for `self`.
[[nodiscard]] std::string peer_list(const std::vector<node_ports>& plan, int self);

} // namespace emqx::health

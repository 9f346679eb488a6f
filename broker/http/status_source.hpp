// What the HTTP surface reads from the rest of the node: a narrow set of callbacks that main.cpp
// fills from the engine and the listeners (and tests fill with fakes), so that http/ never
// reaches into the engine's insides.
#pragma once

#include "engine/metrics.hpp"

#include <emqx/mqtt/types.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::broker::http {

struct node_counts {
    std::size_t connections = 0;
    std::size_t sessions = 0;
    std::size_t subscriptions = 0;
    std::size_t retained_messages = 0;
};

struct listener_info {
    std::string name;       ///< "mqtt", "http", "cluster", ...
    std::string address;    ///< the bound address, e.g. "127.0.0.1"
    std::uint16_t port = 0; ///< the real port (never 0 once bound)
};

/// One connected client, as /api/v1/clients shows it. Views are valid during the callback only.
struct client_info {
    std::string_view client_id;
    std::string_view peer; ///< "address:port"
    mqtt::protocol_version version = mqtt::protocol_version::v3_1_1;
    std::uint32_t keepalive_seconds = 0; ///< 0: none
    std::chrono::system_clock::time_point connected_at{};
    std::size_t subscriptions = 0;
    std::size_t inflight = 0; ///< outgoing QoS 1/2 not yet acknowledged
    std::size_t queued = 0;   ///< waiting for the inflight window
};

/// The cluster figures of the metrics page; a single node until the cluster lands.
struct cluster_figures {
    std::size_t nodes = 1;
    std::uint64_t forwarded_total = 0;
    double route_sync_lag_seconds = 0;
};

/// One peer of this node, as /api/v1/cluster shows it (ARCHITECTURE.md, "Cluster").
struct peer_info {
    std::string node_id; ///< empty until the peer's HELLO told it
    std::string address; ///< its cluster listener
    std::string state;   ///< up, connecting, down, refused
    std::string cluster_id;
    std::string http;
    std::string mqtt;
    std::optional<std::chrono::system_clock::time_point> last_heartbeat;
    std::size_t route_count = 0;
    std::string error; ///< why it is not up
};

/// /ready: ready when `reasons` is empty; otherwise each says what is missing.
struct readiness {
    std::vector<std::string> reasons;
    [[nodiscard]] bool ready() const noexcept { return reasons.empty(); }
};

using client_visitor = std::function<void(const client_info&)>;
/// (topic filter, number of subscriptions to it on this node). Views valid during the call.
using route_visitor = std::function<void(std::string_view, std::size_t)>;
/// (topic filter, node id of a peer holding it). Views valid during the call.
using remote_route_visitor = std::function<void(std::string_view, std::string_view)>;

/// Every callback runs on the io_context thread, inside a request, and must not block. One
/// left empty reads as nothing (zero counts, no clients, no routes, no listeners), except
/// `ready` (empty: not ready, "readiness not wired") and `config_yaml` (empty: 503).
struct status_source {
    std::function<node_counts()> counts;
    std::function<broker::metrics()> stats;
    std::function<std::vector<listener_info>()> listeners;
    /// Calls the visitor once per connected client, in a stable order (paging relies on it).
    std::function<void(const client_visitor&)> for_each_client;
    /// Calls the visitor once per distinct topic filter held on this node.
    std::function<void(const route_visitor&)> for_each_route;
    std::function<readiness()> ready;
    /// The effective configuration as YAML, secrets already redacted.
    std::function<std::string()> config_yaml;
    std::function<cluster_figures()> cluster;
    /// This node's peers (empty: a single node).
    std::function<std::vector<peer_info>()> peers;
    /// Calls the visitor once per (filter, peer) route that a live peer announced.
    std::function<void(const remote_route_visitor&)> for_each_remote_route;
};

} // namespace emqx::broker::http

// What a node says about itself (/api/v1/status) and about its cluster (/api/v1/cluster).
#pragma once

#include <emqx/base/expected.hpp>
#include <emqx/client/node.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emqx::health {

struct listener_info {
    std::string name; ///< "mqtt", "http", "cluster"
    std::string address;
    std::uint16_t port = 0;
};

/// GET /api/v1/status.
struct node_status {
    std::string node_id;
    std::string version;
    std::string cluster_id;
    long pid = 0;
    double uptime_seconds = 0;
    std::vector<listener_info> listeners;

    /// The listener called `name`, or nullopt.
    [[nodiscard]] std::optional<listener_info> listener(std::string_view name) const;
};

/// One peer in GET /api/v1/cluster.
struct peer_info {
    std::string node_id; ///< "" until the handshake told it
    std::string address; ///< the peer's cluster address
    std::string state;   ///< "up", "connecting", "down", "refused"
    std::string cluster_id;
    std::string http; ///< the peer's HTTP address, "" when unknown
    std::string mqtt;
    std::string error;
};

/// GET /api/v1/cluster: one node's view of its cluster.
struct cluster_view {
    std::string node_id;
    std::string cluster_id;
    long nodes = 1; ///< nodes with a live link, this one included
    std::vector<peer_info> peers;
};

/// Parses /api/v1/status; the error names the missing or mistyped field.
[[nodiscard]] expected<node_status, std::string> parse_status(const nlohmann::json& doc);

/// Parses /api/v1/cluster; absent optional fields are left empty.
[[nodiscard]] expected<cluster_view, std::string> parse_cluster_view(const nlohmann::json& doc);

/// The HTTP addresses of the peers a view names (for discovery), those that parse.
[[nodiscard]] std::vector<client::host_port> peer_http_addresses(const cluster_view& view);

/// Where to reach a listener: its address, or `node_host` when it is bound to every
/// interface (0.0.0.0, ::) or empty.
[[nodiscard]] client::host_port reach(const listener_info& listener, const std::string& node_host);

} // namespace emqx::health

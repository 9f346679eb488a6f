// `emqxctl cluster status`: ask every node for its view of the cluster, then judge the whole:
// who sees whom, cluster ids (several = split brain), routes, connections.
#pragma once

#include <emqx/client/http.hpp>
#include <emqx/client/node.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::health {

/// The overall judgement, mapped one to one onto the exit statuses 0-3 (DESIGN.md section 8).
enum class cluster_verdict { ok = 0, warning = 1, critical = 2, unknown = 3 };

[[nodiscard]] std::string_view to_string(cluster_verdict verdict) noexcept;

/// A node to ask, as the cluster file or --node names it.
struct node_seed {
    std::string node_id; ///< may be empty (then learnt from the node)
    client::host_port http;
    std::string mqtt;    ///< "host:port", may be empty
    std::string cluster; ///< "host:port", may be empty
    int pid = 0;         ///< from the cluster file; 0 when unknown or stopped
};

/// What one node answered (or why it did not).
struct node_answer {
    node_seed seed;
    bool reachable = false;
    std::string error;  ///< why not reachable
    long ready_status = 0; ///< HTTP status of /ready (200 ready, 503 not)
    std::string ready_body;
    nlohmann::json status;  ///< /api/v1/status, or null
    nlohmann::json cluster; ///< /api/v1/cluster, or null
};

/// Asks every seed (concurrently) for /ready, /api/v1/status and /api/v1/cluster; then asks the
/// peers they report with an HTTP address and that were not seeds (one more round).
/// Every request uses `options` (its time budget, and the bearer token that nodes with
/// http.auth_token want for /api/*).
[[nodiscard]] std::vector<node_answer> ask_nodes(const std::vector<node_seed>& seeds,
                                                 const client::http_options& options);

enum class node_state { up, not_ready, unreachable };

[[nodiscard]] std::string_view to_string(node_state state) noexcept;

struct status_node {
    std::string node_id;
    std::string http, mqtt, cluster;
    node_state state = node_state::unreachable;
    std::string reason; ///< why not up
    std::string cluster_id;
    std::optional<long> route_count;
    std::optional<long> connections;
    int pid = 0;
    std::size_t peers_up = 0;
};

/// One cell of the matrix: what `from` reports about its link to `to`.
struct link_view {
    std::string from, to;
    std::string state; ///< up, connecting, down, refused; "unknown" when `from` did not answer;
                       ///< "missing" when `from` does not list `to` at all
    std::string error;
};

struct cluster_status {
    cluster_verdict verdict = cluster_verdict::unknown;
    std::vector<status_node> nodes;
    std::vector<link_view> links; ///< every ordered pair of distinct nodes
    std::map<std::string, std::vector<std::string>> cluster_ids; ///< id -> nodes that report it
    bool split_brain = false;
    std::vector<std::string> problems; ///< one line each, the worst first
};

/// Judges the answers (pure: no I/O). Several cluster ids are CRITICAL "split brain"; a node
/// down or a link not up is CRITICAL; a node not ready or a link connecting is a WARNING; no
/// node reachable is UNKNOWN.
[[nodiscard]] cluster_status judge_cluster(const std::vector<node_answer>& answers);

/// The text for people: nodes table, link matrix, cluster ids, problems; state words in ANSI
/// colour when `color`.
[[nodiscard]] std::string to_text(const cluster_status& status, bool color = false);

/// The JSON document, schema "emqxctl.cluster-status/1".
[[nodiscard]] nlohmann::json to_json(const cluster_status& status);

} // namespace emqx::health

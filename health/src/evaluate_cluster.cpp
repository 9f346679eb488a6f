// The cluster evaluators: one cluster id everywhere, every node linked to every other, and
// the node count.
#include "text.hpp"

#include <emqx/health/evaluate.hpp>

#include <map>
#include <set>

namespace emqx::health {

namespace {

constexpr const char* split_brain_hint =
    "nodes disagree on cluster.id or cluster.cookie: compare `emqxctl --node HOST:PORT cluster "
    "status` on each node, fix the odd one's config and restart it";

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : separator) + item;
    }
    return out;
}

/// "first problem (+2 more)".
std::string first_of(const std::vector<std::string>& problems) {
    return problems.front() +
           (problems.size() > 1 ? " (+" + std::to_string(problems.size() - 1) + " more)" : "");
}

std::string peer_name(const peer_info& peer) {
    return peer.node_id.empty() ? peer.address : peer.node_id;
}

check_result check_cluster_id(const std::vector<cluster_view>& views) {
    check_result result{"cluster", "cluster.id", verdict::ok, {}, {}, {}};
    std::map<std::string, std::vector<std::string>> by_id;
    std::vector<std::string> refused;
    for (const auto& view : views) {
        by_id[view.cluster_id].push_back(view.node_id);
        for (const auto& peer : view.peers) {
            const bool other_id = !peer.cluster_id.empty() && peer.cluster_id != view.cluster_id;
            if (peer.state == "refused" || other_id) {
                std::string what = view.node_id + " refuses " + peer_name(peer);
                if (other_id) {
                    what += " (cluster id '" + peer.cluster_id + "')";
                }
                if (!peer.error.empty()) {
                    what += ": " + peer.error;
                }
                refused.push_back(std::move(what));
            }
        }
    }
    if (by_id.size() > 1) {
        std::vector<std::string> groups;
        for (const auto& [id, nodes] : by_id) {
            groups.push_back("'" + id + "' (" + join(nodes) + ")");
        }
        result.state = verdict::critical;
        result.reason = "split brain: cluster ids " + join(groups, " vs ");
        result.hint = split_brain_hint;
    } else if (!refused.empty()) {
        result.state = verdict::critical;
        result.reason = "split brain: " + first_of(refused);
        result.hint = split_brain_hint;
    } else {
        result.reason = "every node answering is in cluster '" + views.front().cluster_id + "'";
    }
    return result;
}

/// Every node id that any view names, its own or a peer's.
std::set<std::string> known_node_ids(const std::vector<cluster_view>& views) {
    std::set<std::string> ids;
    for (const auto& view : views) {
        ids.insert(view.node_id);
        for (const auto& peer : view.peers) {
            if (!peer.node_id.empty()) {
                ids.insert(peer.node_id);
            }
        }
    }
    return ids;
}

check_result check_peers(const std::vector<cluster_view>& views) {
    check_result result{"cluster", "cluster.peers", verdict::ok, {}, {}, {}};
    const auto ids = known_node_ids(views);
    std::vector<std::string> broken;
    std::vector<std::string> connecting;
    std::string missing_node;
    for (const auto& view : views) {
        for (const auto& id : ids) {
            if (id == view.node_id) {
                continue;
            }
            const peer_info* link = nullptr;
            for (const auto& peer : view.peers) {
                link = peer.node_id == id ? &peer : link;
            }
            if (link == nullptr) {
                broken.push_back(view.node_id + " has no link to " + id);
                missing_node = missing_node.empty() ? id : missing_node;
            } else if (link->state != "up") {
                auto text = view.node_id + " -> " + id + " is " + link->state +
                            (link->error.empty() ? "" : ": " + link->error);
                (link->state == "connecting" ? connecting : broken).push_back(std::move(text));
                missing_node = missing_node.empty() ? id : missing_node;
            }
        }
        for (const auto& peer : view.peers) {
            if (peer.node_id.empty() && peer.state != "up") {
                broken.push_back(view.node_id + " -> " + peer.address + " is " + peer.state +
                                 (peer.error.empty() ? "" : ": " + peer.error));
                missing_node = missing_node.empty() ? peer.address : missing_node;
            }
        }
    }
    if (!broken.empty() || !connecting.empty()) {
        result.state = broken.empty() ? verdict::warning : verdict::critical;
        result.reason = first_of(broken.empty() ? connecting : broken);
        result.hint = "is " + missing_node +
                      " started, and its cluster port reachable? "
                      "`emqxctl cluster status`; check cluster.peers and cluster.cookie";
    } else if (ids.size() <= 1) {
        result.reason = "a single node, no peers";
    } else {
        result.reason = "each of " + std::to_string(ids.size()) + " nodes sees every other";
    }
    return result;
}

check_result check_node_count(const std::vector<cluster_view>& views,
                              const std::vector<std::string>& unanswered,
                              const thresholds& limits) {
    check_result result{"cluster", "cluster.nodes", verdict::ok, {}, {}, {}};
    const auto answering = static_cast<int>(views.size());
    const int seen = std::max(answering + static_cast<int>(unanswered.size()),
                              static_cast<int>(known_node_ids(views).size()));
    result.reason =
        std::to_string(answering) + (answering == 1 ? " node answers" : " nodes answer");
    if (seen > answering) {
        result.reason += ", " + std::to_string(seen - answering) + " known but not answering";
    }
    if (limits.expect_nodes > 0) {
        result.reason += ", " + std::to_string(limits.expect_nodes) + " expected";
        if (answering < limits.expect_nodes) {
            result.state = verdict::critical;
            result.hint = "a node is down or was never discovered: `emqxctl cluster status`; "
                          "give every node with --node if discovery misses one";
        } else if (answering > limits.expect_nodes) {
            result.state = verdict::warning;
            result.hint = "more nodes than expected: a node joined by mistake? "
                          "`emqxctl cluster status`, or fix --expect-nodes";
        }
    } else if (seen > answering) {
        result.state = verdict::critical;
        result.hint = "a node is down: `emqxctl cluster status`";
    }
    figure f{"nodes", static_cast<double>(answering), "", {}, {}, 0, {}};
    if (limits.expect_nodes > 0) {
        f.crit = static_cast<double>(limits.expect_nodes);
        f.alert_below = true;
    }
    result.figures.push_back(f);
    return result;
}

} // namespace

std::vector<check_result> evaluate_cluster(const std::vector<cluster_view>& views,
                                           const std::vector<std::string>& unanswered,
                                           const thresholds& limits) {
    if (views.empty()) {
        std::vector<check_result> none;
        for (const char* name : {"cluster.id", "cluster.peers", "cluster.nodes"}) {
            none.push_back({"cluster",
                            name,
                            verdict::unknown,
                            "no node answered",
                            "is any node started? `emqxctl cluster status`",
                            {}});
        }
        return none;
    }
    return {
        check_cluster_id(views), check_peers(views), check_node_count(views, unanswered, limits)};
}

} // namespace emqx::health

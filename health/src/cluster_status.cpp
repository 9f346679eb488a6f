// Judging a cluster from its nodes' answers: states, the link matrix, cluster ids and split
// brain (see cluster_status.hpp). Pure: the answers come in, a judgement goes out.
#include <emqx/health/cluster_status.hpp>

#include <algorithm>

namespace emqx::health {

namespace {

using json = nlohmann::json;

std::string text_at(const json& object, const char* key) {
    if (!object.is_object()) {
        return {};
    }
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::optional<long> number_at(const json& object, const char* key) {
    if (!object.is_object()) {
        return std::nullopt;
    }
    const auto it = object.find(key);
    return it != object.end() && it->is_number() ? std::optional<long>{it->get<long>()} : std::nullopt;
}

/// The address of listener `name` in /api/v1/status, "host:port", or "".
std::string listener(const json& status, std::string_view name) {
    if (!status.is_object() || !status.contains("listeners") || !status["listeners"].is_array()) {
        return {};
    }
    for (const auto& l : status["listeners"]) {
        if (l.is_object() && l.value("name", "") == name && l.contains("port") &&
            l["port"].is_number_integer()) {
            return l.value("address", "127.0.0.1") + ":" + std::to_string(l["port"].get<long>());
        }
    }
    return {};
}

const json& peers_of(const node_answer& answer) {
    static const json none = json::array();
    if (answer.cluster.is_object() && answer.cluster.contains("peers") &&
        answer.cluster["peers"].is_array()) {
        return answer.cluster["peers"];
    }
    return none;
}

status_node node_of(const node_answer& a) {
    status_node n;
    n.node_id = !a.seed.node_id.empty() ? a.seed.node_id : text_at(a.status, "node_id");
    if (n.node_id.empty()) {
        n.node_id = client::to_string(a.seed.http);
    }
    n.http = client::to_string(a.seed.http);
    n.mqtt = !a.seed.mqtt.empty() ? a.seed.mqtt : listener(a.status, "mqtt");
    n.cluster = !a.seed.cluster.empty() ? a.seed.cluster : listener(a.status, "cluster");
    n.pid = a.seed.pid;
    if (!a.reachable) {
        n.state = node_state::unreachable;
        n.reason = a.error;
        return n;
    }
    n.state = a.ready_status == 200 ? node_state::up : node_state::not_ready;
    if (n.state == node_state::not_ready) {
        n.reason = "/ready answers " + std::to_string(a.ready_status) + ": " + a.ready_body;
    }
    n.cluster_id = text_at(a.status, "cluster_id");
    if (n.cluster_id.empty()) {
        n.cluster_id = text_at(a.cluster, "cluster_id");
    }
    n.route_count = number_at(a.cluster, "route_count");
    if (a.status.is_object() && a.status.contains("counts")) {
        n.connections = number_at(a.status["counts"], "connections");
    }
    if (const auto pid = number_at(a.status, "pid"); pid && n.pid == 0) {
        n.pid = static_cast<int>(*pid);
    }
    for (const auto& peer : peers_of(a)) {
        if (peer.is_object() && peer.value("state", "") == "up") {
            ++n.peers_up;
        }
    }
    return n;
}

link_view link_of(const node_answer& from_answer, const status_node& from, const status_node& to) {
    link_view link{.from = from.node_id, .to = to.node_id, .state = "unknown", .error = {}};
    if (from.state == node_state::unreachable || !from_answer.cluster.is_object()) {
        return link;
    }
    link.state = "missing";
    for (const auto& peer : peers_of(from_answer)) {
        const std::string id = text_at(peer, "node_id");
        const std::string address = text_at(peer, "address");
        if ((!id.empty() && id == to.node_id) || (!address.empty() && address == to.cluster)) {
            link.state = text_at(peer, "state");
            link.error = text_at(peer, "error");
            return link;
        }
    }
    return link;
}

void add_problem(cluster_status& s, cluster_verdict level, std::string line) {
    if (static_cast<int>(level) > static_cast<int>(s.verdict)) {
        s.verdict = level;
    }
    s.problems.push_back(std::move(line));
}

/// Cluster ids: each reachable node's own, and any other id a refused peer announced.
void collect_cluster_ids(cluster_status& s, const std::vector<node_answer>& answers) {
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const auto& node = s.nodes[i];
        if (!node.cluster_id.empty()) {
            s.cluster_ids[node.cluster_id].push_back(node.node_id);
        }
    }
    for (std::size_t i = 0; i < answers.size(); ++i) {
        for (const auto& peer : peers_of(answers[i])) {
            const std::string id = text_at(peer, "cluster_id");
            if (id.empty() || s.cluster_ids.contains(id)) {
                continue;
            }
            const std::string who = !text_at(peer, "node_id").empty() ? text_at(peer, "node_id")
                                                                      : text_at(peer, "address");
            s.cluster_ids[id].push_back(who + " (seen by " + s.nodes[i].node_id + ")");
        }
    }
    s.split_brain = s.cluster_ids.size() > 1;
}

std::string split_brain_line(const cluster_status& s) {
    std::string line = "split brain: multiple cluster IDs detected:";
    for (const auto& [id, members] : s.cluster_ids) {
        line += " " + id + " (";
        for (std::size_t i = 0; i < members.size(); ++i) {
            line += (i == 0 ? "" : ", ") + members[i];
        }
        line += ")";
    }
    return line;
}

} // namespace

std::string_view to_string(cluster_verdict verdict) noexcept {
    switch (verdict) {
    case cluster_verdict::ok:
        return "OK";
    case cluster_verdict::warning:
        return "WARNING";
    case cluster_verdict::critical:
        return "CRITICAL";
    case cluster_verdict::unknown:
        return "UNKNOWN";
    }
    return "UNKNOWN";
}

std::string_view to_string(node_state state) noexcept {
    switch (state) {
    case node_state::up:
        return "up";
    case node_state::not_ready:
        return "not ready";
    case node_state::unreachable:
        return "unreachable";
    }
    return "unreachable";
}

cluster_status judge_cluster(const std::vector<node_answer>& answers) {
    cluster_status s;
    s.verdict = cluster_verdict::ok;
    for (const auto& a : answers) {
        s.nodes.push_back(node_of(a));
    }
    for (std::size_t i = 0; i < answers.size(); ++i) {
        for (std::size_t j = 0; j < answers.size(); ++j) {
            if (i != j) {
                s.links.push_back(link_of(answers[i], s.nodes[i], s.nodes[j]));
            }
        }
    }
    collect_cluster_ids(s, answers);
    const bool any_reachable = std::any_of(s.nodes.begin(), s.nodes.end(), [](const status_node& n) {
        return n.state != node_state::unreachable;
    });
    if (!any_reachable) {
        add_problem(s, cluster_verdict::unknown,
                    s.nodes.empty() ? "no node to ask" : "no node answered");
    }
    if (s.split_brain) {
        add_problem(s, cluster_verdict::critical, split_brain_line(s));
    }
    for (const auto& n : s.nodes) {
        if (n.state == node_state::unreachable && any_reachable) {
            add_problem(s, cluster_verdict::critical, n.node_id + " (" + n.http + ") is unreachable: " + n.reason);
        } else if (n.state == node_state::not_ready) {
            add_problem(s, cluster_verdict::warning, n.node_id + " is not ready: " + n.reason);
        }
    }
    const auto state_of = [&](const std::string& id) {
        return std::find_if(s.nodes.begin(), s.nodes.end(), [&](const status_node& n) { return n.node_id == id; })->state;
    };
    for (const auto& l : s.links) {
        if (l.state == "up" || l.state == "unknown" || state_of(l.to) == node_state::unreachable) {
            continue;
        }
        const bool connecting = l.state == "connecting";
        add_problem(s, connecting ? cluster_verdict::warning : cluster_verdict::critical,
                    l.from + " does not see " + l.to + " (" + l.state +
                        (l.error.empty() ? "" : ": " + l.error) + ")");
    }
    return s;
}

} // namespace emqx::health

// `cluster status` as text for people and as JSON (schema emqxctl.cluster-status/1).
#include <emqx/health/cluster_status.hpp>

#include "text.hpp"

#include <algorithm>

namespace emqx::health {

namespace {

using json = nlohmann::json;

/// Rows of cells as columns padded to their widest cell, two spaces apart.
/// Columns aligned; cells of rows after the first, in columns [first_coloured, last_coloured],
/// coloured by their state word when `color`.
std::string table(const std::vector<std::vector<std::string>>& rows, bool color,
                  std::size_t first_coloured, std::size_t last_coloured) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()), 0);
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    std::string text;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto& row = rows[r];
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            const bool coloured = color && r > 0 && i >= first_coloured && i <= last_coloured;
            line += detail::painted(row[i], coloured, i + 1 < row.size() ? widths[i] + 2 : 0);
        }
        text += line + "\n";
    }
    return text;
}

std::string or_dash(const std::optional<long>& n) {
    return n ? std::to_string(*n) : "-";
}

std::string link_state(const cluster_status& s, const std::string& from, const std::string& to) {
    if (from == to) {
        return "self";
    }
    for (const auto& l : s.links) {
        if (l.from == from && l.to == to) {
            return l.state == "unknown" ? "?" : l.state;
        }
    }
    return "?";
}

json optional_number(const std::optional<long>& n) {
    return n ? json(*n) : json(nullptr);
}

} // namespace

std::string to_text(const cluster_status& s, bool color) {
    std::string text = "cluster: " + detail::painted(std::string{to_string(s.verdict)}, color) + ", " +
                       std::to_string(s.nodes.size()) + " node(s)";
    if (s.cluster_ids.size() == 1) {
        text += ", cluster id " + s.cluster_ids.begin()->first;
    }
    text += "\n\n";
    std::vector<std::vector<std::string>> nodes{
        {"NODE", "STATE", "HTTP", "MQTT", "CLUSTER", "PID", "ROUTES", "CONNECTIONS", "PEERS UP"}};
    for (const auto& n : s.nodes) {
        nodes.push_back({n.node_id, std::string{to_string(n.state)}, n.http, n.mqtt.empty() ? "-" : n.mqtt,
                         n.cluster.empty() ? "-" : n.cluster, n.pid > 0 ? std::to_string(n.pid) : "-",
                         or_dash(n.route_count), or_dash(n.connections),
                         n.state == node_state::unreachable
                             ? "-"
                             : std::to_string(n.peers_up) + "/" + std::to_string(s.nodes.size() - 1)});
    }
    text += table(nodes, color, 1, 1);
    if (s.nodes.size() > 1) {
        text += "\nlinks (what each row's node reports about each column's node):\n";
        std::vector<std::vector<std::string>> matrix{{""}};
        for (const auto& n : s.nodes) {
            matrix.front().push_back(n.node_id);
        }
        for (const auto& from : s.nodes) {
            std::vector<std::string> row{from.node_id};
            for (const auto& to : s.nodes) {
                row.push_back(link_state(s, from.node_id, to.node_id));
            }
            matrix.push_back(std::move(row));
        }
        text += table(matrix, color, 1, s.nodes.size());
    }
    if (s.cluster_ids.size() > 1) {
        text += "\ncluster ids:\n";
        for (const auto& [id, members] : s.cluster_ids) {
            text += "  " + id + ":";
            for (const auto& m : members) {
                text += " " + m;
            }
            text += "\n";
        }
    }
    if (!s.problems.empty()) {
        text += "\nproblems:\n";
        for (const auto& p : s.problems) {
            text += "  - " + p + "\n";
        }
        text += "hint: node logs are in the cluster directory's logs/ (`emqxctl cluster start` "
                "wrote them); `emqxctl health` checks each node in depth\n";
    }
    return text;
}

json to_json(const cluster_status& s) {
    json nodes = json::array();
    for (const auto& n : s.nodes) {
        nodes.push_back({{"node_id", n.node_id},
                         {"state", std::string{to_string(n.state)}},
                         {"reason", n.reason},
                         {"http", n.http},
                         {"mqtt", n.mqtt},
                         {"cluster", n.cluster},
                         {"pid", n.pid > 0 ? json(n.pid) : json(nullptr)},
                         {"cluster_id", n.cluster_id},
                         {"route_count", optional_number(n.route_count)},
                         {"connections", optional_number(n.connections)},
                         {"peers_up", n.peers_up}});
    }
    json links = json::array();
    for (const auto& l : s.links) {
        links.push_back({{"from", l.from}, {"to", l.to}, {"state", l.state}, {"error", l.error}});
    }
    json ids = json::object();
    for (const auto& [id, members] : s.cluster_ids) {
        ids[id] = members;
    }
    return {{"schema", "emqxctl.cluster-status/1"},
            {"verdict", std::string{to_string(s.verdict)}},
            {"split_brain", s.split_brain},
            {"cluster_ids", ids},
            {"nodes", nodes},
            {"links", links},
            {"problems", s.problems}};
}

} // namespace emqx::health

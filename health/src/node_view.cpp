// Parsing of /api/v1/status and /api/v1/cluster; tolerant of extra fields, strict on types.
#include <emqx/health/node_view.hpp>

namespace emqx::health {

namespace {

using nlohmann::json;

std::string string_field(const json& doc, const char* key) {
    const auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

std::optional<listener_info> node_status::listener(std::string_view name) const {
    for (const auto& l : listeners) {
        if (l.name == name) {
            return l;
        }
    }
    return std::nullopt;
}

expected<node_status, std::string> parse_status(const json& doc) {
    if (!doc.is_object()) {
        return unexpected(std::string("/api/v1/status is not a JSON object"));
    }
    if (!doc.contains("node_id") || !doc["node_id"].is_string()) {
        return unexpected(std::string("/api/v1/status has no string \"node_id\""));
    }
    node_status status;
    status.node_id = doc["node_id"].get<std::string>();
    status.version = string_field(doc, "version");
    status.cluster_id = string_field(doc, "cluster_id");
    if (doc.contains("pid") && doc["pid"].is_number_integer()) {
        status.pid = doc["pid"].get<long>();
    }
    if (doc.contains("uptime_seconds") && doc["uptime_seconds"].is_number()) {
        status.uptime_seconds = doc["uptime_seconds"].get<double>();
    }
    if (doc.contains("listeners") && doc["listeners"].is_array()) {
        for (const auto& l : doc["listeners"]) {
            if (!l.is_object() || !l.contains("port") || !l["port"].is_number_unsigned()) {
                continue;
            }
            const auto port = l["port"].get<std::uint64_t>();
            if (port == 0 || port > 65535) {
                continue;
            }
            status.listeners.push_back({string_field(l, "name"),
                                        string_field(l, "address"),
                                        static_cast<std::uint16_t>(port)});
        }
    }
    return status;
}

expected<cluster_view, std::string> parse_cluster_view(const json& doc) {
    if (!doc.is_object() || !doc.contains("node_id") || !doc["node_id"].is_string()) {
        return unexpected(std::string("/api/v1/cluster has no string \"node_id\""));
    }
    cluster_view view;
    view.node_id = doc["node_id"].get<std::string>();
    view.cluster_id = string_field(doc, "cluster_id");
    if (doc.contains("nodes") && doc["nodes"].is_number_integer()) {
        view.nodes = doc["nodes"].get<long>();
    }
    if (doc.contains("peers") && !doc["peers"].is_array()) {
        return unexpected(std::string("/api/v1/cluster: \"peers\" is not an array"));
    }
    for (const auto& p : doc.value("peers", json::array())) {
        if (!p.is_object()) {
            continue;
        }
        view.peers.push_back({string_field(p, "node_id"),
                              string_field(p, "address"),
                              string_field(p, "state"),
                              string_field(p, "cluster_id"),
                              string_field(p, "http"),
                              string_field(p, "mqtt"),
                              string_field(p, "error")});
    }
    return view;
}

std::vector<client::host_port> peer_http_addresses(const cluster_view& view) {
    std::vector<client::host_port> addresses;
    for (const auto& peer : view.peers) {
        if (peer.http.empty()) {
            continue;
        }
        if (auto address = client::parse_host_port(peer.http, client::default_http_port)) {
            addresses.push_back(*address);
        }
    }
    return addresses;
}

client::host_port reach(const listener_info& listener, const std::string& node_host) {
    const bool any = listener.address.empty() || listener.address == "0.0.0.0" ||
                     listener.address == "::" || listener.address == "[::]";
    return {any ? node_host : listener.address, listener.port};
}

} // namespace emqx::health

// The port plan of a local cluster (see cluster_plan.hpp).
#include <emqx/health/cluster_plan.hpp>

namespace emqx::health {

expected<std::vector<node_ports>, std::string> make_port_plan(int nodes,
                                                              std::optional<std::uint16_t> base_port) {
    if (nodes < 1 || nodes > max_local_nodes) {
        return unexpected{"--nodes must be between 1 and " + std::to_string(max_local_nodes) +
                          ", not " + std::to_string(nodes)};
    }
    if (base_port && *base_port == 0) {
        return unexpected{std::string{"--base-port must be a port 1-65535"}};
    }
    std::vector<node_ports> plan;
    for (int k = 1; k <= nodes; ++k) {
        const long i = k - 1;
        long mqtt = 1883 + i;
        long cluster = 8081 + 2 * i;
        long http = 8082 + 2 * i;
        long dashboard = 18083 + i;
        if (base_port) {
            mqtt = *base_port + 4 * i;
            cluster = mqtt + 1;
            http = mqtt + 2;
            dashboard = mqtt + 3;
        }
        for (const long port : {mqtt, cluster, http, dashboard}) {
            if (port > 65535) {
                return unexpected{"node" + std::to_string(k) + " would need port " +
                                  std::to_string(port) + ", past 65535: use a lower --base-port"};
            }
        }
        plan.push_back(node_ports{.index = k,
                                  .node_id = "node" + std::to_string(k),
                                  .mqtt = static_cast<std::uint16_t>(mqtt),
                                  .cluster = static_cast<std::uint16_t>(cluster),
                                  .http = static_cast<std::uint16_t>(http),
                                  .dashboard = static_cast<std::uint16_t>(dashboard)});
    }
    return plan;
}

std::string loopback(std::uint16_t port) {
    return "127.0.0.1:" + std::to_string(port);
}

std::string peer_list(const std::vector<node_ports>& plan, int self) {
    std::string peers;
    for (const auto& node : plan) {
        if (node.index == self) {
            continue;
        }
        if (!peers.empty()) {
            peers += ',';
        }
        peers += loopback(node.cluster);
    }
    return peers;
}

} // namespace emqx::health

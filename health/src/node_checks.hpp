// The checks of one node and what discovery learns about it (private to the health library).
#pragma once

#include <emqx/client/http.hpp>
#include <emqx/client/mqtt_probe.hpp>
#include <emqx/health/check.hpp>
#include <emqx/health/node_view.hpp>
#include <emqx/health/options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace emqx::health::detail {

/// A node as discovery found it.
struct node_target {
    client::host_port http;
    std::string scope; ///< its node id, else its HTTP address
    std::optional<node_status> status;
    std::optional<client::http_error> status_error; ///< why /api/v1/status failed
    std::optional<cluster_view> view;
    std::optional<client::host_port> mqtt; ///< from its status, else from a peer's view
};

/// GET /api/v1/status and /api/v1/cluster of `http`.
[[nodiscard]] node_target ask_node(const client::host_port& http,
                                   const client::http_options& options);

/// Keeps the first of several addresses that reach the same node id.
void drop_duplicates(std::vector<node_target>& targets);

/// Gives a node that did not answer the id and MQTT address its peers know it by.
void name_unanswered(std::vector<node_target>& targets);

[[nodiscard]] client::probe_options probe_for(const client::host_port& broker, const options& opts);

/// mqtt.connect, then mqtt.round_trip on the same broker (UNKNOWN when it cannot connect).
[[nodiscard]] std::vector<check_result> mqtt_checks(const std::string& scope,
                                                    const client::host_port& broker,
                                                    bool api_answered,
                                                    const options& opts);

/// Every check of one node, in the order run_health documents.
[[nodiscard]] std::vector<check_result> node_checks(const node_target& target, const options& opts);

} // namespace emqx::health::detail

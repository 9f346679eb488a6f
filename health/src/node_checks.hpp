// The checks of one node and what discovery learns about it (private to the health library).
#pragma once

#include <emqx/client/http.hpp>
#include <emqx/client/mqtt_probe.hpp>
#include <emqx/health/check.hpp>
#include <emqx/health/node_view.hpp>
#include <emqx/health/options.hpp>

#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
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

/// What the MQTT probes of one broker gave: the connect, then (when it connected) a round trip.
struct mqtt_outcome {
    expected<std::chrono::microseconds, client::probe_error> connected;
    std::optional<expected<std::chrono::microseconds, client::probe_error>> round_trip;
};

/// Probes `broker`: connect, then a QoS 1 round trip on it when the connect worked.
[[nodiscard]] mqtt_outcome probe_mqtt(const client::host_port& broker, const options& opts);

/// MQTT probes started as soon as discovery learns a broker's address, so that a node whose
/// HTTP stalls is probed while discovery waits for it, not after. Thread-safe.
class early_probes {
public:
    /// Starts probing `broker` unless it is already being probed.
    void start(const client::host_port& broker, const options& opts);
    /// The outcome for `broker` (waiting for it), if it was started.
    [[nodiscard]] std::optional<mqtt_outcome> take(const client::host_port& broker);

private:
    std::mutex mutex_;
    std::vector<std::pair<client::host_port, std::shared_future<mqtt_outcome>>> started_;
};

/// mqtt.connect, then mqtt.round_trip on the same broker (UNKNOWN when it cannot connect), from
/// `outcome` when given, else probed now.
[[nodiscard]] std::vector<check_result> mqtt_checks(const std::string& scope,
                                                    const client::host_port& broker,
                                                    bool api_answered,
                                                    const options& opts,
                                                    std::optional<mqtt_outcome> outcome = {});

/// Every check of one node, in the order run_health documents; MQTT outcomes come from
/// `early` when it probed the node's broker already.
[[nodiscard]] std::vector<check_result>
node_checks(const node_target& target, const options& opts, early_probes& early);

} // namespace emqx::health::detail

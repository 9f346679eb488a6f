// Pure evaluators: figures and errors in, verdicts with reasons and hints out. No I/O here,
// so that every threshold and every hint is unit-tested without a node.
#pragma once

#include <emqx/base/expected.hpp>
#include <emqx/client/http.hpp>
#include <emqx/client/mqtt_probe.hpp>
#include <emqx/client/prometheus.hpp>
#include <emqx/health/check.hpp>
#include <emqx/health/node_view.hpp>
#include <emqx/health/options.hpp>
#include <emqx/health/process.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace emqx::health {

/// The "api" check from GET /api/v1/status: OK names the node, else UNKNOWN with a hint
/// suited to the failure (refused, timed out, HTML or garbage, 401, ...).
[[nodiscard]] check_result evaluate_api(const std::string& scope,
                                        const std::string& address,
                                        const expected<node_status, client::http_error>& status);

/// "health" (GET /health) or "ready" (GET /ready): 200 is OK, anything else CRITICAL; the
/// reasons /ready gives are quoted.
[[nodiscard]] check_result
evaluate_probe_path(const std::string& scope,
                    const std::string& name,
                    const expected<client::http_response, client::http_error>& answer);

/// "listeners": every listener accepts a TCP connection. `results` pairs a listener name
/// and address ("mqtt 127.0.0.1:1883") with the connect outcome.
[[nodiscard]] check_result evaluate_listeners(
    const std::string& scope,
    const std::vector<std::pair<std::string, expected<std::chrono::microseconds, std::string>>>&
        results);

/// The figures of one scrape that health looks at.
struct metric_figures {
    double connections = 0;
    double sessions = 0;
    double dropped = 0;         ///< every dropped message
    double dropped_trouble = 0; ///< dropped for a reason other than no_subscribers
};

/// Picks the figures out of a scrape; an error names the first missing series.
[[nodiscard]] expected<metric_figures, std::string>
extract_metrics(const std::vector<client::sample>& samples);

/// "metrics": the second scrape's figures and the rate of troublesome drops between the two
/// scrapes, `seconds` apart; any such drop is a WARNING.
[[nodiscard]] check_result evaluate_metrics(const std::string& scope,
                                            const metric_figures& first,
                                            const metric_figures& second,
                                            double seconds);

/// "metrics" when a scrape failed (HTTP error or text that does not parse): CRITICAL.
[[nodiscard]] check_result metrics_failed(const std::string& scope, const std::string& why);

/// "mqtt.connect". A failure without CONNACK is CRITICAL when the node's API answered (its
/// MQTT side is broken) and UNKNOWN otherwise (nothing answers there at all).
[[nodiscard]] check_result
evaluate_connect(const std::string& scope,
                 const std::string& address,
                 const expected<std::chrono::microseconds, client::probe_error>& outcome,
                 bool api_answered,
                 const std::string& username);

/// A round trip ("mqtt.round_trip", or "cluster.round_trip" across nodes) against the
/// latency thresholds; not received is CRITICAL. `what` starts the reason ("node1 -> node2";
/// empty for a node's own round trip), `label` names its figure.
[[nodiscard]] check_result
evaluate_round_trip(const std::string& scope,
                    const std::string& name,
                    const std::string& what,
                    const std::string& label,
                    const expected<std::chrono::microseconds, client::probe_error>& outcome,
                    const thresholds& limits);

[[nodiscard]] check_result
evaluate_memory(const std::string& scope, std::uint64_t rss_bytes, const thresholds& limits);
[[nodiscard]] check_result evaluate_fds(const std::string& scope,
                                        std::uint64_t open_fds,
                                        std::uint64_t max_fds,
                                        const thresholds& limits);
[[nodiscard]] check_result evaluate_disk(const std::string& scope,
                                         const std::string& path,
                                         const disk_space& space,
                                         const thresholds& limits);

/// "cluster.id", "cluster.peers", "cluster.nodes" from the views of the nodes that answered;
/// `unanswered` names the nodes that did not (they count as missing).
[[nodiscard]] std::vector<check_result> evaluate_cluster(const std::vector<cluster_view>& views,
                                                         const std::vector<std::string>& unanswered,
                                                         const thresholds& limits);

} // namespace emqx::health

// `emqxctl cluster test`: for every ordered pair of nodes (a node with itself included) and
// each QoS, publish a numbered sequence on one and check that the other receives every
// message once and in order, with its latency.
#pragma once

#include <emqx/client/node.hpp>
#include <emqx/health/cluster_status.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::health {

struct test_node {
    std::string node_id;
    client::host_port mqtt;
};

struct cluster_test_options {
    std::vector<test_node> nodes;
    std::vector<int> qos{0, 1, 2};
    int count = 10; ///< messages per pair and QoS
    std::chrono::milliseconds timeout{5000}; ///< per pair: connect, route, deliver
    std::string username, password;
    std::function<void(std::string_view)> progress; ///< one line per pair; may be empty
};

enum class pair_outcome { pass, fail, unreachable };

[[nodiscard]] std::string_view to_string(pair_outcome outcome) noexcept;

/// What a cell checks: a numbered sequence, a retained message set on one node and read by a
/// new subscription on another, or a shared subscription group with a member on every node
/// (each message to exactly one member; subscriber "all").
enum class pair_check { delivery, retained, shared };

/// One cell: messages published on `publisher`, received on `subscriber`.
struct pair_result {
    pair_check check = pair_check::delivery;
    std::string publisher, subscriber;
    int qos = 0;
    pair_outcome outcome = pair_outcome::fail;
    int sent = 0;
    int received = 0;   ///< distinct messages of the sequence received
    int duplicates = 0; ///< messages received more than once
    int out_of_order = 0;
    int members_reached = 0; ///< shared: how many members (nodes) got at least one message
    double latency_p50_ms = 0;
    double latency_max_ms = 0;
    std::string error; ///< why it failed, one line
};

struct cluster_test_report {
    std::vector<std::string> node_ids;
    std::vector<int> qos;
    int count = 0;
    std::vector<pair_result> results;
    cluster_verdict verdict = cluster_verdict::unknown;
};

/// Judges one cell from what was seen (pure): pass when every message arrived once and in
/// order; `error` says what was wrong otherwise.
[[nodiscard]] pair_result judge_pair(pair_result seen);

/// The verdict of the whole (pure): OK when every cell passed; UNKNOWN when a node could not
/// be reached; CRITICAL when any delivery failed.
[[nodiscard]] cluster_verdict judge_test(const std::vector<pair_result>& results);

/// One cell over MQTT v3.1.1 (Paho): subscribe on `sub`, wait until a warm-up message crosses
/// (the route has reached `pub`), publish `count` numbered messages on `pub`, collect them.
[[nodiscard]] pair_result run_pair(const test_node& pub, const test_node& sub, int qos,
                                   const cluster_test_options& options);

/// One retained cell: a retained message (QoS 1) set on `pub` must reach a subscription made on
/// `sub` afterwards (re-subscribing until it does, within the timeout); then it is cleared.
[[nodiscard]] pair_result run_retained_pair(const test_node& pub, const test_node& sub,
                                            const cluster_test_options& options);

/// One shared cell: a group `$share/<g>/<topic>` with one member on each of `nodes`; `count`
/// QoS 1 messages published on `pub` must each reach exactly one member.
[[nodiscard]] pair_result run_shared_pair(const test_node& pub, const cluster_test_options& options);

/// Every ordered pair and QoS, then every ordered pair for a retained message, then a shared
/// group from every node: the cells of one round concurrently, the rounds in turn.
[[nodiscard]] cluster_test_report run_cluster_test(const cluster_test_options& options);

/// Text: one matrix per QoS (rows publish, columns subscribe), failures, SUCCESS or FAILURE;
/// state words in ANSI colour when `color`.
[[nodiscard]] std::string to_text(const cluster_test_report& report, bool color = false);

/// JSON, schema "emqxctl.cluster-test/1".
[[nodiscard]] nlohmann::json to_json(const cluster_test_report& report);

} // namespace emqx::health

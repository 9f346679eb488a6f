// The health run: discovery from the seeds, concurrent per-node checks, then cluster checks.
#include "node_checks.hpp"

#include <emqx/health/evaluate.hpp>
#include <emqx/health/run.hpp>

#include <algorithm>
#include <future>

namespace emqx::health {

namespace {

using clock = std::chrono::steady_clock;

/// A bound on discovery, so that a confused peer list cannot make the run grow forever.
constexpr std::size_t max_nodes = 64;

client::http_options http_options_of(const options& opts) {
    return {opts.timeout, opts.bearer_token};
}

/// Starts the MQTT probes of the brokers an answer names: its own and its peers'.
void start_probes(const detail::node_target& t, detail::early_probes& early, const options& opts) {
    if (t.mqtt) {
        early.start(*t.mqtt, opts);
    }
    if (t.view) {
        for (const auto& peer : t.view->peers) {
            const auto mqtt = client::parse_host_port(peer.mqtt, client::default_mqtt_port);
            if (!peer.mqtt.empty() && mqtt) {
                early.start(*mqtt, opts);
            }
        }
    }
}

/// Asks every address not asked yet, adds the peers they name, until nothing is new. The MQTT
/// probes of the brokers the answers name start as each answer comes in.
std::vector<detail::node_target> discover(const options& opts, detail::early_probes& early) {
    std::vector<detail::node_target> targets;
    std::vector<client::host_port> pending;
    // Every address ever queued: a peer named by one node while another round is still asking
    // it (a stalled node, named by each of its peers) is not asked, nor listed, twice.
    std::vector<client::host_port> queued;
    // True when `a` was queued before; else records it as queued now.
    const auto seen_before = [&](const client::host_port& a) {
        if (std::find(queued.begin(), queued.end(), a) != queued.end()) {
            return true;
        }
        queued.push_back(a);
        return false;
    };
    for (const auto& seed : opts.seeds) {
        if (!seen_before(seed)) {
            pending.push_back(seed);
        }
    }
    while (!pending.empty() && targets.size() < max_nodes) {
        std::vector<std::future<detail::node_target>> asked;
        for (const auto& address : pending) {
            // The asking task starts the probes its answer names, so that they run while a
            // stalled node is still being asked.
            asked.push_back(std::async(std::launch::async, [address, &opts, &early] {
                auto answer = detail::ask_node(address, http_options_of(opts));
                start_probes(answer, early, opts);
                return answer;
            }));
        }
        pending.clear();
        for (auto& f : asked) {
            targets.push_back(f.get());
            if (targets.back().view) {
                for (const auto& peer : peer_http_addresses(*targets.back().view)) {
                    if (!seen_before(peer) && targets.size() + pending.size() < max_nodes) {
                        pending.push_back(peer);
                    }
                }
            }
        }
    }
    detail::drop_duplicates(targets);
    detail::name_unanswered(targets);
    return targets;
}

report mqtt_only_run(const options& opts, const client::host_port& broker) {
    report out;
    out.mqtt_only = true;
    const auto scope = client::to_string(broker);
    out.nodes.push_back(scope);
    out.checks.push_back({scope,
                          "api",
                          verdict::skipped,
                          "no HTTP API asked (--mqtt): HTTP and cluster checks skipped",
                          {},
                          {}});
    auto mqtt = detail::mqtt_checks(scope, broker, false, opts);
    out.checks.insert(out.checks.end(), mqtt.begin(), mqtt.end());
    return out;
}

std::vector<check_result> cross_node_checks(const std::vector<detail::node_target>& targets,
                                            const options& opts) {
    std::vector<const detail::node_target*> live;
    for (const auto& t : targets) {
        if (t.status && t.mqtt) {
            live.push_back(&t);
        }
    }
    std::vector<std::future<check_result>> pairs;
    for (const auto* from : live) {
        for (const auto* to : live) {
            if (from == to) {
                continue;
            }
            pairs.push_back(std::async(std::launch::async, [from, to, &opts] {
                const auto label = from->scope + "_to_" + to->scope + "_rtt";
                auto outcome = client::probe_round_trip(
                    detail::probe_for(*from->mqtt, opts), detail::probe_for(*to->mqtt, opts), 1);
                return evaluate_round_trip("cluster",
                                           "cluster.round_trip",
                                           from->scope + " -> " + to->scope,
                                           label,
                                           outcome,
                                           opts.limits);
            }));
        }
    }
    std::vector<check_result> results;
    for (auto& p : pairs) {
        results.push_back(p.get());
    }
    return results;
}

} // namespace

report run_health(const options& opts) {
    const auto start = clock::now();
    report out;
    if (opts.mqtt_only) {
        out = mqtt_only_run(opts, *opts.mqtt_only);
    } else {
        detail::early_probes early;
        const auto targets = discover(opts, early);
        std::vector<std::future<std::vector<check_result>>> per_node;
        for (const auto& t : targets) {
            out.nodes.push_back(t.scope);
            per_node.push_back(std::async(std::launch::async, [&t, &opts, &early] {
                return detail::node_checks(t, opts, early);
            }));
        }
        auto crossing = std::async(std::launch::async,
                                   [&targets, &opts] { return cross_node_checks(targets, opts); });
        for (auto& f : per_node) {
            auto checks = f.get();
            out.checks.insert(out.checks.end(), checks.begin(), checks.end());
        }
        std::vector<cluster_view> views;
        std::vector<std::string> unanswered;
        for (const auto& t : targets) {
            if (t.view) {
                views.push_back(*t.view);
            } else if (!t.status) {
                unanswered.push_back(t.scope);
            }
        }
        auto cluster = evaluate_cluster(views, unanswered, opts.limits);
        out.checks.insert(out.checks.end(), cluster.begin(), cluster.end());
        auto pairs = crossing.get();
        out.checks.insert(out.checks.end(), pairs.begin(), pairs.end());
        if (cluster.front().state == verdict::ok && !views.empty()) {
            out.cluster_id = views.front().cluster_id;
        }
    }
    out.seconds = std::chrono::duration<double>(clock::now() - start).count();
    return out;
}

} // namespace emqx::health

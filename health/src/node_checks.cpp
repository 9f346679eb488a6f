// One node's checks: API, process and resources, listeners, /health, /ready, metrics, MQTT.
#include "node_checks.hpp"

#include <emqx/client/prometheus.hpp>
#include <emqx/client/tcp.hpp>
#include <emqx/health/evaluate.hpp>
#include <emqx/health/process.hpp>

#include <future>
#include <thread>

namespace emqx::health::detail {

namespace {

using clock = std::chrono::steady_clock;

expected<std::vector<client::sample>, std::string> scrape(const client::host_port& node,
                                                          const options& opts) {
    auto answer = client::http_get(node, "/metrics", {opts.timeout, opts.bearer_token});
    if (!answer) {
        return unexpected(answer.error().message);
    }
    if (answer->status != 200) {
        return unexpected("HTTP " + std::to_string(answer->status) + " from /metrics");
    }
    auto samples = client::parse_prometheus(answer->body);
    if (!samples) {
        return unexpected("/metrics is not Prometheus text: " + samples.error());
    }
    return samples;
}

/// The metrics check and the scrape it used (for resources when /proc cannot tell).
struct metrics_outcome {
    check_result check;
    std::vector<client::sample> samples;
};

metrics_outcome metrics_check(const node_target& t, const options& opts) {
    auto first = scrape(t.http, opts);
    if (!first) {
        return {metrics_failed(t.scope, first.error()), {}};
    }
    auto figures_1 = extract_metrics(*first);
    if (!figures_1) {
        return {metrics_failed(t.scope, figures_1.error()), std::move(*first)};
    }
    const auto start = clock::now();
    std::this_thread::sleep_for(opts.rate_interval);
    auto second = scrape(t.http, opts);
    if (!second) {
        return {metrics_failed(t.scope, second.error()), std::move(*first)};
    }
    auto figures_2 = extract_metrics(*second);
    if (!figures_2) {
        return {metrics_failed(t.scope, figures_2.error()), std::move(*second)};
    }
    const double seconds = std::chrono::duration<double>(clock::now() - start).count();
    return {evaluate_metrics(t.scope, *figures_1, *figures_2, seconds), std::move(*second)};
}

check_result skipped(const std::string& scope, std::string name, std::string reason) {
    return {scope, std::move(name), verdict::skipped, std::move(reason), {}, {}};
}

/// process, memory, fds, disk: from /proc when the node runs here, else from its metrics.
std::vector<check_result> resource_checks(const node_target& t,
                                          const options& opts,
                                          const std::vector<client::sample>& samples) {
    std::vector<check_result> out;
    const long pid = t.status->pid;
    if (is_local_host(t.http.host)) {
        if (auto info = read_process(pid)) {
            out.push_back({t.scope,
                           "process",
                           verdict::ok,
                           "pid " + std::to_string(pid) + " (" + info->name + ") on this host",
                           {},
                           {}});
            out.push_back(evaluate_memory(t.scope, info->rss_bytes, opts.limits));
            out.push_back(evaluate_fds(t.scope, info->open_fds, info->max_fds, opts.limits));
            if (auto space = disk_space_of(info->log_dir); space && !info->log_dir.empty()) {
                out.push_back(evaluate_disk(t.scope, info->log_dir.string(), *space, opts.limits));
            } else {
                out.push_back(skipped(t.scope, "disk", "cannot tell where the node logs"));
            }
            return out;
        }
    }
    out.push_back(skipped(t.scope,
                          "process",
                          "pid " + std::to_string(pid) +
                              " not visible here (another host or container): figures from "
                              "/metrics"));
    const auto rss = client::find_value(samples, "process_resident_memory_bytes");
    const auto open = client::find_value(samples, "process_open_fds");
    const auto max = client::find_value(samples, "process_max_fds");
    out.push_back(rss ? evaluate_memory(t.scope, static_cast<std::uint64_t>(*rss), opts.limits)
                      : skipped(t.scope, "memory", "no process_resident_memory_bytes"));
    out.push_back(open && max ? evaluate_fds(t.scope,
                                             static_cast<std::uint64_t>(*open),
                                             static_cast<std::uint64_t>(*max),
                                             opts.limits)
                              : skipped(t.scope, "fds", "no process_open_fds"));
    out.push_back(skipped(t.scope, "disk", "free disk is visible only on the node's host"));
    return out;
}

check_result listener_check(const node_target& t, const options& opts) {
    using outcome = expected<std::chrono::microseconds, std::string>;
    std::vector<std::pair<std::string, std::future<outcome>>> tries;
    for (const auto& l : t.status->listeners) {
        const auto address = reach(l, t.http.host);
        tries.emplace_back(l.name + " " + client::to_string(address),
                           std::async(std::launch::async, [address, &opts] {
                               return client::tcp_connect(address, opts.timeout);
                           }));
    }
    std::vector<std::pair<std::string, outcome>> results;
    for (auto& [name, f] : tries) {
        results.emplace_back(name, f.get());
    }
    return evaluate_listeners(t.scope, results);
}

} // namespace

node_target ask_node(const client::host_port& http, const client::http_options& options) {
    node_target t;
    t.http = http;
    t.scope = client::to_string(http);
    auto status_doc = client::get_json(http, "/api/v1/status", options);
    if (!status_doc) {
        t.status_error = status_doc.error();
        return t;
    }
    auto status = parse_status(*status_doc);
    if (!status) {
        t.status_error = client::http_error{
            client::http_failure::not_json, status.error() + " at " + t.scope, 200};
        return t;
    }
    t.status = std::move(*status);
    t.scope = t.status->node_id;
    if (const auto mqtt = t.status->listener("mqtt")) {
        t.mqtt = reach(*mqtt, http.host);
    }
    if (auto view_doc = client::get_json(http, "/api/v1/cluster", options)) {
        if (auto view = parse_cluster_view(*view_doc)) {
            t.view = std::move(*view);
        }
    }
    return t;
}

void drop_duplicates(std::vector<node_target>& targets) {
    std::vector<node_target> kept;
    for (auto& t : targets) {
        bool seen = false;
        for (const auto& k : kept) {
            seen = seen || (t.status && k.status && k.status->node_id == t.status->node_id);
        }
        if (!seen) {
            kept.push_back(std::move(t));
        }
    }
    targets = std::move(kept);
}

void name_unanswered(std::vector<node_target>& targets) {
    for (auto& t : targets) {
        if (t.status) {
            continue;
        }
        for (const auto& other : targets) {
            if (!other.view) {
                continue;
            }
            for (const auto& peer : other.view->peers) {
                const auto http = client::parse_host_port(peer.http, client::default_http_port);
                if (!http || !(*http == t.http)) {
                    continue;
                }
                if (!peer.node_id.empty()) {
                    t.scope = peer.node_id;
                }
                auto mqtt = client::parse_host_port(peer.mqtt, client::default_mqtt_port);
                if (!t.mqtt && !peer.mqtt.empty() && mqtt) {
                    t.mqtt = *mqtt;
                }
            }
        }
    }
}

client::probe_options probe_for(const client::host_port& broker, const options& opts) {
    client::probe_options p;
    p.broker = broker;
    p.username = opts.username;
    p.password = opts.password;
    p.mqtt_version = opts.mqtt_version;
    p.timeout = opts.timeout;
    return p;
}

mqtt_outcome probe_mqtt(const client::host_port& broker, const options& opts) {
    const auto probe = probe_for(broker, opts);
    mqtt_outcome out{client::probe_connect(probe), std::nullopt};
    if (out.connected) {
        out.round_trip = client::probe_round_trip(probe, probe, 1);
    }
    return out;
}

void early_probes::start(const client::host_port& broker, const options& opts) {
    const std::lock_guard lock(mutex_);
    for (const auto& [address, outcome] : started_) {
        if (address == broker) {
            return;
        }
    }
    started_.emplace_back(broker, std::async(std::launch::async, [broker, &opts] {
                                      return probe_mqtt(broker, opts);
                                  }).share());
}

std::optional<mqtt_outcome> early_probes::take(const client::host_port& broker) {
    std::shared_future<mqtt_outcome> outcome;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [address, started] : started_) {
            if (address == broker) {
                outcome = started;
            }
        }
    }
    if (!outcome.valid()) {
        return std::nullopt;
    }
    return outcome.get();
}

std::vector<check_result> mqtt_checks(const std::string& scope,
                                      const client::host_port& broker,
                                      bool api_answered,
                                      const options& opts,
                                      std::optional<mqtt_outcome> outcome) {
    if (!outcome) {
        outcome = probe_mqtt(broker, opts);
    }
    const auto& connected = outcome->connected;
    std::vector<check_result> out;
    out.push_back(
        evaluate_connect(scope, client::to_string(broker), connected, api_answered, opts.username));
    if (!connected || !outcome->round_trip) {
        out.push_back(
            {scope, "mqtt.round_trip", verdict::skipped, "not tried: mqtt.connect failed", {}, {}});
        return out;
    }
    out.push_back(evaluate_round_trip(
        scope, "mqtt.round_trip", "", scope + "_rtt", *outcome->round_trip, opts.limits));
    return out;
}

std::vector<check_result>
node_checks(const node_target& t, const options& opts, early_probes& early) {
    std::vector<check_result> out;
    const auto address = client::to_string(t.http);
    if (!t.status) {
        out.push_back(evaluate_api(t.scope, address, unexpected(*t.status_error)));
        if (t.mqtt) {
            auto mqtt = mqtt_checks(t.scope, *t.mqtt, false, opts, early.take(*t.mqtt));
            out.insert(out.end(), mqtt.begin(), mqtt.end());
        }
        return out;
    }
    out.push_back(evaluate_api(t.scope, address, *t.status));
    const client::http_options http{opts.timeout, opts.bearer_token};
    auto metrics = std::async(std::launch::async, [&] { return metrics_check(t, opts); });
    // An if rather than ?: with a braced vector, which GCC 12 -O3 takes for a read of an
    // uninitialised string (-Wmaybe-uninitialized).
    auto mqtt = std::async(std::launch::async, [&]() -> std::vector<check_result> {
        if (t.mqtt) {
            return mqtt_checks(t.scope, *t.mqtt, true, opts, early.take(*t.mqtt));
        }
        std::vector<check_result> none;
        none.push_back({t.scope,
                        "mqtt.connect",
                        verdict::critical,
                        "the node lists no mqtt listener",
                        "check listeners in its config",
                        {}});
        return none;
    });
    auto listeners = std::async(std::launch::async, [&] { return listener_check(t, opts); });
    auto health = evaluate_probe_path(t.scope, "health", client::http_get(t.http, "/health", http));
    auto ready = evaluate_probe_path(t.scope, "ready", client::http_get(t.http, "/ready", http));
    auto scraped = metrics.get();
    auto resources = resource_checks(t, opts, scraped.samples);
    out.insert(out.end(), resources.begin(), resources.end());
    out.push_back(listeners.get());
    out.push_back(std::move(health));
    out.push_back(std::move(ready));
    out.push_back(std::move(scraped.check));
    auto probes = mqtt.get();
    out.insert(out.end(), probes.begin(), probes.end());
    return out;
}

} // namespace emqx::health::detail

// The per-node evaluators: API, /health and /ready, listeners, metrics, MQTT, resources.
#include "text.hpp"

#include <emqx/client/json_text.hpp>
#include <emqx/health/evaluate.hpp>

#include <cmath>

namespace emqx::health {

namespace {

using detail::format_bytes;
using detail::format_ms;
using detail::to_ms;

check_result make(const std::string& scope,
                  std::string name,
                  verdict state,
                  std::string reason,
                  std::string hint = {}) {
    return {scope, std::move(name), state, std::move(reason), std::move(hint), {}};
}

std::string api_hint(const client::http_error& e, const std::string& address) {
    switch (e.kind) {
    case client::http_failure::refused:
        return "is the node started? `emqxctl cluster status`; is " + address +
               " its HTTP address (--node)?";
    case client::http_failure::timed_out:
        return "the node or the network is stalled: try `curl -v http://" + address +
               "/health`; raise --timeout if the node is just slow";
    case client::http_failure::unresolved: return "check the host name given to --node";
    case client::http_failure::not_json:
        return address + " does not look like an emqxd HTTP port: check --node (or use --mqtt "
                         "for a broker without our API)";
    case client::http_failure::bad_status:
        return e.status == 401 || e.status == 403
                   ? "the API wants a token: see http.auth in the node's config"
                   : "not an emqxd API at " + address + "? try `curl -v http://" + address +
                         "/api/v1/status`";
    case client::http_failure::other: break;
    }
    return "try `curl -v http://" + address + "/api/v1/status`";
}

std::string uptime_text(double seconds) {
    const auto s = static_cast<long>(seconds);
    if (s < 120) {
        return std::to_string(s) + " s";
    }
    if (s < 7200) {
        return std::to_string(s / 60) + " min";
    }
    if (s < 172800) {
        return std::to_string(s / 3600) + " h";
    }
    return std::to_string(s / 86400) + " d";
}

} // namespace

check_result evaluate_api(const std::string& scope,
                          const std::string& address,
                          const expected<node_status, client::http_error>& status) {
    if (!status) {
        return make(scope,
                    "api",
                    verdict::unknown,
                    status.error().message,
                    api_hint(status.error(), address));
    }
    std::string reason = status->node_id + " " + status->version + " at " + address + ", up " +
                         uptime_text(status->uptime_seconds) + ", cluster '" + status->cluster_id +
                         "'";
    auto result = make(scope, "api", verdict::ok, std::move(reason));
    result.figures.push_back({scope + "_uptime", status->uptime_seconds, "s", {}, {}, 0, {}});
    return result;
}

check_result
evaluate_probe_path(const std::string& scope,
                    const std::string& name,
                    const expected<client::http_response, client::http_error>& answer) {
    const std::string path = "/" + name;
    if (!answer) {
        return make(scope,
                    name,
                    verdict::critical,
                    answer.error().message,
                    "the API answered but " + path +
                        " did not: `emqxctl health` again, then the "
                        "node's log");
    }
    if (answer->status == 200) {
        return make(scope, name, verdict::ok, "HTTP 200");
    }
    std::string reason = "HTTP " + std::to_string(answer->status) + " from " + path;
    const auto doc = client::parse_json(answer->body);
    if (!doc.is_discarded() && doc.is_object() && doc.contains("reasons") &&
        doc["reasons"].is_array()) {
        std::string reasons;
        for (const auto& r : doc["reasons"]) {
            if (r.is_string()) {
                reasons += (reasons.empty() ? "" : "; ") + r.get<std::string>();
            }
        }
        if (!reasons.empty()) {
            reason += ": " + reasons;
        }
    }
    const std::string hint = name == "ready"
                                 ? "a listener is down or the node has not joined its cluster: "
                                   "`emqxctl cluster status`"
                                 : "the node is not serving: look at its log (`emqxctl log "
                                   "analyze`)";
    return make(scope, name, verdict::critical, std::move(reason), hint);
}

check_result evaluate_listeners(
    const std::string& scope,
    const std::vector<std::pair<std::string, expected<std::chrono::microseconds, std::string>>>&
        results) {
    if (results.empty()) {
        return make(scope,
                    "listeners",
                    verdict::unknown,
                    "the node lists no listener",
                    "`curl http://<node>/api/v1/status` should list mqtt, http and cluster");
    }
    std::string failed;
    std::string names;
    for (const auto& [name, outcome] : results) {
        names += (names.empty() ? "" : ", ") + name;
        if (!outcome) {
            failed += (failed.empty() ? "" : "; ") + name + ": " + outcome.error();
        }
    }
    if (!failed.empty()) {
        return make(scope,
                    "listeners",
                    verdict::critical,
                    failed,
                    "a listener is not accepting: is a firewall in the way, or is the node "
                    "overloaded? `emqxctl cluster status`");
    }
    return make(scope, "listeners", verdict::ok, names + " accept connections");
}

expected<metric_figures, std::string> extract_metrics(const std::vector<client::sample>& samples) {
    metric_figures figures;
    const auto connections = client::find_value(samples, "emqx_connections_count");
    if (!connections) {
        return unexpected(std::string("no emqx_connections_count series: not an emqxd?"));
    }
    figures.connections = *connections;
    figures.sessions = client::find_value(samples, "emqx_sessions_count").value_or(0);
    for (const auto& s : samples) {
        if (s.name != "emqx_messages_dropped_total" || std::isnan(s.value)) {
            continue;
        }
        figures.dropped += s.value;
        if (s.label("reason") != std::optional<std::string_view>("no_subscribers")) {
            figures.dropped_trouble += s.value;
        }
    }
    return figures;
}

check_result evaluate_metrics(const std::string& scope,
                              const metric_figures& first,
                              const metric_figures& second,
                              double seconds) {
    const double trouble = std::max(0.0, second.dropped_trouble - first.dropped_trouble);
    const double rate = seconds > 0 ? trouble / seconds : 0;
    char text[160];
    std::snprintf(text,
                  sizeof text,
                  "%.0f connections, %.0f sessions, %.0f dropped (%.1f/s)",
                  second.connections,
                  second.sessions,
                  second.dropped,
                  rate);
    auto result = make(scope, "metrics", verdict::ok, text);
    if (trouble > 0) {
        result.state = verdict::warning;
        result.reason += ", " + detail::format_number(trouble) + " dropped just now";
        result.hint = "queues full, expired or too large: `emqxctl diag` and "
                      "emqx_messages_dropped_total{reason} in /metrics";
    }
    result.figures.push_back({scope + "_connections", second.connections, "", {}, {}, 0, {}});
    result.figures.push_back({scope + "_sessions", second.sessions, "", {}, {}, 0, {}});
    result.figures.push_back({scope + "_dropped_rate", rate, "", {}, {}, 0, {}});
    return result;
}

check_result metrics_failed(const std::string& scope, const std::string& why) {
    return make(scope,
                "metrics",
                verdict::critical,
                why,
                "`curl http://<node>/metrics` should give Prometheus text; look at the node's log");
}

check_result
evaluate_connect(const std::string& scope,
                 const std::string& address,
                 const expected<std::chrono::microseconds, client::probe_error>& outcome,
                 bool api_answered,
                 const std::string& username) {
    if (outcome) {
        const auto who = username.empty() ? std::string("anonymously") : "as '" + username + "'";
        auto result =
            make(scope,
                 "mqtt.connect",
                 verdict::ok,
                 "connected to " + address + " " + who + " in " + format_ms(to_ms(*outcome)));
        result.figures.push_back({scope + "_connect", to_ms(*outcome), "ms", {}, {}, 0, {}});
        return result;
    }
    const auto& e = outcome.error();
    if (e.is_auth_failure()) {
        return make(scope,
                    "mqtt.connect",
                    verdict::critical,
                    "authentication refused: " + e.message,
                    "check --username and --password (or EMQXCTL_PASSWORD); the node logs "
                    "'auth authentication failed' with the reason: `emqxctl log analyze`");
    }
    if (e.reason_code >= 0) {
        return make(scope,
                    "mqtt.connect",
                    verdict::critical,
                    e.message,
                    "the broker refused the connection: look at its log (`emqxctl log analyze`)");
    }
    return make(scope,
                "mqtt.connect",
                api_answered ? verdict::critical : verdict::unknown,
                e.message,
                api_answered ? "the node runs but its MQTT listener does not answer MQTT at " +
                                   address + ": `emqxctl cluster status`, then the node's log"
                             : "is the broker started and is " + address +
                                   " its MQTT address? `emqxctl cluster status`");
}

check_result
evaluate_round_trip(const std::string& scope,
                    const std::string& name,
                    const std::string& what,
                    const std::string& label,
                    const expected<std::chrono::microseconds, client::probe_error>& outcome,
                    const thresholds& limits) {
    const auto warn_ms = static_cast<double>(limits.warn_latency.count());
    const auto crit_ms = static_cast<double>(limits.crit_latency.count());
    const std::string prefix = what.empty() ? std::string() : what + ": ";
    const std::string cross_hint =
        name == "cluster.round_trip"
            ? "messages do not cross between these nodes: `emqxctl cluster status`, then "
              "`emqxctl cluster test`"
            : "the broker accepts connections but does not deliver: `emqxctl diag`";
    if (!outcome) {
        return make(scope,
                    name,
                    verdict::critical,
                    prefix + outcome.error().message,
                    outcome.error().is_auth_failure()
                        ? "check --username and --password (or EMQXCTL_PASSWORD)"
                        : cross_hint);
    }
    const double ms = to_ms(*outcome);
    auto result = make(scope, name, verdict::ok, prefix + format_ms(ms));
    if (ms > crit_ms || ms > warn_ms) {
        result.state = ms > crit_ms ? verdict::critical : verdict::warning;
        result.reason += " (above " + format_ms(ms > crit_ms ? crit_ms : warn_ms) + ")";
        result.hint = "the broker or the network is slow: `emqxctl diag`, then `emqxctl perf` "
                      "when the load is low; thresholds --warn-latency/--crit-latency";
    }
    result.figures.push_back({label, ms, "ms", warn_ms, crit_ms, 0, {}});
    return result;
}

check_result
evaluate_memory(const std::string& scope, std::uint64_t rss_bytes, const thresholds& limits) {
    auto result = make(scope, "memory", verdict::ok, "RSS " + format_bytes(rss_bytes));
    if (limits.crit_memory > 0 && rss_bytes >= limits.crit_memory) {
        result.state = verdict::critical;
        result.reason += " (limit " + format_bytes(limits.crit_memory) + ")";
    } else if (limits.warn_memory > 0 && rss_bytes >= limits.warn_memory) {
        result.state = verdict::warning;
        result.reason += " (warning at " + format_bytes(limits.warn_memory) + ")";
    }
    if (result.state != verdict::ok) {
        result.hint = "many sessions or queued messages? `emqxctl diag`; thresholds "
                      "--warn-memory/--crit-memory";
    }
    figure f{scope + "_rss", static_cast<double>(rss_bytes), "B", {}, {}, 0, {}};
    if (limits.warn_memory > 0) {
        f.warn = static_cast<double>(limits.warn_memory);
    }
    if (limits.crit_memory > 0) {
        f.crit = static_cast<double>(limits.crit_memory);
    }
    result.figures.push_back(f);
    return result;
}

check_result evaluate_fds(const std::string& scope,
                          std::uint64_t open_fds,
                          std::uint64_t max_fds,
                          const thresholds& limits) {
    if (max_fds == 0) {
        return make(scope, "fds", verdict::ok, std::to_string(open_fds) + " open, no limit");
    }
    const double percent = 100.0 * static_cast<double>(open_fds) / static_cast<double>(max_fds);
    char text[96];
    std::snprintf(text,
                  sizeof text,
                  "%llu of %llu open (%.0f%%)",
                  static_cast<unsigned long long>(open_fds),
                  static_cast<unsigned long long>(max_fds),
                  percent);
    auto result = make(scope, "fds", verdict::ok, text);
    if (percent >= limits.crit_fds || percent >= limits.warn_fds) {
        result.state = percent >= limits.crit_fds ? verdict::critical : verdict::warning;
        result.hint = "near the open files limit: raise LimitNOFILE / `ulimit -n`, or look for "
                      "a connection leak with `emqxctl diag`";
    }
    const auto max = static_cast<double>(max_fds);
    result.figures.push_back({scope + "_fds",
                              static_cast<double>(open_fds),
                              "",
                              std::floor(max * limits.warn_fds / 100),
                              std::floor(max * limits.crit_fds / 100),
                              0,
                              max});
    return result;
}

check_result evaluate_disk(const std::string& scope,
                           const std::string& path,
                           const disk_space& space,
                           const thresholds& limits) {
    const double percent = space.total_bytes == 0 ? 100.0
                                                  : 100.0 * static_cast<double>(space.free_bytes) /
                                                        static_cast<double>(space.total_bytes);
    char text[64];
    std::snprintf(text, sizeof text, " free (%.0f%%) on ", percent);
    auto result = make(scope, "disk", verdict::ok, format_bytes(space.free_bytes) + text + path);
    if (percent < limits.crit_disk_free || percent < limits.warn_disk_free) {
        result.state = percent < limits.crit_disk_free ? verdict::critical : verdict::warning;
        result.hint = "the disk where the node logs is filling up: `du -sh " + path +
                      "/*`, rotate or remove old logs";
    }
    result.figures.push_back({scope + "_disk_free",
                              percent,
                              "%",
                              limits.warn_disk_free,
                              limits.crit_disk_free,
                              0,
                              100,
                              true});
    return result;
}

} // namespace emqx::health

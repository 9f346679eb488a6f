// `perf connections` results as text for people and JSON for machines, and their verdict.
#include "json_parts.hpp"

#include <emqx/client/json_text.hpp>
#include <emqx/perf/connections.hpp>

#include <cstdio>

namespace emqx::perf {

namespace {

using detail::json;

std::string format(const char* pattern, double value) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

void row(std::string& out, std::string_view label, const std::string& value) {
    out += "  ";
    out += label;
    out.append(label.size() < 16 ? 16 - label.size() : 1, ' ');
    out += value;
    out += '\n';
}

std::string mib(std::uint64_t bytes) {
    return format("%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

std::string us(std::uint64_t ns) {
    return format("%.0f us", static_cast<double>(ns) / 1e3);
}

template <typename T>
json optional_value(const std::optional<T>& value) {
    return value ? json(*value) : json(nullptr);
}

void add_memory(std::string& out, const connections_results& r) {
    const auto& m = r.memory;
    if (!m.before || !m.after) {
        row(out, "broker memory", "unknown (give --broker-pid, or --node for its /metrics)");
        return;
    }
    std::string text = mib(*m.before) + " -> " + mib(*m.after) + " (" + m.source + ")";
    row(out, "broker memory", text);
    if (const auto per = m.per_connection(r.held)) {
        row(out, "per connection", format("%.0f bytes", *per));
    }
}

} // namespace

verdict judge(const connections_results& r) noexcept {
    if (r.connected == 0 && r.status != run_status::interrupted) {
        return verdict::unreachable;
    }
    if (r.status != run_status::completed || r.failed > 0 || r.dropped > 0) {
        return verdict::failed;
    }
    return verdict::ok;
}

std::string to_text(const connections_results& r, const connections_options& o) {
    std::string out = "emqxctl perf connections: " + o.host + ":" + std::to_string(o.port) +
                      ", MQTT " + std::string{version_name(o.version)} + ", " +
                      std::to_string(o.connections) + " connections at " +
                      (o.rate > 0.0 ? format("%.0f/s", o.rate) : std::string{"full speed"}) +
                      (o.subscribe ? ", one subscription each" : "") + ", hold " +
                      format("%.1f s", o.hold_s) + "\n";
    row(out, "status", std::string{to_string(r.status)} + (r.reason.empty() ? "" : ": " + r.reason));
    for (const auto& note : r.notes) {
        row(out, "note", note);
    }
    row(out, "connected", std::to_string(r.connected) + " of " + std::to_string(r.target) +
                              " (" + std::to_string(r.attempted) + " attempted)");
    row(out, "failed", std::to_string(r.failed));
    for (const auto& [reason, n] : r.failures) {
        row(out, "  " + reason, std::to_string(n));
    }
    row(out, "dropped", std::to_string(r.dropped) + " closed by the broker during the hold");
    row(out, "ramp", format("%.2f s", r.ramp_seconds) + ", " +
                         format("%.0f connections/s", r.connected_per_second()) +
                         (r.sources > 1 ? ", from " + std::to_string(r.sources) + " source addresses"
                                        : std::string{}));
    row(out, "held", std::to_string(r.held) + " for " + format("%.1f s", r.hold_seconds));
    if (r.latency.count() > 0) {
        row(out, "connect p50", us(r.latency.percentile(50)));
        row(out, "        p90", us(r.latency.percentile(90)));
        row(out, "        p99", us(r.latency.percentile(99)));
        row(out, "        p99.9", us(r.latency.percentile(99.9)));
        row(out, "        max", us(r.latency.max()));
    }
    add_memory(out, r);
    row(out, "cpu", format("emqxctl %.2f s", r.tool_cpu_seconds) + " over " +
                        format("%.2f s", r.wall_seconds));
    return out;
}

std::string to_json(const connections_results& r, const connections_options& o) {
    json failures = json::object();
    for (const auto& [reason, n] : r.failures) {
        failures[reason] = n;
    }
    json series = json::array();
    for (const auto n : r.per_second) {
        series.push_back({{"connected", n}});
    }
    const json document = {
        {"schema", "emqxctl.perf/1"},
        {"command", "connections"},
        {"broker",
         {{"address", o.host + ":" + std::to_string(o.port)}, {"pid", optional_value(r.broker_pid)}}},
        {"parameters",
         {{"mqtt_version", version_name(o.version)},
          {"connections", o.connections},
          {"rate", o.rate},
          {"max_pending", o.max_pending},
          {"hold_s", o.hold_s},
          {"timeout_s", o.timeout_s},
          {"max_time_s", o.max_time_s},
          {"subscribe", o.subscribe},
          {"sources", r.sources}}},
        {"status", to_string(r.status)},
        {"reason", r.reason},
        {"notes", r.notes},
        {"connections",
         {{"target", r.target},
          {"attempted", r.attempted},
          {"connected", r.connected},
          {"failed", r.failed},
          {"dropped", r.dropped},
          {"held", r.held}}},
        {"failures", failures},
        {"rates",
         {{"connected_per_second", r.connected_per_second()},
          {"ramp_seconds", r.ramp_seconds},
          {"hold_seconds", r.hold_seconds}}},
        {"per_second", series},
        {"connect_latency_us", detail::latency_json(r.latency)},
        {"latency_percentiles_us", detail::percentile_curve(r.latency)},
        {"memory",
         {{"source", r.memory.source},
          {"before_bytes", optional_value(r.memory.before)},
          {"after_bytes", optional_value(r.memory.after)},
          {"per_connection_bytes", optional_value(r.memory.per_connection(r.held))}}},
        {"fd_limit",
         {{"before", r.files.soft_before},
          {"soft", r.files.soft},
          {"hard", r.files.hard},
          {"needed", r.files.needed}}},
        {"cpu", {{"wall_seconds", r.wall_seconds}, {"tool_seconds", r.tool_cpu_seconds}}},
    };
    return client::json_text(document, 2) + "\n";
}

} // namespace emqx::perf

// A run's results as aligned text for people, and the verdict behind the exit status.
#include <emqx/perf/report.hpp>

#include <algorithm>
#include <cstdio>
#include <string>

namespace emqx::perf {

namespace {

/// 1234567 -> "1,234,567".
std::string grouped(std::uint64_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

std::string format(const char* pattern, double value) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

/// A rate rounded to a whole number of messages, grouped: "371,234".
std::string rate(double per_second) {
    return grouped(static_cast<std::uint64_t>(per_second + 0.5));
}

/// A duration in nanoseconds with a unit that keeps three significant digits.
std::string duration(std::uint64_t ns) {
    const auto v = static_cast<double>(ns);
    if (v < 1e3) {
        return format("%.0f ns", v);
    }
    if (v < 1e6) {
        return format("%.1f us", v / 1e3);
    }
    if (v < 1e9) {
        return format("%.2f ms", v / 1e6);
    }
    return format("%.2f s", v / 1e9);
}

void row(std::string& out, std::string_view label, const std::string& value) {
    out += "  ";
    out += label;
    out.append(label.size() < 14 ? 14 - label.size() : 1, ' ');
    out += value;
    out += '\n';
}

std::string loop_text(const run_options& o) {
    if (o.rate > 0.0) {
        return format("open loop at %.0f msg/s", o.rate);
    }
    return "closed loop, " + grouped(o.inflight) + " in flight";
}

void add_counts(std::string& out, const run_results& r) {
    row(out, "published", grouped(r.published) + " (warm-up " + grouped(r.warmup_published) +
                              " not counted)");
    row(out, "delivered", grouped(r.deliveries.delivered) + " of " +
                              grouped(r.expected_deliveries) + " expected");
    row(out, "lost", grouped(r.deliveries.lost));
    row(out, "duplicated", grouped(r.deliveries.duplicated));
    row(out, "reordered", grouped(r.deliveries.reordered));
    if (r.deliveries.late > 0) {
        row(out, "late", grouped(r.deliveries.late));
    }
    if (r.qos != mqtt::qos::at_most_once) {
        row(out, "acknowledged", grouped(r.acknowledged) + " (refused " + grouped(r.refused) + ")");
    }
    if (r.foreign > 0) {
        row(out, "foreign", grouped(r.foreign) + " messages not sent by this run");
    }
}

void add_rates_and_cpu(std::string& out, const run_results& r) {
    row(out, "delivered/s", rate(r.delivered_per_second()) + " (peak second " +
                                rate(r.peak_delivered_per_second()) + ")");
    row(out, "published/s", rate(r.published_per_second()));
    std::string cpu = format("emqxctl %.1f%%", r.tool_cpu_percent());
    if (const auto broker = r.broker_cpu_percent()) {
        cpu += format(", broker %.1f%%", *broker);
    }
    row(out, "cpu", cpu + " of one core over " + format("%.2f s", r.measured_wall_seconds));
}

void add_latency(std::string& out, const histogram& h) {
    if (h.count() == 0) {
        row(out, "latency", "no deliveries measured");
        return;
    }
    row(out, "latency p50", duration(h.percentile(50)));
    row(out, "        p90", duration(h.percentile(90)));
    row(out, "        p95", duration(h.percentile(95)));
    row(out, "        p99", duration(h.percentile(99)));
    row(out, "        p99.9", duration(h.percentile(99.9)));
    row(out, "        max", duration(h.max()));
    row(out, "        mean", duration(static_cast<std::uint64_t>(h.mean())));
}

} // namespace

verdict judge(const run_results& r) noexcept {
    if (r.status == run_status::unreachable || r.status == run_status::refused) {
        return verdict::unreachable;
    }
    const mqtt::qos effective = std::min(r.qos, r.granted_qos);
    const bool lost = effective != mqtt::qos::at_most_once && r.deliveries.lost > 0;
    const bool duplicated = effective == mqtt::qos::exactly_once && r.deliveries.duplicated > 0;
    if (r.status != run_status::completed || lost || duplicated) {
        return verdict::failed;
    }
    return verdict::ok;
}

std::string_view version_name(mqtt::protocol_version version) noexcept {
    return version == mqtt::protocol_version::v5 ? "5" : "3.1.1";
}

std::string to_text(const run_results& r, const run_options& o, std::string_view command) {
    std::string out = "emqxctl perf " + std::string{command} + ": " + o.host + ":" +
                      std::to_string(o.port) + ", MQTT " + std::string{version_name(o.version)} +
                      ", QoS " + std::to_string(static_cast<int>(o.qos)) + ", " +
                      std::to_string(o.size) + "-byte payload, " + std::to_string(o.publishers) +
                      " -> " + std::to_string(o.subscribers) + ", " + loop_text(o) + "\n";
    if (o.sub_host || o.sub_port) {
        row(out, "subscribers at", o.sub_host.value_or(o.host) + ":" +
                                       std::to_string(o.sub_port.value_or(o.port)));
    }
    row(out, "status", std::string{to_string(r.status)} + (r.reason.empty() ? "" : ": " + r.reason));
    if (judge(r) == verdict::unreachable) {
        return out; // nothing was measured
    }
    add_counts(out, r);
    add_rates_and_cpu(out, r);
    add_latency(out, r.latency);
    return out;
}

} // namespace emqx::perf

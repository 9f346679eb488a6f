// The qos and stress scenarios' reports, built on the run reports.
#include "json_parts.hpp"

#include <emqx/client/json_text.hpp>
#include <emqx/perf/scenarios.hpp>

#include <algorithm>
#include <cstdio>

namespace emqx::perf {

namespace {

using detail::json;

std::string format(const char* pattern, double value) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

std::string cell(std::string text, std::size_t width) {
    if (text.size() < width) {
        text.insert(0, width - text.size(), ' ');
    }
    return text;
}

run_options with_qos(run_options o, std::size_t index) {
    o.qos = static_cast<mqtt::qos>(index);
    return o;
}

} // namespace

stress_summary summarize_stress(const run_results& r, double target_rate) noexcept {
    stress_summary s;
    s.target_rate = target_rate;
    s.sent = r.published;
    const std::uint64_t made = std::min(r.deliveries.delivered, r.expected_deliveries);
    s.failed = r.expected_deliveries - made;
    s.success_percent = r.expected_deliveries == 0
                            ? 0.0
                            : 100.0 * static_cast<double>(made) /
                                  static_cast<double>(r.expected_deliveries);
    s.achieved_rate = r.published_per_second();
    return s;
}

std::string stress_text(const run_results& r, const run_options& o) {
    std::string out = to_text(r, o, "stress");
    if (judge(r) == verdict::unreachable) {
        return out;
    }
    const auto s = summarize_stress(r, o.rate);
    out += "  target        " + format("%.0f msg/s", s.target_rate) + ", achieved " +
           format("%.1f msg/s", s.achieved_rate) + "\n";
    out += "  sent          " + std::to_string(s.sent) + ", failed " + std::to_string(s.failed) +
           ", success " + format("%.3f%%", s.success_percent) + "\n";
    return out;
}

std::string stress_json(const run_results& r, const run_options& o) {
    auto doc = json::parse(to_json(r, o, "stress"));
    const auto s = summarize_stress(r, o.rate);
    doc["stress"] = {{"target_rate", s.target_rate},
                     {"sent", s.sent},
                     {"failed", s.failed},
                     {"success_rate", s.success_percent},
                     {"achieved_rate", s.achieved_rate}};
    return client::json_text(doc, 2) + "\n";
}

verdict judge(const qos_results& r) noexcept {
    verdict worst = verdict::ok;
    for (const auto& run : r.runs) {
        const verdict v = judge(run);
        if (v == verdict::unreachable || (v == verdict::failed && worst == verdict::ok)) {
            worst = v;
        }
    }
    return worst;
}

std::string qos_text(const qos_results& r, const run_options& o) {
    std::string out = "emqxctl perf qos: " + o.host + ":" + std::to_string(o.port) + ", MQTT " +
                      std::string{version_name(o.version)} + ", " + std::to_string(o.size) +
                      "-byte payload, " + std::to_string(o.publishers) + " -> " +
                      std::to_string(o.subscribers) + "\n";
    constexpr std::size_t width = 14;
    out += cell("", 16);
    for (std::size_t q = 0; q < r.runs.size(); ++q) {
        out += cell("QoS " + std::to_string(q), width);
    }
    out += "\n";
    const auto add = [&](const char* label, auto value_of) {
        out += "  " + std::string{label};
        out.append(14 - std::string{label}.size(), ' ');
        for (const auto& run : r.runs) {
            out += cell(value_of(run), width);
        }
        out += "\n";
    };
    const auto n = [](std::uint64_t v) { return std::to_string(v); };
    const auto us = [](std::uint64_t ns) { return format("%.1f us", static_cast<double>(ns) / 1e3); };
    add("status", [](const run_results& x) { return std::string{to_string(x.status)}; });
    add("published", [&](const run_results& x) { return n(x.published); });
    add("delivered", [&](const run_results& x) { return n(x.deliveries.delivered); });
    add("lost", [&](const run_results& x) { return n(x.deliveries.lost); });
    add("duplicated", [&](const run_results& x) { return n(x.deliveries.duplicated); });
    add("reordered", [&](const run_results& x) { return n(x.deliveries.reordered); });
    add("delivered/s", [](const run_results& x) { return format("%.0f", x.delivered_per_second()); });
    add("latency p50", [&](const run_results& x) { return us(x.latency.percentile(50)); });
    add("latency p99", [&](const run_results& x) { return us(x.latency.percentile(99)); });
    add("latency max", [&](const run_results& x) { return us(x.latency.max()); });
    for (std::size_t q = 0; q < r.runs.size(); ++q) {
        if (!r.runs[q].reason.empty()) {
            out += "  QoS " + std::to_string(q) + ": " + r.runs[q].reason + "\n";
        }
    }
    return out;
}

std::string qos_json(const qos_results& r, const run_options& o) {
    json runs = json::object();
    std::string status = "completed";
    for (std::size_t q = 0; q < r.runs.size(); ++q) {
        auto doc = json::parse(to_json(r.runs[q], with_qos(o, q), "qos"));
        if (r.runs[q].status != run_status::completed && status == "completed") {
            status = std::string{to_string(r.runs[q].status)};
        }
        runs["qos" + std::to_string(q)] = std::move(doc);
    }
    auto first = runs.empty() ? json::object() : runs.begin().value();
    json parameters = first.value("parameters", json::object());
    parameters.erase("qos");
    const json document = {
        {"schema", "emqxctl.perf/1"},
        {"command", "qos"},
        {"broker", first.value("broker", json::object())},
        {"parameters", parameters},
        {"status", status},
        {"runs", runs},
    };
    return client::json_text(document, 2) + "\n";
}

} // namespace emqx::perf

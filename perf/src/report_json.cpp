// A run's results as one JSON document for machines (schema emqxctl.perf/1).
#include "json_parts.hpp"

#include <emqx/client/json_text.hpp>
#include <emqx/perf/report.hpp>

namespace emqx::perf {

namespace {

using detail::json;

json optional_number(const std::optional<double>& value) {
    return value ? json(*value) : json(nullptr);
}

json parameters(const run_options& o) {
    return {
        {"mqtt_version", version_name(o.version)},
        {"qos", static_cast<int>(o.qos)},
        {"size", o.size},
        {"publishers", o.publishers},
        {"subscribers", o.subscribers},
        {"topics", o.topics},
        {"count", o.count ? json(*o.count) : json(nullptr)},
        {"duration_s", optional_number(o.duration_s)},
        {"rate", o.rate},
        {"inflight", o.inflight},
        {"max_unacked", o.max_unacked},
        {"warmup_s", o.warmup_s},
        {"timeout_s", o.timeout_s},
        {"max_time_s", o.max_time_s},
    };
}

json messages(const run_results& r) {
    return {
        {"published", r.published},
        {"warmup_published", r.warmup_published},
        {"expected_deliveries", r.expected_deliveries},
        {"delivered", r.deliveries.delivered},
        {"lost", r.deliveries.lost},
        {"duplicated", r.deliveries.duplicated},
        {"reordered", r.deliveries.reordered},
        {"late", r.deliveries.late},
        {"acknowledged", r.acknowledged},
        {"refused", r.refused},
        {"foreign", r.foreign},
    };
}

json cpu(const run_results& r) {
    return {
        {"wall_seconds", r.measured_wall_seconds},
        {"tool_seconds", r.tool_cpu_seconds},
        {"tool_percent", r.tool_cpu_percent()},
        {"broker_seconds", optional_number(r.broker_cpu_seconds)},
        {"broker_percent", optional_number(r.broker_cpu_percent())},
    };
}

} // namespace

std::string to_json(const run_results& r, const run_options& o, std::string_view command) {
    json series = json::array();
    for (const auto& second : r.per_second) {
        series.push_back({{"published", second.published}, {"delivered", second.delivered}});
    }
    const json document = {
        {"schema", "emqxctl.perf/1"},
        {"command", command},
        {"broker",
         {{"address", o.host + ":" + std::to_string(o.port)},
          {"sub_address", o.sub_host || o.sub_port
                              ? json(o.sub_host.value_or(o.host) + ":" +
                                     std::to_string(o.sub_port.value_or(o.port)))
                              : json(nullptr)},
          {"pid", o.broker_pid ? json(*o.broker_pid) : json(nullptr)}}},
        {"parameters", parameters(o)},
        {"status", to_string(r.status)},
        {"reason", r.reason},
        {"granted_qos", static_cast<int>(r.granted_qos)},
        {"messages", messages(r)},
        {"rates",
         {{"published_per_second", r.published_per_second()},
          {"delivered_per_second", r.delivered_per_second()},
          {"peak_delivered_per_second", r.peak_delivered_per_second()},
          {"publish_seconds", r.publish_seconds},
          {"deliver_seconds", r.deliver_seconds}}},
        {"per_second", series},
        {"latency_us", detail::latency_json(r.latency)},
        {"latency_percentiles_us", detail::percentile_curve(r.latency)},
        {"cpu", cpu(r)},
    };
    return client::json_text(document, 2) + "\n";
}

} // namespace emqx::perf

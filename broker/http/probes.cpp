// The open paths that machines poll: /metrics (Prometheus), /health (liveness), /ready
// (readiness).
#include "http/responses.hpp"
#include "http/router.hpp"
#include "metrics/exposition.hpp"
#include "metrics/text_writer.hpp"

namespace emqx::broker::http {

using beast_http::status;

response router::get_metrics(std::string_view) const {
    const node_counts n = counts();
    prometheus::snapshot s;
    s.node_id = node_.node_id;
    s.cluster_id = node_.cluster_id;
    s.connections = n.connections;
    s.sessions = n.sessions;
    s.subscriptions = n.subscriptions;
    s.retained_messages = n.retained_messages;
    if (source_.stats) {
        s.counters = source_.stats();
    }
    s.uptime_seconds = uptime_seconds();
    const cluster_figures cluster = source_.cluster ? source_.cluster() : cluster_figures{};
    s.cluster_nodes = cluster.nodes;
    s.cluster_forwarded_total = cluster.forwarded_total;
    s.cluster_route_sync_lag_seconds = cluster.route_sync_lag_seconds;
    s.process = prometheus::read_process_stats();
    return detail::text_response(status::ok, prometheus::render(s), prometheus::content_type);
}

response router::get_health(std::string_view) const {
    return detail::json_response(status::ok, {{"status", "ok"}});
}

response router::get_ready(std::string_view) const {
    readiness r;
    if (source_.ready) {
        r = source_.ready();
    } else {
        r.reasons.emplace_back("readiness not wired");
    }
    if (r.ready()) {
        return detail::json_response(status::ok, {{"status", "ready"}});
    }
    return detail::json_response(status::service_unavailable,
                                 {{"status", "not_ready"}, {"reasons", r.reasons}});
}

} // namespace emqx::broker::http

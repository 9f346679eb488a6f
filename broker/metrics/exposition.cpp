// The metric families of DESIGN.md section 6, in the order that section lists them.
#include "metrics/exposition.hpp"

#include "metrics/text_writer.hpp"

#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>

#include <array>

namespace emqx::broker::prometheus {

namespace {

using enum metric_type;

void write_counts(text_writer& w, const snapshot& s) {
    w.family("emqx_connections_count", gauge, "Current MQTT connections.");
    w.sample(s.connections);
    w.family("emqx_connections_total", counter, "MQTT connections accepted since start.");
    w.sample(s.counters.connections_total);
    w.family("emqx_sessions_count", gauge, "Sessions, online and offline persistent.");
    w.sample(s.sessions);
    w.family("emqx_subscriptions_count", gauge, "Subscriptions, shared ones included.");
    w.sample(s.subscriptions);
    w.family("emqx_retained_messages_count", gauge, "Retained messages held.");
    w.sample(s.retained_messages);
}

void write_messages(text_writer& w, const broker::metrics& m) {
    w.family("emqx_messages_received_total", counter, "PUBLISH packets received from clients.");
    w.sample(m.messages_received_total);
    w.family("emqx_messages_sent_total", counter, "PUBLISH packets sent to clients.");
    w.sample(m.messages_sent_total);
    w.family("emqx_messages_dropped_total", counter, "Messages not delivered, by reason.");
    for (std::size_t i = 0; i < m.messages_dropped.size(); ++i) {
        w.sample(m.messages_dropped[i],
                 {{"reason", drop_reason_name(static_cast<drop_reason>(i))}});
    }
}

void write_packets(text_writer& w,
                   std::string_view name,
                   std::string_view help,
                   const std::array<std::uint64_t, 16>& by_type) {
    w.family(name, counter, help);
    // Type 0 is reserved and never counted.
    for (std::size_t type = 1; type < by_type.size(); ++type) {
        w.sample(by_type[type],
                 {{"type", mqtt::packet_type_name(static_cast<mqtt::packet_type>(type))}});
    }
}

void write_protocol_errors(text_writer& w, const broker::metrics& m) {
    w.family("emqx_protocol_errors_total",
             counter,
             "Connections closed for a protocol error, "
             "by reason code.");
    std::uint64_t unnamed = 0;
    for (std::size_t value = 0; value < m.protocol_errors.size(); ++value) {
        const auto code = static_cast<mqtt::reason_code>(value);
        const auto name = mqtt::reason_code_name(code);
        const std::uint64_t count = m.protocol_errors[value];
        if (name == "unknown") {
            unnamed += count;
        } else if (mqtt::is_failure(code) || count > 0) {
            w.sample(count, {{"reason", name}});
        }
    }
    if (unnamed > 0) {
        w.sample(unnamed, {{"reason", "unknown"}});
    }
}

void write_cluster(text_writer& w, const snapshot& s) {
    w.family("emqx_cluster_info", gauge, "Always 1; the cluster_id label names the cluster.");
    w.sample(std::uint64_t{1}, {{"cluster_id", s.cluster_id}});
    w.family("emqx_cluster_nodes", gauge, "Nodes with a live cluster link, this one included.");
    w.sample(s.cluster_nodes);
    w.family("emqx_cluster_forwarded_total", counter, "Messages forwarded to cluster peers.");
    w.sample(s.cluster_forwarded_total);
    w.family("emqx_cluster_route_sync_lag_seconds",
             gauge,
             "Age of the oldest route change not yet acknowledged by every peer.");
    w.sample(s.cluster_route_sync_lag_seconds);
}

void write_process(text_writer& w, const process_stats& p) {
    w.family("process_resident_memory_bytes", gauge, "Resident memory size in bytes.");
    w.sample(p.resident_memory_bytes);
    w.family("process_open_fds", gauge, "Open file descriptors.");
    w.sample(p.open_fds);
    w.family("process_max_fds", gauge, "Maximum number of open file descriptors.");
    w.sample(p.max_fds);
    w.family("process_cpu_seconds_total", counter, "User and system CPU time in seconds.");
    w.sample(p.cpu_seconds);
}

} // namespace

std::string render(const snapshot& s) {
    text_writer w{s.node_id};
    const broker::metrics& m = s.counters;
    write_counts(w, s);
    write_messages(w, m);
    write_packets(
        w, "emqx_packets_received_total", "MQTT packets received, by type.", m.packets_received);
    write_packets(w, "emqx_packets_sent_total", "MQTT packets sent, by type.", m.packets_sent);
    w.family("emqx_bytes_received_total", counter, "Bytes of MQTT packets received.");
    w.sample(m.bytes_received_total);
    w.family("emqx_bytes_sent_total", counter, "Bytes of MQTT packets sent.");
    w.sample(m.bytes_sent_total);
    w.family("emqx_auth_failures_total", counter, "CONNECTs refused by authentication.");
    w.sample(m.auth_failures_total);
    write_protocol_errors(w, m);
    w.family("emqx_node_uptime_seconds", gauge, "Seconds since the node started.");
    w.sample(s.uptime_seconds);
    write_cluster(w, s);
    if (s.process) {
        write_process(w, *s.process);
    }
    return w.take();
}

} // namespace emqx::broker::prometheus

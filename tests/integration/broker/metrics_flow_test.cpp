// /metrics of the real emqxd before and after a known workload: every counter and gauge of
// DESIGN.md section 6 moves by exactly what the workload did, and every series is labelled
// with the node id.
#include "auth_support.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace emqx::test;
using namespace emqx::test::e2e;
using namespace std::string_literals;

namespace {

using labels = std::map<std::string, std::string>;

// A raw client that counts the bytes it sends and receives (the broker's byte counters).
struct counted_client {
    raw_client c;
    std::size_t* sent;
    std::size_t* received;

    void send(const std::string& bytes) {
        REQUIRE(c.send(bytes));
        *sent += bytes.size();
    }
    std::string receive() {
        const auto packet = c.receive_packet();
        REQUIRE(packet);
        *received += packet->size();
        return *packet;
    }
};

double delta(const std::vector<sample>& before,
             const std::vector<sample>& after,
             const std::string& name,
             const labels& l = {}) {
    const auto b = value_of(before, name, l);
    const auto a = value_of(after, name, l);
    REQUIRE_MESSAGE(b.has_value(), name);
    REQUIRE_MESSAGE(a.has_value(), name);
    return *a - *b;
}

// The workload, on clients that stay open: three clients stay (a 3.1.1 subscriber to m/#,
// a v5 publisher, one that only connects), four QoS 0/1 messages delivered, a retained one,
// one nobody subscribes to, and a fourth client closed for a protocol error (QoS 3).
struct workload {
    std::uint16_t port;
    std::size_t sent = 0;
    std::size_t received = 0;
    counted_client sub = open(wire::connect_v311("m-sub"));
    counted_client pub = open(wire::connect_v5("m-pub"));
    counted_client idle = open(wire::connect_v311("m-idle"));

    counted_client open(const std::string& connect) {
        counted_client cc{raw_client{port}, &sent, &received};
        cc.send(connect);
        CHECK(connack_code(cc.receive()) == 0);
        return cc;
    }

    void run() {
        sub.send(wire::subscribe(1, "m/#", 0x01, false));
        CHECK(hex(sub.receive()) == hex("\x90\x03\x00\x01\x01"s));
        pub.send(wire::publish("m/a", "q0-1", 0x00, 0, true));
        pub.send(wire::publish("m/a", "q0-2", 0x00, 0, true));
        pub.send(wire::publish("m/b", "q1-1", 0x02, 1, true));
        CHECK(hex(pub.receive()) == hex("\x40\x02\x00\x01"s));
        pub.send(wire::publish("m/b", "q1-2", 0x02, 2, true));
        CHECK(hex(pub.receive()) == hex("\x40\x02\x00\x02"s));
        pub.send(wire::publish("m/r", "kept", 0x01, 0, true)); // retained, QoS 0
        // Nobody subscribes to this one: v5 PUBACK 0x10 (No matching subscribers).
        pub.send(wire::publish("none/x", "lost", 0x02, 3, true));
        CHECK(hex(pub.receive()) == hex("\x40\x03\x00\x03\x10"s));
        for (int i = 0; i < 5; ++i) {
            const std::string got = sub.receive();
            if ((static_cast<unsigned char>(got[0]) & 0x06U) == 0x02U) {
                // QoS 1: acknowledge the packet id that follows the topic.
                const auto topic_len =
                    static_cast<std::size_t>((static_cast<unsigned char>(got[2]) << 8U) |
                                             static_cast<unsigned char>(got[3]));
                sub.send(wire::packet(0x40, got.substr(4 + topic_len, 2)));
            }
        }
        auto bad = open(wire::connect_v311("m-bad"));
        REQUIRE(bad.c.send("\x36\x05\x00\x01x\x00\x01"s)); // 7 bytes, counted as received
        sent += 7;
        CHECK(bad.c.wait_closed());
        // A PINGREQ round trip on the subscriber: its PUBACKs have been processed.
        sub.send("\xc0\x00"s);
        CHECK(hex(sub.receive()) == hex("\xd0\x00"s));
    }
};

void check_moved(const std::vector<sample>& before,
                 const std::vector<sample>& after,
                 const workload& w) {
    CHECK(delta(before, after, "emqx_connections_count") == 3);
    CHECK(delta(before, after, "emqx_connections_total") == 4);
    CHECK(delta(before, after, "emqx_sessions_count") == 3);
    CHECK(delta(before, after, "emqx_subscriptions_count") == 1);
    CHECK(delta(before, after, "emqx_retained_messages_count") == 1);
    CHECK(delta(before, after, "emqx_messages_received_total") == 6);
    CHECK(delta(before, after, "emqx_messages_sent_total") == 5);
    CHECK(delta(before, after, "emqx_messages_dropped_total", {{"reason", "no_subscribers"}}) == 1);
    for (const auto& [type, n] : std::vector<std::pair<std::string, double>>{{"connect", 4},
                                                                             {"publish", 6},
                                                                             {"subscribe", 1},
                                                                             {"puback", 2},
                                                                             {"pingreq", 1},
                                                                             {"disconnect", 0}}) {
        CHECK_MESSAGE(delta(before, after, "emqx_packets_received_total", {{"type", type}}) == n,
                      type);
    }
    for (const auto& [type, n] : std::vector<std::pair<std::string, double>>{
             {"connack", 4}, {"publish", 5}, {"suback", 1}, {"puback", 3}, {"pingresp", 1}}) {
        CHECK_MESSAGE(delta(before, after, "emqx_packets_sent_total", {{"type", type}}) == n, type);
    }
    CHECK(delta(before, after, "emqx_bytes_received_total") == static_cast<double>(w.sent));
    CHECK(delta(before, after, "emqx_bytes_sent_total") == static_cast<double>(w.received));
    CHECK(delta(before, after, "emqx_auth_failures_total") == 0);
    CHECK(delta(before, after, "emqx_protocol_errors_total", {{"reason", "malformed_packet"}}) ==
          1);
    CHECK(delta(before, after, "emqx_node_uptime_seconds") >= 0);
    CHECK(value_of(after, "emqx_cluster_nodes") == 1.0);
    CHECK(value_of(after, "emqx_cluster_info") == 1.0);
    for (const auto& s : after) {
        CHECK_MESSAGE(s.labels.count("node") == 1, s.name);
        CHECK_MESSAGE(s.labels.at("node") == "metrics-e2e", s.name);
    }
}

} // namespace

TEST_SUITE("integration::metrics_flow") {
    TEST_CASE("a known workload moves every emqx_ series by exactly its amount, and every "
              "series carries node=\"<id>\"") {
        scratch_dir dir;
        write_text(dir.file("emqxd.yaml"), "node:\n  id: metrics-e2e\n");
        broker_under_test broker{dir.file("emqxd.yaml")};
        const auto before = scrape(broker.http_port());
        REQUIRE(!before.empty());
        workload w{.port = broker.port()};
        w.run();
        check_moved(before, scrape(broker.http_port()), w);

        // Leaving: the gauges come back, the counters stay.
        for (auto* c : {&w.sub, &w.pub, &w.idle}) {
            c->send("\xe0\x00"s);
            CHECK(c->c.wait_closed());
        }
        REQUIRE(broker.wait_for_log("client disconnected client_id=m-idle"));
        const auto gone = scrape(broker.http_port());
        CHECK(delta(before, gone, "emqx_connections_count") == 0);
        CHECK(delta(before, gone, "emqx_sessions_count") == 0);
        CHECK(delta(before, gone, "emqx_subscriptions_count") == 0);
        CHECK(delta(before, gone, "emqx_retained_messages_count") == 1);
        CHECK(delta(before, gone, "emqx_connections_total") == 4);
        CHECK(delta(before, gone, "emqx_packets_received_total", {{"type", "disconnect"}}) == 3);
        CHECK(broker.stop() == 0);
    }

    TEST_CASE("every metric DESIGN.md section 6 names is exposed with HELP and TYPE, counters "
              "ending in _total") {
        scratch_dir dir;
        write_text(dir.file("emqxd.yaml"), "node:\n  id: names-e2e\n");
        broker_under_test broker{dir.file("emqxd.yaml")};
        int status = 0;
        const std::string text = http_get(broker.http_port(), "/metrics", &status);
        CHECK(status == 200);
        const auto samples = parse_samples(text);
        for (const std::string name : {"emqx_connections_count",
                                       "emqx_connections_total",
                                       "emqx_sessions_count",
                                       "emqx_subscriptions_count",
                                       "emqx_retained_messages_count",
                                       "emqx_messages_received_total",
                                       "emqx_messages_sent_total",
                                       "emqx_messages_dropped_total",
                                       "emqx_packets_received_total",
                                       "emqx_packets_sent_total",
                                       "emqx_bytes_received_total",
                                       "emqx_bytes_sent_total",
                                       "emqx_auth_failures_total",
                                       "emqx_protocol_errors_total",
                                       "emqx_node_uptime_seconds",
                                       "emqx_cluster_info",
                                       "emqx_cluster_nodes",
                                       "emqx_cluster_forwarded_total",
                                       "emqx_cluster_route_sync_lag_seconds",
                                       "process_resident_memory_bytes",
                                       "process_open_fds",
                                       "process_max_fds",
                                       "process_cpu_seconds_total"}) {
            INFO("metric ", name);
            CHECK(value_of(samples, name).has_value());
            CHECK(count_of(text, "# HELP " + name + " ") == 1);
            const bool counter = name.ends_with("_total");
            CHECK(count_of(text, "# TYPE " + name + (counter ? " counter\n" : " gauge\n")) == 1);
        }
        for (const char* reason : {"no_subscribers", "queue_full", "expired", "too_large"}) {
            CHECK_MESSAGE(value_of(samples, "emqx_messages_dropped_total", {{"reason", reason}}) ==
                              0.0,
                          reason);
        }
        CHECK(value_of(samples, "emqx_cluster_info", {{"cluster_id", "emqxd"}}) == 1.0);
        CHECK(broker.stop() == 0);
    }
}

// The /metrics page: every family of DESIGN.md section 6 with its type, values from a snapshot,
// the labelled families, and the process figures read from /proc.
#include "metrics/exposition.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace emqx::broker;
using namespace emqx::broker::prometheus;

namespace {

struct parsed {
    std::map<std::string, std::string> types;   ///< family -> counter|gauge
    std::map<std::string, int> help_lines;      ///< family -> HELP lines seen
    std::map<std::string, int> type_lines;      ///< family -> TYPE lines seen
    std::map<std::string, std::string> samples; ///< series text -> value text
    std::vector<std::string> lines_without_node;
};

parsed parse(const std::string& text) {
    parsed out;
    std::istringstream in{text};
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("# HELP ")) {
            ++out.help_lines[line.substr(7, line.find(' ', 7) - 7)];
        } else if (line.starts_with("# TYPE ")) {
            const auto name_end = line.find(' ', 7);
            const auto name = line.substr(7, name_end - 7);
            ++out.type_lines[name];
            out.types[name] = line.substr(name_end + 1);
        } else if (!line.empty()) {
            const auto space = line.rfind(' ');
            out.samples[line.substr(0, space)] = line.substr(space + 1);
            if (line.find("{node=\"node1\"") == std::string::npos) {
                out.lines_without_node.push_back(line);
            }
        }
    }
    return out;
}

snapshot sample_snapshot() {
    snapshot s;
    s.node_id = "node1";
    s.cluster_id = "emqx-test";
    s.connections = 3;
    s.sessions = 4;
    s.subscriptions = 5;
    s.retained_messages = 6;
    s.counters.connections_total = 7;
    s.counters.messages_received_total = 8;
    s.counters.messages_sent_total = 9;
    s.counters.dropped(drop_reason::queue_full, 10);
    s.counters.received(emqx::mqtt::packet_type::publish);
    s.counters.received(emqx::mqtt::packet_type::publish);
    s.counters.sent(emqx::mqtt::packet_type::connack);
    s.counters.bytes_received_total = 11;
    s.counters.bytes_sent_total = 12;
    s.counters.auth_failures_total = 13;
    s.counters.protocol_error(emqx::mqtt::reason_code::malformed_packet);
    s.uptime_seconds = 42.5;
    s.process = process_stats{
        .resident_memory_bytes = 1000, .open_fds = 14, .max_fds = 1024, .cpu_seconds = 1.25};
    return s;
}

snapshot empty_snapshot() {
    snapshot s;
    s.node_id = "node1";
    return s;
}

} // namespace

TEST_SUITE("broker::prometheus::exposition") {
    TEST_CASE("every metric name of DESIGN.md section 6 is present once, with its type") {
        const auto p = parse(render(sample_snapshot()));
        const std::map<std::string, std::string> expected = {
            {"emqx_connections_count", "gauge"},
            {"emqx_connections_total", "counter"},
            {"emqx_sessions_count", "gauge"},
            {"emqx_subscriptions_count", "gauge"},
            {"emqx_retained_messages_count", "gauge"},
            {"emqx_messages_received_total", "counter"},
            {"emqx_messages_sent_total", "counter"},
            {"emqx_messages_dropped_total", "counter"},
            {"emqx_packets_received_total", "counter"},
            {"emqx_packets_sent_total", "counter"},
            {"emqx_bytes_received_total", "counter"},
            {"emqx_bytes_sent_total", "counter"},
            {"emqx_auth_failures_total", "counter"},
            {"emqx_protocol_errors_total", "counter"},
            {"emqx_node_uptime_seconds", "gauge"},
            {"emqx_cluster_info", "gauge"},
            {"emqx_cluster_nodes", "gauge"},
            {"emqx_cluster_forwarded_total", "counter"},
            {"emqx_cluster_route_sync_lag_seconds", "gauge"},
            {"process_resident_memory_bytes", "gauge"},
            {"process_open_fds", "gauge"},
            {"process_max_fds", "gauge"},
            {"process_cpu_seconds_total", "counter"},
        };
        for (const auto& [name, type] : expected) {
            CAPTURE(name);
            CHECK(p.types.count(name) == 1);
            CHECK(p.types.at(name) == type);
            CHECK(p.help_lines.at(name) == 1);
            CHECK(p.type_lines.at(name) == 1);
        }
        CHECK(p.types.size() == expected.size());
    }

    TEST_CASE("every series carries node=\"<node id>\" as its first label") {
        const auto p = parse(render(sample_snapshot()));
        CHECK(p.samples.size() > 40);
        CHECK(p.lines_without_node.empty());
    }

    TEST_CASE("values come from the snapshot") {
        const auto p = parse(render(sample_snapshot()));
        const auto value = [&](const std::string& series) {
            const auto it = p.samples.find(series);
            return it == p.samples.end() ? std::string{"<missing>"} : it->second;
        };
        CHECK(value("emqx_connections_count{node=\"node1\"}") == "3");
        CHECK(value("emqx_sessions_count{node=\"node1\"}") == "4");
        CHECK(value("emqx_subscriptions_count{node=\"node1\"}") == "5");
        CHECK(value("emqx_retained_messages_count{node=\"node1\"}") == "6");
        CHECK(value("emqx_connections_total{node=\"node1\"}") == "7");
        CHECK(value("emqx_messages_received_total{node=\"node1\"}") == "8");
        CHECK(value("emqx_messages_sent_total{node=\"node1\"}") == "9");
        CHECK(value("emqx_messages_dropped_total{node=\"node1\",reason=\"queue_full\"}") == "10");
        CHECK(value("emqx_packets_received_total{node=\"node1\",type=\"publish\"}") == "2");
        CHECK(value("emqx_packets_sent_total{node=\"node1\",type=\"connack\"}") == "1");
        CHECK(value("emqx_bytes_received_total{node=\"node1\"}") == "11");
        CHECK(value("emqx_bytes_sent_total{node=\"node1\"}") == "12");
        CHECK(value("emqx_auth_failures_total{node=\"node1\"}") == "13");
        CHECK(value("emqx_protocol_errors_total{node=\"node1\",reason=\"malformed_packet\"}") ==
              "1");
        CHECK(value("emqx_node_uptime_seconds{node=\"node1\"}") == "42.5");
        CHECK(value("emqx_cluster_info{node=\"node1\",cluster_id=\"emqx-test\"}") == "1");
        CHECK(value("emqx_cluster_nodes{node=\"node1\"}") == "1");
        CHECK(value("emqx_cluster_forwarded_total{node=\"node1\"}") == "0");
        CHECK(value("emqx_cluster_route_sync_lag_seconds{node=\"node1\"}") == "0");
        CHECK(value("process_resident_memory_bytes{node=\"node1\"}") == "1000");
        CHECK(value("process_open_fds{node=\"node1\"}") == "14");
        CHECK(value("process_max_fds{node=\"node1\"}") == "1024");
        CHECK(value("process_cpu_seconds_total{node=\"node1\"}") == "1.25");
    }

    TEST_CASE("labelled families list every known label value, zero or not") {
        const auto p = parse(render(empty_snapshot()));
        for (const char* reason : {"no_subscribers",
                                   "queue_full",
                                   "expired",
                                   "too_large",
                                   "slow_consumer",
                                   "awaiting_rel_full"}) {
            CAPTURE(reason);
            CHECK(p.samples.at("emqx_messages_dropped_total{node=\"node1\",reason=\"" +
                               std::string{reason} + "\"}") == "0");
        }
        for (const char* type : {"connect",
                                 "connack",
                                 "publish",
                                 "puback",
                                 "pubrec",
                                 "pubrel",
                                 "pubcomp",
                                 "subscribe",
                                 "suback",
                                 "unsubscribe",
                                 "unsuback",
                                 "pingreq",
                                 "pingresp",
                                 "disconnect",
                                 "auth"}) {
            CAPTURE(type);
            CHECK(p.samples.count("emqx_packets_received_total{node=\"node1\",type=\"" +
                                  std::string{type} + "\"}") == 1);
            CHECK(p.samples.count("emqx_packets_sent_total{node=\"node1\",type=\"" +
                                  std::string{type} + "\"}") == 1);
        }
        CHECK(p.samples.count("emqx_packets_received_total{node=\"node1\",type=\"reserved\"}") ==
              0);
        for (const char* reason : {"malformed_packet",
                                   "protocol_error",
                                   "receive_maximum_exceeded",
                                   "topic_alias_invalid",
                                   "packet_too_large"}) {
            CAPTURE(reason);
            CHECK(p.samples.at("emqx_protocol_errors_total{node=\"node1\",reason=\"" +
                               std::string{reason} + "\"}") == "0");
        }
        // Success codes are not errors: listed only if something counted one.
        CHECK(p.samples.count("emqx_protocol_errors_total{node=\"node1\",reason=\"success\"}") ==
              0);
    }

    TEST_CASE("a protocol error under a value that names no reason code is counted as unknown") {
        snapshot s = empty_snapshot();
        s.counters.protocol_errors[0x7F] = 2;
        s.counters.protocol_errors[0xFE] = 3;
        const auto p = parse(render(s));
        CHECK(p.samples.at("emqx_protocol_errors_total{node=\"node1\",reason=\"unknown\"}") == "5");
    }

    TEST_CASE("without process figures the process_* families are left out") {
        const auto text = render(empty_snapshot());
        CHECK(text.find("process_") == std::string::npos);
        CHECK(text.find("emqx_node_uptime_seconds") != std::string::npos);
    }
}

TEST_SUITE("broker::prometheus::process_stats") {
    TEST_CASE("/proc/self/stat: CPU time from fields 14 and 15, memory from field 24") {
        // proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
        // cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime
        // vsize rss ...; the command name may hold spaces and parentheses.
        const std::string line = "4242 (emqxd (x) y) S 1 4242 4242 0 -1 4194560 900 0 0 0 "
                                 "250 150 0 0 20 0 1 0 12345 104857600 300 18446744073709551615 "
                                 "1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
        const auto f = parse_proc_stat(line, 100, 4096);
        REQUIRE(f);
        CHECK(f->cpu_seconds == doctest::Approx(4.0));
        CHECK(f->resident_memory_bytes == 300U * 4096U);
    }

    TEST_CASE("/proc/self/stat text that is cut short or not numeric is refused") {
        CHECK_FALSE(parse_proc_stat("4242 (emqxd) S 1 2 3", 100, 4096));
        CHECK_FALSE(parse_proc_stat("no parenthesis at all", 100, 4096));
        CHECK_FALSE(
            parse_proc_stat("1 (a) S 1 1 1 0 -1 0 0 0 0 0 x 1 0 0 20 0 1 0 1 1 1", 100, 4096));
    }

    TEST_CASE("this process's figures are read from /proc") {
        const auto p = read_process_stats();
        REQUIRE(p);
        CHECK(p->resident_memory_bytes > 0);
        CHECK(p->open_fds >= 3); // stdin, stdout, stderr at least
        CHECK(p->max_fds >= p->open_fds);
        CHECK(p->cpu_seconds >= 0.0);
    }

    TEST_CASE("open descriptors are counted as they open and close") {
        const auto before = read_process_stats();
        REQUIRE(before);
        int fds[3] = {::open("/dev/null", O_RDONLY),
                      ::open("/dev/null", O_RDONLY),
                      ::open("/dev/null", O_RDONLY)};
        const auto during = read_process_stats();
        for (const int fd : fds) {
            ::close(fd);
        }
        REQUIRE(during);
        CHECK(during->open_fds == before->open_fds + 3);
        const auto after = read_process_stats();
        REQUIRE(after);
        CHECK(after->open_fds == before->open_fds);
    }
}

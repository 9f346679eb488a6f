// `emqxctl health` end to end against a real emqxd: a healthy node, a stopped one, wrong
// credentials, a port that is not an emqxd, the Nagios line and the JSON document.
#include "health_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <regex>

using namespace emqx::test;
using namespace emqx::test::health;

namespace {

/// A config file with authentication on: user "probe", password "right", no anonymous.
struct auth_config {
    detail::temp_file file{"emqx-health-auth"};
    auth_config() {
        std::ofstream(file.path()) << "auth:\n  enabled: true\n  allow_anonymous: false\n"
                                      "  users:\n    - username: \"probe\"\n"
                                      "      password: \"right\"\n      algorithm: plain\n";
    }
};

} // namespace

TEST_SUITE("integration::health") {

    TEST_CASE("a healthy node gives exit 0 and every check OK or skipped, in text and JSON") {
        emqxd_process node{{"--node-id", "node1"}};
        const auto http = address_of(node, "http");
        const auto text = run_ctl({"--node", http, "health"});
        INFO(text.out, text.err);
        CHECK(text.status == 0);
        for (const char* name : {"api",
                                 "process",
                                 "memory",
                                 "fds",
                                 "listeners",
                                 "health",
                                 "ready",
                                 "metrics",
                                 "mqtt.connect",
                                 "mqtt.round_trip",
                                 "cluster.id",
                                 "cluster.peers",
                                 "cluster.nodes"}) {
            CAPTURE(name);
            CHECK(std::regex_search(text.out, std::regex(std::string("\\b") + name + "\\s+OK\\s")));
        }
        CHECK(text.out.find("\033[") == std::string::npos); // not a terminal: no colour
        CHECK(text.out.find("health: OK") != std::string::npos);

        const auto json = run_ctl({"--node", http, "-o", "json", "health"});
        REQUIRE(json.status == 0);
        const auto doc = nlohmann::json::parse(json.out);
        CHECK(doc["schema"] == "emqxctl.health/1");
        CHECK(doc["status"] == "OK");
        CHECK(doc["exit_status"] == 0);
        CHECK(doc["cluster_id"] == "emqxd");
        CHECK(doc["nodes"] == nlohmann::json::array({"node1"}));
        const auto process = find_check(doc, "node1", "process");
        REQUIRE_FALSE(process.is_null());
        CHECK(process["reason"].get<std::string>().find("pid " + std::to_string(node.pid())) !=
              std::string::npos);
        const auto rtt = find_check(doc, "node1", "mqtt.round_trip");
        REQUIRE_FALSE(rtt.is_null());
        CHECK(rtt["status"] == "OK");
        CHECK(rtt["figures"][0]["unit"] == "ms");
        CHECK(rtt["figures"][0]["value"].get<double>() > 0);
        for (const auto& c : doc["checks"]) {
            CHECK(c["hint"] == "");
        }
    }

    TEST_CASE("the Nagios line is one line: status, summary, perfdata") {
        emqxd_process node{{"--node-id", "node1"}};
        const auto r = run_ctl({"--node", address_of(node, "http"), "-o", "nagios", "health"});
        INFO(r.out, r.err);
        CHECK(r.status == 0);
        const std::regex line(
            R"(^EMQXCTL HEALTH OK - \d+ checks \(\d+ ok(, \d+ skipped)?\) on 1 node, )"
            R"(cluster 'emqxd' \| ('[a-z0-9_]+'=[-0-9.]+(ms|B|%|s)?(;[-0-9.:]*)* ?)+\n$)");
        CHECK(std::regex_match(r.out, line));
        CHECK(r.out.find("'node1_rtt'=") != std::string::npos);
        CHECK(r.out.find(";200;1000;0") != std::string::npos);
    }

    TEST_CASE("a stopped node gives exit 3, UNKNOWN, and the hint to start it") {
        std::string http;
        {
            emqxd_process node{{"--node-id", "node1"}};
            http = address_of(node, "http");
            REQUIRE(node.stop() == 0);
        }
        const auto r = run_ctl({"--node", http, "-o", "json", "health"});
        INFO(r.out, r.err);
        CHECK(r.status == 3);
        const auto doc = nlohmann::json::parse(r.out);
        const auto api = find_check(doc, http, "api");
        REQUIRE_FALSE(api.is_null());
        CHECK(api["status"] == "UNKNOWN");
        CHECK(api["reason"] == "connection refused by " + http);
        CHECK(api["hint"].get<std::string>().find(
                  "is the node started? `emqxctl cluster status`") != std::string::npos);
        const auto text = run_ctl({"--node", http, "health"});
        CHECK(text.status == 3);
        CHECK(text.out.find("hint: is the node started?") != std::string::npos);
    }

    TEST_CASE("wrong credentials give exit 2 with mqtt.connect CRITICAL naming authentication") {
        const auth_config config;
        emqxd_process node{{"--node-id", "node1", "--config", config.file.path()}};
        const auto http = address_of(node, "http");
        const auto wrong = run_ctl(
            {"--node", http, "--username", "probe", "--password", "wrong", "-o", "json", "health"});
        INFO(wrong.out, wrong.err);
        CHECK(wrong.status == 2);
        const auto doc = nlohmann::json::parse(wrong.out);
        const auto connect = find_check(doc, "node1", "mqtt.connect");
        REQUIRE_FALSE(connect.is_null());
        CHECK(connect["status"] == "CRITICAL");
        CHECK(connect["reason"].get<std::string>().find("authentication refused") !=
              std::string::npos);
        CHECK(connect["hint"].get<std::string>().find("--password") != std::string::npos);
        CHECK(wrong.out.find("wrong") == std::string::npos); // the password is never echoed

        ::setenv("EMQXCTL_PASSWORD", "right", 1);
        child_process right{{EMQXCTL_PATH, "--node", http, "--username", "probe", "health"},
                            "emqxctl"};
        ::unsetenv("EMQXCTL_PASSWORD");
        CHECK(right.wait(30s) == 0);
    }

    TEST_CASE("a node whose API wants a token: without one the answer says --token; with it, OK") {
        const std::string token = "api-token-0123456789abcdef";
        emqxd_process node{{"--node-id", "node1", "--set", "http.auth_token=" + token}};
        const auto http = address_of(node, "http");

        const auto without = run_ctl({"--node", http, "health"});
        INFO(without.out, without.err);
        CHECK(without.status != 0);
        CHECK(without.out.find("wants a bearer token (--token or EMQXCTL_TOKEN)") != std::string::npos);

        const auto with = run_ctl({"--node", http, "--token", token, "health"});
        INFO(with.out, with.err);
        CHECK(with.status == 0);
        CHECK(with.out.find(token) == std::string::npos); // never printed

        const auto wrong = run_ctl({"--node", http, "--token", "not-the-token-at-all", "health"});
        CHECK(wrong.status != 0);
        CHECK(wrong.out.find("refused the bearer token") != std::string::npos);

        const auto status = run_ctl({"--node", http, "--token", token, "cluster", "status"});
        INFO(status.out, status.err);
        CHECK(status.status == 0);
        CHECK(status.out.find("node1") != std::string::npos);

        ::setenv("EMQXCTL_TOKEN", token.c_str(), 1);
        child_process from_env{{EMQXCTL_PATH, "--node", http, "health"}, "emqxctl"};
        ::unsetenv("EMQXCTL_TOKEN");
        CHECK(from_env.wait(30s) == 0);
    }

    TEST_CASE("--mqtt checks only MQTT and skips the HTTP and cluster checks") {
        emqxd_process node{{"--node-id", "node1"}};
        const auto mqtt = address_of(node, "mqtt");
        const auto r = run_ctl({"--mqtt", mqtt, "-o", "json", "health"});
        INFO(r.out, r.err);
        CHECK(r.status == 0);
        const auto doc = nlohmann::json::parse(r.out);
        CHECK(doc["mqtt_only"] == true);
        CHECK(find_check(doc, mqtt, "api")["status"] == "SKIPPED");
        CHECK(find_check(doc, mqtt, "mqtt.connect")["status"] == "OK");
        CHECK(find_check(doc, mqtt, "mqtt.round_trip")["status"] == "OK");
        CHECK(find_check(doc, "cluster", "cluster.id").is_null());
    }

    TEST_CASE("--mqtt at a port that is not MQTT is UNKNOWN and never hangs") {
        emqxd_process node{{"--node-id", "node1"}};
        const auto r = run_ctl({"--mqtt", address_of(node, "http"), "--timeout", "2", "health"});
        INFO(r.out, r.err);
        CHECK(r.status == 3);
        CHECK(r.out.find("mqtt.connect     UNKNOWN") != std::string::npos);
    }

    TEST_CASE(
        "--node at an MQTT port (not HTTP) is UNKNOWN with a hint that it is not emqxd's API") {
        emqxd_process node{{"--node-id", "node1"}};
        const auto r = run_ctl({"--node", address_of(node, "mqtt"), "--timeout", "2", "health"});
        INFO(r.out, r.err);
        CHECK(r.status == 3);
        CHECK(r.out.find("UNKNOWN") != std::string::npos);
        CHECK(r.out.find("hint:") != std::string::npos);
    }

    TEST_CASE("thresholds turn a healthy node into WARNING and CRITICAL") {
        emqxd_process node{{"--node-id", "node1"}};
        const auto http = address_of(node, "http");
        const auto memory = run_ctl({"--node", http, "health", "--warn-memory", "1K"});
        INFO(memory.out);
        CHECK(memory.status == 1);
        CHECK(std::regex_search(memory.out, std::regex(R"(memory\s+WARNING)")));
        const auto nodes = run_ctl({"--node", http, "health", "--expect-nodes", "3"});
        CHECK(nodes.status == 2);
        CHECK(nodes.out.find("1 node answers, 3 expected") != std::string::npos);
    }

    TEST_CASE("--watch with --count repeats the run and stops") {
        emqxd_process node{{"--node-id", "node1"}};
        const auto r = run_ctl({"--node",
                                address_of(node, "http"),
                                "-o",
                                "nagios",
                                "health",
                                "--watch",
                                "0.2",
                                "--count",
                                "2"});
        INFO(r.out, r.err);
        CHECK(r.status == 0);
        CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
    }

    TEST_CASE("usage errors give 64") {
        CHECK(run_ctl({"--node", "nohost:99999", "health"}).status == 64);
        CHECK(run_ctl({"--node", "127.0.0.1:1", "--mqtt", "127.0.0.1:2", "health"}).status == 64);
        CHECK(run_ctl({"health", "--warn-memory", "lots"}).status == 64);
        CHECK(run_ctl({"health", "--warn-latency", "500", "--crit-latency", "100"}).status == 64);
    }

} // TEST_SUITE

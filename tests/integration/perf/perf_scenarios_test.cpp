// The scenarios beyond throughput and latency against the real mosquitto: connections, qos,
// stress, all (into a results folder), compare's exit statuses, and --pub-node/--sub-node
// across two bridged brokers. Every run is bounded to a few seconds.
#include "mosquitto.hpp"
#include "run_command.hpp"

#include <emqx/perf/connections.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <thread>

using emqx::perf::run_status;
using nlohmann::json;

namespace {

std::string emqxctl(const std::string& arguments) {
    return std::string{EMQXCTL_PATH} + " " + arguments;
}

std::string mqtt_of(const emqx::test::mosquitto& broker) {
    return "--mqtt 127.0.0.1:" + std::to_string(broker.port());
}

emqx::perf::connections_options small_ramp(std::uint16_t port, std::uint32_t n) {
    emqx::perf::connections_options o;
    o.port = port;
    o.connections = n;
    o.rate = 2000;
    o.hold_s = 0.3;
    o.timeout_s = 3.0;
    o.max_time_s = 20.0;
    return o;
}

std::string read(const std::filesystem::path& path) {
    std::ifstream file(path);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_SUITE("integration::perf::scenarios") {
    TEST_CASE("connections ramps to 200, holds them, and finds the broker's memory by its port") {
        emqx::test::mosquitto broker;
        const auto r = emqx::perf::run_connections(small_ramp(broker.port(), 200));
        INFO(to_string(r.status) << ": " << r.reason);
        CHECK(r.status == run_status::completed);
        CHECK(r.connected == 200);
        CHECK(r.held == 200);
        CHECK(r.failed == 0);
        CHECK(r.dropped == 0);
        CHECK(r.latency.count() == 200);
        CHECK(std::accumulate(r.per_second.begin(), r.per_second.end(), std::uint64_t{0}) == 200);
        REQUIRE(r.broker_pid.has_value());
        CHECK(*r.broker_pid == broker.process().pid());
        CHECK(r.memory.before.has_value());
        CHECK(r.memory.after.has_value());
        CHECK(r.memory.per_connection(r.held).has_value());
    }

    TEST_CASE("connections over several source addresses reach the same broker") {
        emqx::test::mosquitto broker;
        auto o = small_ramp(broker.port(), 60);
        o.sources = {"127.0.0.1", "127.0.0.2", "127.0.0.3"};
        const auto r = emqx::perf::run_connections(o);
        CHECK(r.connected == 60);
        CHECK(r.sources == 3);
    }

    TEST_CASE("connections counts refusals by reason: TCP refused, and CONNACK refused") {
        const auto closed = emqx::perf::run_connections(small_ramp(emqx::test::free_port(), 20));
        CHECK(closed.status == run_status::unreachable);
        CHECK(closed.failures.at("refused") == 20);
        CHECK(judge(closed) == emqx::perf::verdict::unreachable);

        emqx::test::mosquitto strict("allow_anonymous false\n");
        const auto r = emqx::perf::run_connections(small_ramp(strict.port(), 20));
        CHECK(r.connected == 0);
        REQUIRE(r.failures.size() == 1);
        CHECK(r.failures.begin()->first.rfind("connack: ", 0) == 0);
        CHECK(r.failures.begin()->second == 20);
    }

    TEST_CASE("connections to a broker that stops answering time out, and the run ends") {
        emqx::test::mosquitto broker;
        broker.process().signal(SIGSTOP);
        auto o = small_ramp(broker.port(), 20);
        o.timeout_s = 1.0;
        const auto r = emqx::perf::run_connections(o);
        broker.process().signal(SIGCONT);
        CHECK(r.connected == 0);
        CHECK(r.failures.at("timeout") == 20);
        CHECK(r.ramp_seconds < 3.0);
    }

    TEST_CASE("perf connections on the command line prints JSON with failures and memory") {
        emqx::test::mosquitto broker;
        const auto r = emqx::test::run_command(emqxctl(
            "perf connections " + mqtt_of(broker) + " --connections 50 --rate 1000 --hold 0.2 -o json"));
        CHECK(r.status == 0);
        const auto doc = json::parse(r.output);
        CHECK(doc["connections"]["connected"] == 50);
        CHECK(doc["failures"].empty());
        CHECK(doc["memory"]["source"].get<std::string>().rfind("/proc/", 0) == 0);
    }

    TEST_CASE("perf qos runs the same load at QoS 0, 1 and 2 and accounts for each") {
        emqx::test::mosquitto broker;
        const auto r = emqx::test::run_command(emqxctl(
            "perf qos " + mqtt_of(broker) + " --count 1000 --warmup 0.1 --timeout 2 -o json"));
        CHECK(r.status == 0);
        const auto doc = json::parse(r.output);
        CHECK(doc["command"] == "qos");
        for (const char* level : {"qos0", "qos1", "qos2"}) {
            INFO(level);
            const auto& run = doc["runs"][level];
            CHECK(run["status"] == "completed");
            CHECK(run["messages"]["published"] == 1000);
            CHECK(run["messages"]["duplicated"] == 0);
        }
        CHECK(doc["runs"]["qos1"]["messages"]["lost"] == 0);
        CHECK(doc["runs"]["qos2"]["messages"]["lost"] == 0);
        CHECK(doc["runs"]["qos2"]["parameters"]["qos"] == 2);
    }

    TEST_CASE("perf stress publishes at the target rate and reports its success rate") {
        emqx::test::mosquitto broker;
        const auto r = emqx::test::run_command(emqxctl(
            "perf stress " + mqtt_of(broker) + " --rate 500 --duration 1 --warmup 0.1 -o json"));
        CHECK(r.status == 0);
        const auto doc = json::parse(r.output);
        CHECK(doc["stress"]["target_rate"] == 500.0);
        CHECK(doc["stress"]["sent"].get<int>() >= 480);
        CHECK(doc["stress"]["sent"].get<int>() <= 560);
        CHECK(doc["stress"]["failed"] == 0);
        CHECK(doc["stress"]["success_rate"] == 100.0);
        CHECK(doc["stress"]["achieved_rate"].get<double>() == doctest::Approx(500).epsilon(0.05));
    }

    TEST_CASE("perf all writes results.json, a CSV per scenario and report.html") {
        emqx::test::mosquitto broker;
        emqx::test::temp_dir dir;
        const auto r = emqx::test::run_command(emqxctl(
            "perf all " + mqtt_of(broker) + " --out " + dir.path().string() +
            " --latency-count 100 --throughput-duration 0.5 --connections 20 --qos-count 200"
            " --stress-rate 200 --stress-duration 0.5 --warmup 0.1 --timeout 2 2>/dev/null"));
        CHECK(r.status == 0);
        std::vector<std::filesystem::path> made;
        for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
            made.push_back(entry.path());
        }
        REQUIRE(made.size() == 1);
        CHECK(made[0].filename().string().rfind("perf-results-", 0) == 0);
        for (const char* name : {"results.json", "report.html", "latency.csv", "throughput.csv",
                                 "connections.csv", "qos.csv", "stress.csv"}) {
            CHECK_MESSAGE(std::filesystem::is_regular_file(made[0] / name), name);
        }
        const auto results = json::parse(read(made[0] / "results.json"));
        CHECK(results["schema"] == "emqxctl.perf-results/1");
        CHECK(results["broker"]["address"] == "127.0.0.1:" + std::to_string(broker.port()));
        CHECK(results["environment"]["cores"].get<int>() >= 1);
        CHECK(results["parameters"]["latency_count"] == 100);
        CHECK(results["scenarios"].size() == 5);
        CHECK(read(made[0] / "report.html").find("<svg") != std::string::npos);

        const std::string file = (made[0] / "results.json").string();
        CHECK(emqx::test::run_command(emqxctl("perf compare " + file + " " + file)).status == 0);
    }

    TEST_CASE("perf compare exits 2 on a regression, 3 on an unreadable file, 64 on a bad one") {
        emqx::test::temp_dir dir;
        const auto write = [&](const char* name, double rate) {
            json doc = {{"schema", "emqxctl.perf/1"},
                        {"command", "throughput"},
                        {"rates", {{"delivered_per_second", rate}}}};
            std::ofstream(dir.path() / name) << doc.dump();
            return (dir.path() / name).string();
        };
        const auto base = write("base.json", 1000);
        const auto worse = write("worse.json", 800);
        const auto close = write("close.json", 950);
        const auto compare = [](const std::string& arguments) {
            return emqx::test::run_command(emqxctl("perf compare " + arguments + " 2>&1"));
        };
        CHECK(compare(base + " " + close).status == 0);
        const auto regressed = compare(base + " " + worse);
        CHECK(regressed.status == 2);
        CHECK(regressed.output.find("REGRESSED") != std::string::npos);
        CHECK(compare(base + " " + worse + " --threshold 25").status == 0);
        CHECK(compare(base + " " + (dir.path() / "missing.json").string()).status == 3);
        std::ofstream(dir.path() / "bad.json") << "{not json";
        CHECK(compare(base + " " + (dir.path() / "bad.json").string()).status == 64);
        CHECK(compare(base).status == 64);
    }

    TEST_CASE("--pub-node and --sub-node measure the path across two bridged brokers") {
        emqx::test::mosquitto a;
        emqx::test::mosquitto b("allow_anonymous true\nconnection to_a\naddress 127.0.0.1:" +
                                std::to_string(a.port()) + "\ntopic emqxctl/# in 0\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(500)); // the bridge connects
        const auto r = emqx::test::run_command(emqxctl(
            "perf latency --pub-node 127.0.0.1:" + std::to_string(a.port()) +
            " --sub-node 127.0.0.1:" + std::to_string(b.port()) +
            " --count 200 --warmup 0.5 --timeout 3 -o json"));
        const auto doc = json::parse(r.output);
        INFO(doc["reason"]);
        CHECK(r.status == 0);
        CHECK(doc["broker"]["sub_address"] == "127.0.0.1:" + std::to_string(b.port()));
        CHECK(doc["messages"]["delivered"] == 200);
    }
}

TEST_SUITE("integration::perf::progress") {
    TEST_CASE("no progress line is written when stderr is not a terminal") {
        emqx::test::mosquitto broker;
        const auto r = emqx::test::run_command(
            emqxctl("perf throughput " + mqtt_of(broker) + " --duration 0.6 --warmup 0.1 2>&1"));
        CHECK(r.status == 0);
        CHECK(r.output.find('\r') == std::string::npos);
        CHECK(r.output.find("\033[K") == std::string::npos);
    }
}

// Every perf scenario, short, against the real emqxd (the other files use mosquitto): the tool
// must work against our broker and any other. Also a cross-node run with --pub-node and
// --sub-node on two linked emqxd nodes. Every run is bounded to a few seconds.
#include "emqxd_process.hpp"
#include "run_command.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using nlohmann::json;
using emqx::test::emqxd_process;

namespace {

std::string emqxctl(const std::string& arguments) {
    return std::string{EMQXCTL_PATH} + " " + arguments;
}

std::string mqtt_of(const emqxd_process& node) {
    return "127.0.0.1:" + std::to_string(node.port());
}

json run_json(const std::string& arguments) {
    const auto r = emqx::test::run_command(emqxctl(arguments + " -o json"));
    INFO(arguments << "\n" << r.output);
    REQUIRE(r.status == 0);
    return json::parse(r.output);
}

} // namespace

TEST_SUITE("integration::perf::emqxd") {
    TEST_CASE("latency and throughput run against emqxd without loss") {
        emqxd_process broker;
        const auto latency =
            run_json("perf latency --mqtt " + mqtt_of(broker) + " --count 500 --warmup 0.1");
        CHECK(latency["messages"]["lost"] == 0);
        const auto throughput = run_json("perf throughput --mqtt " + mqtt_of(broker) +
                                         " --qos 1 --count 20000 --warmup 0.1");
        CHECK(throughput["messages"]["lost"] == 0);
        CHECK(throughput["messages"]["duplicated"] == 0);
    }

    TEST_CASE("connections, qos and stress run against emqxd") {
        emqxd_process broker;
        const auto ramp = run_json("perf connections --mqtt " + mqtt_of(broker) +
                                   " --connections 200 --rate 2000 --hold 0.2");
        CHECK(ramp["connections"]["connected"] == 200);
        CHECK(ramp["failures"].empty());
        const auto qos =
            run_json("perf qos --mqtt " + mqtt_of(broker) + " --count 1000 --warmup 0.1 --timeout 2");
        for (const char* level : {"qos1", "qos2"}) {
            INFO(level);
            CHECK(qos["runs"][level]["messages"]["lost"] == 0);
            CHECK(qos["runs"][level]["messages"]["duplicated"] == 0);
        }
        const auto stress = run_json("perf stress --mqtt " + mqtt_of(broker) +
                                     " --rate 500 --duration 1 --warmup 0.1");
        CHECK(stress["stress"]["failed"] == 0);
    }

    TEST_CASE("--pub-node and --sub-node measure the path between two linked emqxd nodes") {
        emqxd_process a{{"--node-id", "a", "--set", "cluster.cookie=perf-test-cookie-0123456789"}};
        emqxd_process b{{"--node-id", "b", "--set", "cluster.cookie=perf-test-cookie-0123456789",
                         "--set",
                         "cluster.peers=127.0.0.1:" + std::to_string(a.listener_port("cluster"))}};
        REQUIRE(a.wait_for_log("cluster peer connected node=b", std::chrono::seconds{5}));
        // The subscriber's route needs a moment to reach the publisher's node: the warm-up
        // covers it (messages before the measured run are not counted).
        const auto run = run_json("perf throughput --pub-node " + mqtt_of(a) + " --sub-node " +
                                  mqtt_of(b) + " --qos 1 --count 5000 --warmup 0.5");
        CHECK(run["messages"]["lost"] == 0);
        CHECK(run["messages"]["duplicated"] == 0);
        CHECK(run["broker"]["sub_address"] == mqtt_of(b));
    }
}

// The qos and stress scenarios' figures and documents, from synthetic run results.
#include <emqx/perf/connections.hpp>
#include <emqx/perf/scenarios.hpp>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace emqx::perf;
using emqx::mqtt::qos;

namespace {

run_results run_of(qos level, std::uint64_t published, std::uint64_t delivered) {
    run_results r;
    r.qos = r.granted_qos = level;
    r.published = r.expected_deliveries = published;
    r.deliveries.delivered = delivered;
    r.deliveries.lost = published - delivered;
    r.publish_seconds = r.deliver_seconds = 2.0;
    return r;
}

} // namespace

TEST_SUITE("perf::scenarios") {
    TEST_CASE("stress counts what failed to arrive and the rate achieved") {
        const auto s = summarize_stress(run_of(qos::at_most_once, 2000, 1990), 1000.0);
        CHECK(s.target_rate == 1000.0);
        CHECK(s.sent == 2000);
        CHECK(s.failed == 10);
        CHECK(s.success_percent == doctest::Approx(99.5));
        CHECK(s.achieved_rate == doctest::Approx(1000.0));
        CHECK(summarize_stress(run_results{}, 10.0).success_percent == 0.0);
    }

    TEST_CASE("the stress document is a run document with a stress object") {
        run_options o;
        o.rate = 1000.0;
        const auto doc = nlohmann::json::parse(stress_json(run_of(qos::at_most_once, 100, 100), o));
        CHECK(doc["schema"] == "emqxctl.perf/1");
        CHECK(doc["command"] == "stress");
        CHECK(doc["stress"]["success_rate"] == 100.0);
        CHECK(doc["stress"]["sent"] == 100);
    }

    TEST_CASE("the qos document holds one run per QoS, each with its own qos parameter") {
        qos_results r;
        r.runs = {run_of(qos::at_most_once, 100, 98), run_of(qos::at_least_once, 100, 100),
                  run_of(qos::exactly_once, 100, 100)};
        const auto doc = nlohmann::json::parse(qos_json(r, run_options{}));
        CHECK(doc["command"] == "qos");
        CHECK(doc["status"] == "completed");
        for (int q = 0; q <= 2; ++q) {
            CHECK(doc["runs"]["qos" + std::to_string(q)]["parameters"]["qos"] == q);
        }
        CHECK(doc["runs"]["qos0"]["messages"]["lost"] == 2);
        CHECK_FALSE(doc["parameters"].contains("qos"));
        const auto text = qos_text(r, run_options{});
        CHECK(text.find("QoS 2") != std::string::npos);
        CHECK(text.find("duplicated") != std::string::npos);
    }

    TEST_CASE("qos fails when QoS 1 loses a message, not when QoS 0 does") {
        qos_results r;
        r.runs = {run_of(qos::at_most_once, 100, 98), run_of(qos::at_least_once, 100, 100)};
        CHECK(judge(r) == verdict::ok);
        r.runs[1] = run_of(qos::at_least_once, 100, 99);
        CHECK(judge(r) == verdict::failed);
        r.runs[0].status = run_status::unreachable;
        CHECK(judge(r) == verdict::unreachable);
    }

    TEST_CASE("connections: all held is ok, a failure fails, none accepted is unreachable") {
        connections_results r;
        r.connected = r.held = 10;
        CHECK(judge(r) == verdict::ok);
        r.failed = 1;
        CHECK(judge(r) == verdict::failed);
        r = connections_results{};
        r.status = run_status::unreachable;
        CHECK(judge(r) == verdict::unreachable);
    }

    TEST_CASE("the connections document lists failures by reason and memory per connection") {
        connections_results r;
        r.target = 12;
        r.connected = r.held = 10;
        r.failed = 2;
        r.failures = {{"refused", 1}, {"timeout", 1}};
        r.memory.before = 1000;
        r.memory.after = 11000;
        r.latency.record(1000);
        const auto doc = nlohmann::json::parse(to_json(r, connections_options{}));
        CHECK(doc["command"] == "connections");
        CHECK(doc["failures"]["refused"] == 1);
        CHECK(doc["memory"]["per_connection_bytes"] == 1000.0);
        CHECK(doc["connect_latency_us"]["count"] == 1);
        CHECK(to_text(r, connections_options{}).find("timeout") != std::string::npos);
    }
}

// A run's results as text and JSON, and the verdict behind the exit status.
#include <emqx/perf/report.hpp>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

using emqx::mqtt::qos;
using emqx::perf::judge;
using emqx::perf::run_options;
using emqx::perf::run_results;
using emqx::perf::run_status;
using emqx::perf::verdict;

namespace {

run_results measured(qos level) {
    run_results r;
    r.qos = level;
    r.granted_qos = level;
    r.published = 1000;
    r.expected_deliveries = 1000;
    r.deliveries.delivered = 1000;
    r.deliver_seconds = 2.0;
    r.publish_seconds = 2.0;
    r.measured_wall_seconds = 2.0;
    r.tool_cpu_seconds = 0.5;
    r.per_second = {{600, 590}, {400, 410}};
    for (std::uint64_t v = 1; v <= 1000; ++v) {
        r.latency.record(v * 1'000);
    }
    return r;
}

} // namespace

TEST_SUITE("perf::report") {
    TEST_CASE("a completed run without loss is ok") {
        CHECK(judge(measured(qos::at_least_once)) == verdict::ok);
    }

    TEST_CASE("loss at QoS 0 is allowed, at QoS 1 and 2 it fails the run") {
        auto r = measured(qos::at_most_once);
        r.deliveries.lost = 3;
        CHECK(judge(r) == verdict::ok);
        r.qos = r.granted_qos = qos::at_least_once;
        CHECK(judge(r) == verdict::failed);
        r.qos = r.granted_qos = qos::exactly_once;
        CHECK(judge(r) == verdict::failed);
    }

    TEST_CASE("loss is judged at the QoS the broker granted, not the one asked") {
        auto r = measured(qos::exactly_once);
        r.granted_qos = qos::at_most_once;
        r.deliveries.lost = 3;
        CHECK(judge(r) == verdict::ok);
    }

    TEST_CASE("duplicates fail a QoS 2 run only") {
        auto r = measured(qos::at_least_once);
        r.deliveries.duplicated = 2;
        CHECK(judge(r) == verdict::ok);
        r.qos = r.granted_qos = qos::exactly_once;
        CHECK(judge(r) == verdict::failed);
    }

    TEST_CASE("a run that ended early fails; an unreachable or refusing broker is unknown") {
        auto r = measured(qos::at_most_once);
        r.status = run_status::stalled;
        CHECK(judge(r) == verdict::failed);
        r.status = run_status::deadline;
        CHECK(judge(r) == verdict::failed);
        r.status = run_status::unreachable;
        CHECK(judge(r) == verdict::unreachable);
        r.status = run_status::refused;
        CHECK(judge(r) == verdict::unreachable);
    }

    TEST_CASE("the JSON document has the schema, parameters, counts, rates and latency") {
        run_options o;
        o.port = 1884;
        o.qos = qos::at_least_once;
        o.count = 1000;
        o.broker_pid = 42;
        auto r = measured(qos::at_least_once);
        r.broker_cpu_seconds = 1.0;
        const auto doc = nlohmann::json::parse(emqx::perf::to_json(r, o, "throughput"));
        CHECK(doc["schema"] == "emqxctl.perf/1");
        CHECK(doc["command"] == "throughput");
        CHECK(doc["broker"]["address"] == "127.0.0.1:1884");
        CHECK(doc["broker"]["pid"] == 42);
        CHECK(doc["parameters"]["qos"] == 1);
        CHECK(doc["parameters"]["count"] == 1000);
        CHECK(doc["parameters"]["duration_s"].is_null());
        CHECK(doc["parameters"]["mqtt_version"] == "3.1.1");
        CHECK(doc["status"] == "completed");
        CHECK(doc["messages"]["delivered"] == 1000);
        CHECK(doc["messages"]["lost"] == 0);
        CHECK(doc["rates"]["delivered_per_second"] == doctest::Approx(500.0));
        CHECK(doc["rates"]["peak_delivered_per_second"] == doctest::Approx(590.0));
        CHECK(doc["per_second"].size() == 2);
        CHECK(doc["latency_us"]["count"] == 1000);
        CHECK(doc["latency_us"]["p50"].get<double>() == doctest::Approx(500.0).epsilon(0.01));
        CHECK(doc["latency_us"]["max"].get<double>() == doctest::Approx(1000.0));
        CHECK(doc["cpu"]["tool_percent"].get<double>() == doctest::Approx(25.0));
        CHECK(doc["cpu"]["broker_percent"].get<double>() == doctest::Approx(50.0));
    }

    TEST_CASE("the JSON document starts with its schema") {
        const auto text = emqx::perf::to_json(measured(qos::at_most_once), run_options{}, "latency");
        CHECK(text.rfind("{\n  \"schema\": \"emqxctl.perf/1\"", 0) == 0);
    }

    TEST_CASE("the text report names the status, counts, rates and percentiles") {
        auto r = measured(qos::at_most_once);
        r.deliveries.lost = 1234;
        const auto text = emqx::perf::to_text(r, run_options{}, "throughput");
        CHECK(text.find("emqxctl perf throughput: 127.0.0.1:1883, MQTT 3.1.1, QoS 0") == 0);
        CHECK(text.find("status        completed") != std::string::npos);
        CHECK(text.find("lost          1,234") != std::string::npos);
        CHECK(text.find("delivered/s   500 (peak second 590)") != std::string::npos);
        CHECK(text.find("p99.9") != std::string::npos);
        CHECK(text.find("emqxctl 25.0%") != std::string::npos);
    }

    TEST_CASE("an unreachable broker's report is the status and the reason only") {
        run_results r;
        r.status = run_status::unreachable;
        r.reason = "cannot reach the broker";
        const auto text = emqx::perf::to_text(r, run_options{}, "latency");
        CHECK(text.find("unreachable: cannot reach the broker") != std::string::npos);
        CHECK(text.find("delivered") == std::string::npos);
    }
}

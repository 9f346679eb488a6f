// `perf compare`'s logic: which way each metric should move, the threshold, both file shapes.
#include <emqx/perf/compare.hpp>

#include <doctest/doctest.h>

#include <cmath>

using emqx::perf::better;
using emqx::perf::compare;
using emqx::perf::direction_of;
using emqx::perf::metrics_of;

TEST_SUITE("perf::compare") {
    TEST_CASE("rates and deliveries are better higher, latencies and losses lower") {
        CHECK(direction_of("throughput.rates.delivered_per_second") == better::higher);
        CHECK(direction_of("stress.stress.success_rate") == better::higher);
        CHECK(direction_of("connections.connections.connected") == better::higher);
        CHECK(direction_of("latency.latency_us.p99") == better::lower);
        CHECK(direction_of("connections.connect_latency_us.p50") == better::lower);
        CHECK(direction_of("qos.runs.qos1.messages.lost") == better::lower);
        CHECK(direction_of("connections.failures.refused") == better::lower);
        CHECK(direction_of("connections.memory.per_connection_bytes") == better::lower);
        CHECK(direction_of("throughput.cpu.tool_percent") == better::lower);
    }

    TEST_CASE("counts asked for, durations and memory totals are never judged") {
        CHECK(direction_of("latency.latency_us.count") == better::neither);
        CHECK(direction_of("throughput.rates.publish_seconds") == better::neither);
        CHECK(direction_of("connections.memory.after_bytes") == better::neither);
        CHECK(direction_of("throughput.messages.published") == better::neither);
    }

    TEST_CASE("a metric that worsens by more than the threshold regresses, by less does not") {
        const std::map<std::string, double> base{{"t.rates.delivered_per_second", 1000},
                                                 {"t.latency_us.p99", 100}};
        const auto slightly = compare(base, {{"t.rates.delivered_per_second", 950},
                                             {"t.latency_us.p99", 105}}, 10.0);
        CHECK(slightly.regressions() == 0);
        const auto badly = compare(base, {{"t.rates.delivered_per_second", 850},
                                          {"t.latency_us.p99", 100}}, 10.0);
        REQUIRE(badly.rows.size() == 2);
        CHECK(badly.regressions() == 1);
        CHECK(badly.rows[1].metric == "t.rates.delivered_per_second");
        CHECK(badly.rows[1].regressed);
        CHECK(badly.rows[1].delta_percent == doctest::Approx(-15.0));
        const auto slower = compare(base, {{"t.rates.delivered_per_second", 1000},
                                           {"t.latency_us.p99", 125}}, 10.0);
        CHECK(slower.regressions() == 1);
    }

    TEST_CASE("improvements never regress, however large") {
        const auto c = compare({{"t.rates.delivered_per_second", 1000}, {"t.latency_us.p50", 100}},
                               {{"t.rates.delivered_per_second", 5000}, {"t.latency_us.p50", 10}},
                               10.0);
        CHECK(c.regressions() == 0);
    }

    TEST_CASE("losses appearing from zero regress with an infinite delta") {
        const auto c = compare({{"q.messages.lost", 0}}, {{"q.messages.lost", 3}}, 10.0);
        REQUIRE(c.rows.size() == 1);
        CHECK(std::isinf(c.rows[0].delta_percent));
        CHECK(c.regressions() == 1);
    }

    TEST_CASE("metrics in only one file are counted, not compared") {
        const auto c = compare({{"a.lost", 1}, {"b.lost", 1}}, {{"b.lost", 1}, {"c.lost", 1}}, 10);
        CHECK(c.rows.size() == 1);
        CHECK(c.only_in_base == 1);
        CHECK(c.only_in_next == 1);
    }

    TEST_CASE("metrics_of reads a results file by scenario and a single document by command") {
        const auto results = nlohmann::ordered_json::parse(R"({
            "schema": "emqxctl.perf-results/1", "environment": {"cores": 2},
            "scenarios": {"latency": {"schema": "emqxctl.perf/1", "parameters": {"size": 64},
                                      "latency_us": {"p50": 12.5}, "status": "completed"}}})");
        const auto m = metrics_of(results);
        CHECK(m.size() == 1);
        CHECK(m.at("latency.latency_us.p50") == 12.5);
        const auto single = nlohmann::ordered_json::parse(
            R"({"schema": "emqxctl.perf/1", "command": "throughput", "rates": {"x_per_second": 3}})");
        CHECK(metrics_of(single).at("throughput.rates.x_per_second") == 3);
    }

    TEST_CASE("the text table marks regressions and sums them up") {
        const auto c = compare({{"t.rates.delivered_per_second", 1000}},
                               {{"t.rates.delivered_per_second", 500}}, 10.0);
        const auto text = to_text(c, 10.0);
        CHECK(text.find("REGRESSED") != std::string::npos);
        CHECK(text.find("-50.0%") != std::string::npos);
        CHECK(text.find("1 regressed beyond 10.0%") != std::string::npos);
    }
}

// The results directory: results.json's schema, the CSV files, and a self-contained report.html.
#include <emqx/perf/results_file.hpp>

#include "process_guard.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

using emqx::perf::ordered_json;

namespace {

ordered_json scenario() {
    return ordered_json::parse(R"({
        "schema": "emqxctl.perf/1", "command": "throughput",
        "broker": {"address": "127.0.0.1:1883"}, "reason": "a, \"quoted\" reason",
        "rates": {"delivered_per_second": 1000.5},
        "per_second": [{"published": 10, "delivered": 9}, {"published": 11, "delivered": 12}],
        "latency_percentiles_us": [[0, 10.0], [50, 20.0], [99.9, 80.0], [100, 90.0]]})");
}

ordered_json results() {
    emqx::perf::results_context context;
    context.broker_address = "127.0.0.1:1883";
    context.env.cpu_model = "Test CPU <1>";
    context.env.cores = 2;
    context.created = "2026-01-01T00:00:00Z";
    return emqx::perf::make_results(context, {{"throughput", scenario()}});
}

std::string read(const std::filesystem::path& path) {
    std::ifstream file(path);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_SUITE("perf::results_file") {
    TEST_CASE("results.json carries its schema, the broker, the environment and the scenarios") {
        const auto r = results();
        CHECK(r["schema"] == "emqxctl.perf-results/1");
        CHECK(r["created"] == "2026-01-01T00:00:00Z");
        CHECK(r["broker"]["address"] == "127.0.0.1:1883");
        CHECK(r["broker"]["version"].is_null());
        for (const char* key : {"cpu_model", "cores", "kernel", "hostname", "ulimit_nofile",
                                "ip_local_port_range", "tool_version"}) {
            CHECK_MESSAGE(r["environment"].contains(key), key);
        }
        CHECK(r["scenarios"]["throughput"]["rates"]["delivered_per_second"] == 1000.5);
    }

    TEST_CASE("the CSV has one row per scalar, nested keys joined, fields quoted when needed") {
        const auto csv = emqx::perf::to_csv(scenario());
        CHECK(csv.rfind("metric,value\n", 0) == 0);
        CHECK(csv.find("rates.delivered_per_second,1000.5\n") != std::string::npos);
        CHECK(csv.find("broker.address,127.0.0.1:1883\n") != std::string::npos);
        CHECK(csv.find("reason,\"a, \"\"quoted\"\" reason\"\n") != std::string::npos);
        CHECK(csv.find("\nper_second") == std::string::npos);
        CHECK(csv.find("latency_percentiles_us") == std::string::npos);
    }

    TEST_CASE("the per-second CSV numbers the seconds and keeps the sample's columns") {
        CHECK(emqx::perf::per_second_csv(scenario()) ==
              "second,published,delivered\n0,10,9\n1,11,12\n");
        CHECK(emqx::perf::per_second_csv(ordered_json::object()).empty());
    }

    TEST_CASE("report.html holds SVG charts and refers to nothing outside itself") {
        const auto html = emqx::perf::to_html(results());
        CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
        CHECK(html.find("<svg") != std::string::npos);
        CHECK(html.find("Latency distribution") != std::string::npos);
        CHECK(html.find("Throughput over time") != std::string::npos);
        CHECK(html.find("<polyline") != std::string::npos);
        CHECK(html.find("<script") == std::string::npos);
        CHECK(html.find("<link") == std::string::npos);
        CHECK(html.find("src=") == std::string::npos);
        CHECK(html.find("Test CPU &lt;1&gt;") != std::string::npos);
        CHECK(html.find("</html>") != std::string::npos);
    }

    TEST_CASE("write_results writes results.json, the CSVs and report.html into a new folder") {
        emqx::test::temp_dir dir;
        const auto target = dir.path() / "a" / "b";
        REQUIRE_FALSE(emqx::perf::write_results(target, results()).has_value());
        for (const char* name : {"results.json", "throughput.csv", "throughput-per-second.csv",
                                 "report.html"}) {
            CHECK_MESSAGE(std::filesystem::is_regular_file(target / name), name);
        }
        CHECK(ordered_json::parse(read(target / "results.json")) == results());
    }

    TEST_CASE("write_results says which path it could not write") {
        emqx::test::temp_dir dir;
        std::ofstream(dir.path() / "file") << "x";
        const auto problem = emqx::perf::write_results(dir.path() / "file" / "sub", results());
        REQUIRE(problem.has_value());
        CHECK(problem->find("file") != std::string::npos);
    }

    TEST_CASE("the results folder is named perf-results-YYYYMMDD-HHMMSS") {
        const auto name = emqx::perf::results_dir_name();
        REQUIRE(name.size() == std::string{"perf-results-20260101-000000"}.size());
        CHECK(name.rfind("perf-results-", 0) == 0);
        CHECK(name[21] == '-');
    }
}

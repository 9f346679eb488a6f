// The report's renderings: the table, JSON emqxctl.health/1, and the Nagios line.
#include <emqx/health/process.hpp>
#include <emqx/health/render.hpp>

#include <doctest/doctest.h>

#include <unistd.h>

using emqx::health::check_result;
using emqx::health::report;
using emqx::health::verdict;

namespace {

report sample_report() {
    report r;
    r.nodes = {"node1"};
    r.cluster_id = "emqxd";
    r.seconds = 1.25;
    r.checks.push_back({"node1", "api", verdict::ok, "node1 up", "", {}});
    check_result rtt{"node1",
                     "mqtt.round_trip",
                     verdict::warning,
                     "250 ms (above 200 ms)",
                     "the broker is slow",
                     {}};
    rtt.figures.push_back({"node1_rtt", 250.5, "ms", 200.0, 1000.0, 0.0, {}, false});
    r.checks.push_back(rtt);
    check_result disk{"node1", "disk", verdict::ok, "free", "", {}};
    disk.figures.push_back({"node1_disk_free", 30, "%", 10.0, 5.0, 0.0, 100.0, true});
    r.checks.push_back(disk);
    r.checks.push_back({"node1", "process", verdict::skipped, "not here", "", {}});
    return r;
}

} // namespace

TEST_SUITE("health::render") {

    TEST_CASE("the worst verdict wins and skipped counts as OK") {
        report r = sample_report();
        CHECK(r.overall() == verdict::warning);
        r.checks[1].state = verdict::unknown;
        CHECK(r.overall() == verdict::unknown);
        r.checks.resize(1);
        r.checks.push_back({"x", "y", verdict::skipped, "", "", {}});
        CHECK(r.overall() == verdict::ok);
        CHECK(emqx::health::exit_status_of(verdict::critical) == 2);
    }

    TEST_CASE("the Nagios line has the status, the failing check and perfdata with thresholds") {
        const auto line = emqx::health::render_nagios(sample_report());
        CHECK(line.find('\n') == std::string::npos);
        CHECK(line.rfind("EMQXCTL HEALTH WARNING - node1 mqtt.round_trip: 250 ms (above 200 ms) | ",
                         0) == 0);
        CHECK(line.find("'node1_rtt'=250.5ms;200;1000;0") != std::string::npos);
        CHECK(line.find("'node1_disk_free'=30%;10:;5:;0;100") != std::string::npos);
    }

    TEST_CASE("an OK Nagios line counts the checks and names the cluster") {
        report r = sample_report();
        r.checks[1].state = verdict::ok;
        CHECK(emqx::health::render_nagios(r).rfind(
                  "EMQXCTL HEALTH OK - 4 checks (3 ok, 1 skipped) on 1 node, cluster 'emqxd' | ",
                  0) == 0);
    }

    TEST_CASE("JSON carries the schema, the summary and every check field by field") {
        const auto doc = emqx::health::render_json(sample_report());
        CHECK(doc["schema"] == "emqxctl.health/1");
        CHECK(doc["status"] == "WARNING");
        CHECK(doc["exit_status"] == 1);
        CHECK(doc["cluster_id"] == "emqxd");
        CHECK(doc["summary"]["warning"] == 1);
        CHECK(doc["summary"]["skipped"] == 1);
        REQUIRE(doc["checks"].size() == 4);
        const auto& rtt = doc["checks"][1];
        CHECK(rtt["scope"] == "node1");
        CHECK(rtt["name"] == "mqtt.round_trip");
        CHECK(rtt["hint"] == "the broker is slow");
        CHECK(rtt["figures"][0]["value"] == 250.5);
        CHECK(rtt["figures"][0]["max"].is_null());
    }

    TEST_CASE("the table aligns columns, shows hints for non-OK checks, colours only when asked") {
        const auto plain = emqx::health::render_text(sample_report(), false);
        CHECK(plain.find("\033[") == std::string::npos);
        CHECK(plain.find("NODE   CHECK            STATUS    DETAIL\n") == 0);
        CHECK(plain.find("node1  mqtt.round_trip  WARNING   250 ms") != std::string::npos);
        CHECK(plain.find("hint: the broker is slow") != std::string::npos);
        CHECK(plain.find("\nhealth: WARNING: 1 warning, 2 ok, 1 skipped (1 node, 1.2 s)\n") !=
              std::string::npos);
        CHECK(emqx::health::render_text(sample_report(), true).find("\033[33mWARNING") !=
              std::string::npos);
    }

} // TEST_SUITE

TEST_SUITE("health::read_process") {

    TEST_CASE("this test's own process is read from /proc") {
        const auto info = emqx::health::read_process(::getpid());
        REQUIRE(info.has_value());
        CHECK(info->rss_bytes > 0);
        CHECK(info->open_fds >= 3);
        CHECK_FALSE(info->log_dir.empty());
    }

    TEST_CASE("a PID that does not exist is an error naming it") {
        const auto info = emqx::health::read_process(-5);
        REQUIRE_FALSE(info.has_value());
        CHECK(info.error().find("-5") != std::string::npos);
    }

    TEST_CASE("loopback names count as local, others do not") {
        CHECK(emqx::health::is_local_host("127.0.0.1"));
        CHECK(emqx::health::is_local_host("localhost"));
        CHECK(emqx::health::is_local_host("::1"));
        CHECK_FALSE(emqx::health::is_local_host("10.0.0.1"));
    }

} // TEST_SUITE

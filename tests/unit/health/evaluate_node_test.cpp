// The per-node evaluators: thresholds at their edges, and a hint on every verdict that is not OK.
#include <emqx/health/evaluate.hpp>

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using emqx::health::thresholds;
using emqx::health::verdict;
namespace client = emqx::client;

TEST_SUITE("health::evaluate_node") {

    TEST_CASE("a refused API is UNKNOWN with a hint to start the node") {
        const emqx::expected<emqx::health::node_status, client::http_error> refused =
            emqx::unexpected(client::http_error{
                client::http_failure::refused, "connection refused by 127.0.0.1:8082", 0});
        const auto c = emqx::health::evaluate_api("127.0.0.1:8082", "127.0.0.1:8082", refused);
        CHECK(c.state == verdict::unknown);
        CHECK(c.reason == "connection refused by 127.0.0.1:8082");
        CHECK(c.hint.find("is the node started? `emqxctl cluster status`") != std::string::npos);
    }

    TEST_CASE("an API that answers HTML is UNKNOWN with a hint that it is not emqxd") {
        const emqx::expected<emqx::health::node_status, client::http_error> html = emqx::unexpected(
            client::http_error{client::http_failure::not_json, "not JSON from x: '<html>'", 200});
        const auto c = emqx::health::evaluate_api("n", "127.0.0.1:80", html);
        CHECK(c.state == verdict::unknown);
        CHECK(c.hint.find("does not look like an emqxd HTTP port") != std::string::npos);
    }

    TEST_CASE("a 503 from /ready is CRITICAL and quotes the reasons") {
        const emqx::expected<client::http_response, client::http_error> answer =
            client::http_response{503,
                                  R"({"status":"not_ready","reasons":["cluster not joined"]})",
                                  "application/json",
                                  0.01};
        const auto c = emqx::health::evaluate_probe_path("n", "ready", answer);
        CHECK(c.state == verdict::critical);
        CHECK(c.reason == "HTTP 503 from /ready: cluster not joined");
        CHECK_FALSE(c.hint.empty());
    }

    TEST_CASE("round trips are OK up to --warn-latency, WARNING above it, CRITICAL above "
              "--crit-latency") {
        thresholds limits;
        limits.warn_latency = 100ms;
        limits.crit_latency = 500ms;
        const auto at = [&](std::chrono::microseconds us) {
            return emqx::health::evaluate_round_trip(
                "n", "mqtt.round_trip", "", "n_rtt", us, limits);
        };
        CHECK(at(100ms).state == verdict::ok);
        CHECK(at(100001us).state == verdict::warning);
        CHECK(at(500001us).state == verdict::critical);
        CHECK(at(100001us).hint.find("--warn-latency") != std::string::npos);
        const auto ok = at(2500us);
        REQUIRE(ok.figures.size() == 1);
        CHECK(ok.figures[0].value == doctest::Approx(2.5));
        CHECK(ok.figures[0].warn == 100.0);
    }

    TEST_CASE(
        "a message that never arrives is CRITICAL; across nodes the hint names cluster test") {
        const emqx::expected<std::chrono::microseconds, client::probe_error> lost =
            emqx::unexpected(client::probe_error{"message not received within 2.0 s", -1});
        const auto c = emqx::health::evaluate_round_trip(
            "cluster", "cluster.round_trip", "node1 -> node2", "x", lost, {});
        CHECK(c.state == verdict::critical);
        CHECK(c.reason == "node1 -> node2: message not received within 2.0 s");
        CHECK(c.hint.find("emqxctl cluster test") != std::string::npos);
    }

    TEST_CASE("refused credentials are CRITICAL and the hint names the credentials options") {
        const emqx::expected<std::chrono::microseconds, client::probe_error> refused =
            emqx::unexpected(
                client::probe_error{"not authorized (CONNACK 5) from 127.0.0.1:1883", 5});
        const auto c = emqx::health::evaluate_connect("n", "127.0.0.1:1883", refused, true, "bob");
        CHECK(c.state == verdict::critical);
        CHECK(c.reason.find("authentication") != std::string::npos);
        CHECK(c.hint.find("--password") != std::string::npos);
    }

    TEST_CASE("no CONNACK is CRITICAL when the API answered and UNKNOWN when nothing did") {
        const emqx::expected<std::chrono::microseconds, client::probe_error> silent =
            emqx::unexpected(client::probe_error{"cannot connect", -1});
        CHECK(emqx::health::evaluate_connect("n", "a", silent, true, "").state ==
              verdict::critical);
        CHECK(emqx::health::evaluate_connect("n", "a", silent, false, "").state ==
              verdict::unknown);
    }

    TEST_CASE("memory warns at --warn-memory and is CRITICAL at --crit-memory when set") {
        thresholds limits;
        CHECK(emqx::health::evaluate_memory("n", 2 * emqx::health::gib - 1, limits).state ==
              verdict::ok);
        CHECK(emqx::health::evaluate_memory("n", 2 * emqx::health::gib, limits).state ==
              verdict::warning);
        limits.crit_memory = 3 * emqx::health::gib;
        CHECK(emqx::health::evaluate_memory("n", 3 * emqx::health::gib, limits).state ==
              verdict::critical);
    }

    TEST_CASE("open files warn at 80% of the limit and are CRITICAL at 95%") {
        const thresholds limits;
        CHECK(emqx::health::evaluate_fds("n", 79, 100, limits).state == verdict::ok);
        CHECK(emqx::health::evaluate_fds("n", 80, 100, limits).state == verdict::warning);
        CHECK(emqx::health::evaluate_fds("n", 95, 100, limits).state == verdict::critical);
        CHECK(emqx::health::evaluate_fds("n", 5000, 0, limits).state == verdict::ok);
        CHECK(emqx::health::evaluate_fds("n", 80, 100, limits).reason == "80 of 100 open (80%)");
    }

    TEST_CASE("free disk below 10% warns, below 5% is CRITICAL") {
        const thresholds limits;
        CHECK(emqx::health::evaluate_disk("n", "/var/log", {11, 100}, limits).state == verdict::ok);
        CHECK(emqx::health::evaluate_disk("n", "/var/log", {9, 100}, limits).state ==
              verdict::warning);
        const auto full = emqx::health::evaluate_disk("n", "/var/log", {4, 100}, limits);
        CHECK(full.state == verdict::critical);
        CHECK(full.hint.find("/var/log") != std::string::npos);
    }

    TEST_CASE("drops for other reasons than no subscribers during the interval are a WARNING") {
        emqx::health::metric_figures before{3, 2, 10, 0};
        emqx::health::metric_figures after{3, 2, 15, 0};
        CHECK(emqx::health::evaluate_metrics("n", before, after, 1.0).state == verdict::ok);
        after.dropped_trouble = 4;
        const auto c = emqx::health::evaluate_metrics("n", before, after, 2.0);
        CHECK(c.state == verdict::warning);
        CHECK(c.reason == "3 connections, 2 sessions, 15 dropped (2.0/s), 4 dropped just now");
    }

    TEST_CASE(
        "metric figures are read from a scrape, and a scrape without emqx series is refused") {
        const auto samples = client::parse_prometheus(
            "emqx_connections_count{node=\"n\"} 4\nemqx_sessions_count{node=\"n\"} 3\n"
            "emqx_messages_dropped_total{node=\"n\",reason=\"no_subscribers\"} 7\n"
            "emqx_messages_dropped_total{node=\"n\",reason=\"queue_full\"} 2\n");
        REQUIRE(samples.has_value());
        const auto figures = emqx::health::extract_metrics(*samples);
        REQUIRE(figures.has_value());
        CHECK(figures->connections == 4);
        CHECK(figures->dropped == 9);
        CHECK(figures->dropped_trouble == 2);
        CHECK_FALSE(emqx::health::extract_metrics({}).has_value());
    }

    TEST_CASE("listeners are CRITICAL when one refuses, naming it") {
        using outcome = emqx::expected<std::chrono::microseconds, std::string>;
        std::vector<std::pair<std::string, outcome>> results;
        results.emplace_back("mqtt 127.0.0.1:1883", outcome(std::chrono::microseconds(10)));
        results.emplace_back("cluster 127.0.0.1:8081",
                             outcome(emqx::unexpected(std::string("connection refused by x"))));
        const auto c = emqx::health::evaluate_listeners("n", results);
        CHECK(c.state == verdict::critical);
        CHECK(c.reason == "cluster 127.0.0.1:8081: connection refused by x");
    }

} // TEST_SUITE

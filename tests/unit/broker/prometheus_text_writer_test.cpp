// The Prometheus text format 0.0.4 writer: HELP/TYPE lines, the node label, escaping, names.
#include "metrics/text_writer.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

using namespace emqx::broker::prometheus;
using namespace std::string_literals;

TEST_SUITE("broker::prometheus::text_writer") {
    TEST_CASE("a family gets one HELP and one TYPE line, then its samples with the node label") {
        text_writer w{"node1"};
        CHECK(w.family("emqx_connections_count", metric_type::gauge, "Current connections."));
        CHECK(w.sample(std::uint64_t{3}));
        CHECK(w.family("emqx_messages_dropped_total", metric_type::counter, "Dropped."));
        CHECK(w.sample(std::uint64_t{5}, {{"reason", "queue_full"}}));
        CHECK(w.sample(std::uint64_t{0}, {{"reason", "expired"}}));
        CHECK(w.text() == "# HELP emqx_connections_count Current connections.\n"
                          "# TYPE emqx_connections_count gauge\n"
                          "emqx_connections_count{node=\"node1\"} 3\n"
                          "# HELP emqx_messages_dropped_total Dropped.\n"
                          "# TYPE emqx_messages_dropped_total counter\n"
                          "emqx_messages_dropped_total{node=\"node1\",reason=\"queue_full\"} 5\n"
                          "emqx_messages_dropped_total{node=\"node1\",reason=\"expired\"} 0\n");
    }

    TEST_CASE("a family written twice is refused and its second samples are dropped") {
        text_writer w{"n"};
        REQUIRE(w.family("a_count", metric_type::gauge, "A."));
        REQUIRE(w.sample(std::uint64_t{1}));
        CHECK_FALSE(w.family("a_count", metric_type::gauge, "A again."));
        CHECK_FALSE(w.sample(std::uint64_t{2}));
        CHECK(w.text() == "# HELP a_count A.\n# TYPE a_count gauge\na_count{node=\"n\"} 1\n");
    }

    TEST_CASE("a counter whose name does not end in _total is refused") {
        text_writer w{"n"};
        CHECK_FALSE(w.family("emqx_connections", metric_type::counter, "No suffix."));
        CHECK_FALSE(w.sample(std::uint64_t{1}));
        CHECK(w.text().empty());
        CHECK(w.family("emqx_connections_total", metric_type::counter, "Suffix."));
    }

    TEST_CASE("invalid metric names and label names are refused") {
        CHECK(is_valid_metric_name("process_cpu_seconds_total"));
        CHECK(is_valid_metric_name("a:b_c9"));
        CHECK_FALSE(is_valid_metric_name(""));
        CHECK_FALSE(is_valid_metric_name("9lives"));
        CHECK_FALSE(is_valid_metric_name("emqx-connections"));
        CHECK_FALSE(is_valid_metric_name("emqx connections"));
        CHECK(is_valid_label_name("reason"));
        CHECK(is_valid_label_name("_x1"));
        CHECK_FALSE(is_valid_label_name("__name__"));
        CHECK_FALSE(is_valid_label_name("a:b"));
        CHECK_FALSE(is_valid_label_name("1a"));

        text_writer w{"n"};
        CHECK_FALSE(w.family("bad-name", metric_type::gauge, "x"));
        REQUIRE(w.family("good", metric_type::gauge, "x"));
        CHECK_FALSE(w.sample(std::uint64_t{1}, {{"bad label", "v"}}));
        CHECK_FALSE(w.sample(std::uint64_t{1}, {{"node", "other"}}));
        CHECK(w.text() == "# HELP good x\n# TYPE good gauge\n");
    }

    TEST_CASE("label values escape backslash, double quote and newline, and nothing else") {
        CHECK(escape_label_value(R"(a\b)") == R"(a\\b)");
        CHECK(escape_label_value(R"(say "hi")") == R"(say \"hi\")");
        CHECK(escape_label_value("two\nlines") == R"(two\nlines)");
        CHECK(escape_label_value("tab\there 'q' {x}=,") == "tab\there 'q' {x}=,");
        CHECK(escape_label_value("caf\xC3\xA9") == "caf\xC3\xA9");
    }

    TEST_CASE("the node label and other label values are escaped in the samples") {
        text_writer w{"no\"de\\1\n"};
        REQUIRE(w.family("emqx_cluster_info", metric_type::gauge, "Info."));
        REQUIRE(w.sample(std::uint64_t{1}, {{"cluster_id", "c\"1"}}));
        CHECK(w.text().ends_with(
            "emqx_cluster_info{node=\"no\\\"de\\\\1\\n\",cluster_id=\"c\\\"1\"} 1\n"));
    }

    TEST_CASE("HELP text escapes backslash and newline but keeps quotes") {
        CHECK(escape_help("a \"b\" \\ c\nd") == "a \"b\" \\\\ c\\nd");
        text_writer w{"n"};
        REQUIRE(w.family("x", metric_type::gauge, "line1\nline2"));
        CHECK(w.text() == "# HELP x line1\\nline2\n# TYPE x gauge\n");
    }

    TEST_CASE("values: integers exactly, doubles shortest, special values as spelled") {
        CHECK(format_value(0.0) == "0");
        CHECK(format_value(1.5) == "1.5");
        CHECK(format_value(12.25) == "12.25");
        CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
        CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
        CHECK(format_value(std::nan("")) == "NaN");

        text_writer w{"n"};
        REQUIRE(w.family("big_total", metric_type::counter, "Big."));
        REQUIRE(w.sample(std::uint64_t{18'446'744'073'709'551'615ULL}));
        REQUIRE(w.family("lag_seconds", metric_type::gauge, "Lag."));
        REQUIRE(w.sample(0.25));
        CHECK(w.text().find("big_total{node=\"n\"} 18446744073709551615\n") != std::string::npos);
        CHECK(w.text().find("lag_seconds{node=\"n\"} 0.25\n") != std::string::npos);
    }

    TEST_CASE("the content type is that of the text format 0.0.4") {
        CHECK(content_type == "text/plain; version=0.0.4; charset=utf-8");
    }
}

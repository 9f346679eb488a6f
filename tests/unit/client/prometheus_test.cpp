// The Prometheus text format 0.0.4 parser: every line form, escapes, special values, bad lines.
#include <emqx/client/prometheus.hpp>

#include <doctest/doctest.h>

#include <cmath>

using emqx::client::find_value;
using emqx::client::parse_prometheus;
using emqx::client::sum_values;

TEST_SUITE("client::parse_prometheus") {

    TEST_CASE("a sample without labels gives its name and value") {
        const auto parsed = parse_prometheus("emqx_connections_count 3\n");
        REQUIRE(parsed.has_value());
        REQUIRE(parsed->size() == 1);
        CHECK((*parsed)[0].name == "emqx_connections_count");
        CHECK((*parsed)[0].labels.empty());
        CHECK((*parsed)[0].value == 3.0);
    }

    TEST_CASE("comments, HELP, TYPE and blank lines are skipped") {
        const auto parsed = parse_prometheus("# HELP emqx_x the x\n"
                                             "# TYPE emqx_x gauge\n"
                                             "\n"
                                             "   \n"
                                             "# any other comment\n"
                                             "emqx_x 1\n");
        REQUIRE(parsed.has_value());
        CHECK(parsed->size() == 1);
    }

    TEST_CASE("labels are read in order with their escapes undone") {
        const auto parsed =
            parse_prometheus(R"(m{a="x",b="q\"uote",c="back\\slash",d="new\nline",e=""} 2)");
        REQUIRE(parsed.has_value());
        const auto& s = (*parsed)[0];
        REQUIRE(s.labels.size() == 5);
        CHECK(s.labels[0] == std::pair<std::string, std::string>{"a", "x"});
        CHECK(*s.label("b") == "q\"uote");
        CHECK(*s.label("c") == "back\\slash");
        CHECK(*s.label("d") == "new\nline");
        CHECK(*s.label("e") == "");
        CHECK_FALSE(s.label("z").has_value());
    }

    TEST_CASE("a trailing comma in the label set and spaces around labels are accepted") {
        const auto parsed = parse_prometheus("m{ a = \"1\" , b=\"2\", } 7");
        REQUIRE(parsed.has_value());
        CHECK((*parsed)[0].labels.size() == 2);
        CHECK((*parsed)[0].value == 7.0);
    }

    TEST_CASE("empty braces mean no labels") {
        const auto parsed = parse_prometheus("m{} 1");
        REQUIRE(parsed.has_value());
        CHECK((*parsed)[0].labels.empty());
    }

    TEST_CASE("NaN, +Inf and -Inf are values") {
        const auto parsed = parse_prometheus("a NaN\nb +Inf\nc -Inf\n");
        REQUIRE(parsed.has_value());
        CHECK(std::isnan((*parsed)[0].value));
        CHECK((*parsed)[1].value == INFINITY);
        CHECK((*parsed)[2].value == -INFINITY);
    }

    TEST_CASE("exponents, negative values and a timestamp are accepted") {
        const auto parsed = parse_prometheus("a 1.5e3 1700000000000\nb -0.25\nc 1E-2 -5\n");
        REQUIRE(parsed.has_value());
        CHECK((*parsed)[0].value == 1500.0);
        CHECK((*parsed)[1].value == -0.25);
        CHECK((*parsed)[2].value == doctest::Approx(0.01));
    }

    TEST_CASE("CRLF line ends and a last line without newline are accepted") {
        const auto parsed = parse_prometheus("a 1\r\nb 2");
        REQUIRE(parsed.has_value());
        CHECK(parsed->size() == 2);
        CHECK((*parsed)[1].value == 2.0);
    }

    TEST_CASE("metric names may contain colons, label names may not") {
        CHECK(parse_prometheus("job:rate:5m 1").has_value());
        CHECK_FALSE(parse_prometheus("m{a:b=\"1\"} 1").has_value());
    }

    TEST_CASE("a bad line is reported with its number") {
        const auto parsed = parse_prometheus("a 1\n# c\nb{x=\"1\"} notanumber\n");
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error().rfind("line 3:", 0) == 0);
        CHECK(parsed.error().find("notanumber") != std::string::npos);
    }

    TEST_CASE("malformed lines are errors, never samples") {
        for (const std::string bad : {"a",
                                      "a{",
                                      "a{b} 1",
                                      "a{b=1} 1",
                                      "a{b=\"1} 1",
                                      "a{b=\"\\x\"} 1",
                                      "a{b=\"1\" c=\"2\"} 1",
                                      "1abc 2",
                                      "a 1 notatime",
                                      "a nan",
                                      "a inf",
                                      "a 0x10",
                                      "<html>",
                                      "a{b=\"1\"}1"}) {
            CAPTURE(bad);
            CHECK_FALSE(parse_prometheus(bad).has_value());
        }
    }

    TEST_CASE("an empty exposition has no samples") {
        const auto parsed = parse_prometheus("");
        REQUIRE(parsed.has_value());
        CHECK(parsed->empty());
    }

} // TEST_SUITE

TEST_SUITE("client::find_value") {

    TEST_CASE("a series is found by name and a label match; sums add every series of a name") {
        const auto parsed = parse_prometheus(
            "emqx_messages_dropped_total{node=\"n1\",reason=\"no_subscribers\"} 4\n"
            "emqx_messages_dropped_total{node=\"n1\",reason=\"queue_full\"} 6\n"
            "emqx_connections_count{node=\"n1\"} 2\n");
        REQUIRE(parsed.has_value());
        CHECK(find_value(*parsed, "emqx_connections_count") == 2.0);
        CHECK(find_value(*parsed, "emqx_messages_dropped_total", {{"reason", "queue_full"}}) ==
              6.0);
        CHECK_FALSE(find_value(*parsed, "emqx_messages_dropped_total", {{"reason", "x"}}));
        CHECK(sum_values(*parsed, "emqx_messages_dropped_total") == 10.0);
        CHECK_FALSE(sum_values(*parsed, "missing").has_value());
    }

} // TEST_SUITE

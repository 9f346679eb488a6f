// The log line parser: both formats of DESIGN.md section 7, and every class of bad line.
#include <emqx/diag/log_record.hpp>

#include <doctest/doctest.h>

#include <string>

using emqx::diag::log_level;
using emqx::diag::parse_failure;
using emqx::diag::parse_line;
using emqx::diag::parse_timestamp;

TEST_SUITE("diag::parse_line") {
    TEST_CASE("a text line gives time, level, component, message and fields") {
        const auto r = parse_line("2026-11-22T08:15:31.004Z WARN  auth authentication failed "
                                  "client_id=c1 username=bob peer=127.0.0.1:51234 reason=bad_password");
        REQUIRE(r.has_value());
        const auto& rec = r.value();
        CHECK(rec.unix_ms == *parse_timestamp("2026-11-22T08:15:31.004Z"));
        CHECK(rec.level == log_level::warn);
        CHECK(rec.component == "auth");
        CHECK(rec.message == "authentication failed");
        REQUIRE(rec.fields.size() == 4);
        CHECK(rec.field("client_id") == "c1");
        CHECK(rec.field("peer") == "127.0.0.1:51234");
        CHECK(rec.field("reason") == "bad_password");
        CHECK(rec.field("missing").empty());
    }

    TEST_CASE("quoted values keep their spaces and unescape quotes, backslashes, newlines, bytes") {
        const auto r = parse_line(R"(2026-11-22T08:00:00.000Z ERROR http request failed error="a \"b\" c\\d\ne\x01" path=/x)");
        REQUIRE(r.has_value());
        CHECK(r.value().field("error") == std::string{"a \"b\" c\\d\ne\x01"});
        CHECK(r.value().field("path") == "/x");
        CHECK(r.value().message == "request failed");
    }

    TEST_CASE("a line with no fields and a message with punctuation parses") {
        const auto a = parse_line("2026-11-22T08:00:00.000Z INFO  mqtt stopped");
        REQUIRE(a.has_value());
        CHECK(a.value().message == "stopped");
        CHECK(a.value().fields.empty());
        const auto b = parse_line("2026-11-22T08:00:00.000Z INFO  mqtt protocol error, closing connection peer=1.2.3.4:5");
        REQUIRE(b.has_value());
        CHECK(b.value().message == "protocol error, closing connection");
        CHECK(b.value().field("peer") == "1.2.3.4:5");
    }

    TEST_CASE("an empty quoted value and a trailing carriage return are accepted") {
        const auto r = parse_line("2026-11-22T08:00:00.000Z DEBUG session x client_id=\"\"\r");
        REQUIRE(r.has_value());
        CHECK(r.value().level == log_level::debug);
        CHECK(r.value().field("client_id").empty());
        CHECK(r.value().fields.size() == 1);
    }

    TEST_CASE("every level name is recognised") {
        for (const char* name : {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}) {
            const auto r = parse_line(std::string{"2026-11-22T08:00:00.000Z "} + name + " mqtt m");
            CHECK_MESSAGE(r.has_value(), name);
        }
    }

    TEST_CASE("a JSON line gives the same fields as the text line") {
        const auto r = parse_line(R"({"ts":"2026-11-22T08:15:30.123Z","level":"INFO","component":"cluster","msg":"peer connected","node":"node2","addr":"127.0.0.1:8083"})");
        REQUIRE(r.has_value());
        CHECK(r.value().unix_ms == *parse_timestamp("2026-11-22T08:15:30.123Z"));
        CHECK(r.value().level == log_level::info);
        CHECK(r.value().component == "cluster");
        CHECK(r.value().message == "peer connected");
        CHECK(r.value().field("node") == "node2");
        CHECK(r.value().field("addr") == "127.0.0.1:8083");
    }

    TEST_CASE("malformed lines are classified, never thrown") {
        CHECK(parse_line("").error() == parse_failure::blank);
        CHECK(parse_line("   ").error() == parse_failure::blank);
        CHECK(parse_line("hello world").error() == parse_failure::bad_timestamp);
        CHECK(parse_line("2026-11-22T08:0").error() == parse_failure::bad_timestamp);
        CHECK(parse_line("2026-13-22T08:00:00.000Z INFO mqtt m").error() == parse_failure::bad_timestamp);
        CHECK(parse_line("2026-11-22T08:00:00.000 INFO mqtt m").error() == parse_failure::bad_timestamp);
        CHECK(parse_line("2026-11-22T08:00:00.000Z LOUD mqtt m").error() == parse_failure::bad_level);
        CHECK(parse_line("2026-11-22T08:00:00.000Z INFO").error() == parse_failure::no_component);
        CHECK(parse_line("2026-11-22T08:00:00.000Z INFO mqtt m a=\"open").error() ==
              parse_failure::unterminated_quote);
        CHECK(parse_line(std::string{"2026-11-22T08:00:00.000Z INFO mqtt \0\x01\x02", 38}).error() ==
              parse_failure::binary);
        CHECK(parse_line("{\"ts\":\"2026-11-22T08:00:00.000Z\",\"level\":").error() == parse_failure::bad_json);
        CHECK(parse_line(R"({"ts":"yesterday","level":"INFO","component":"x","msg":"m"})").error() ==
              parse_failure::bad_timestamp);
        CHECK(parse_line(R"({"ts":"2026-11-22T08:00:00Z","level":"INFO","msg":"m"})").error() ==
              parse_failure::no_component);
    }
}

TEST_SUITE("diag::parse_timestamp") {
    TEST_CASE("UTC times convert to milliseconds since the epoch") {
        CHECK(parse_timestamp("1970-01-01T00:00:00Z") == 0);
        CHECK(parse_timestamp("1970-01-01T00:00:01.5Z") == 1500);
        CHECK(parse_timestamp("2000-03-01T00:00:00.000Z") == 951868800000);
        CHECK(parse_timestamp("2026-11-22T08:15:30.123+00:00") == 1795335330123);
        CHECK_FALSE(parse_timestamp("2026-11-22T08:15:30.Z").has_value());
        CHECK_FALSE(parse_timestamp("2026-11-22T25:15:30Z").has_value());
    }

    TEST_CASE("formatting a time gives back the log's form") {
        CHECK(emqx::diag::format_timestamp(1795335330123) == "2026-11-22T08:15:30.123Z");
    }

    TEST_CASE("a JSON line nested deeper than 64 levels is bad JSON, not a crash") {
        // 200,000 nested arrays ran nlohmann's recursive serializer off the stack.
        const auto line = [](std::size_t depth) {
            return R"({"ts":"2026-11-22T08:00:00.000Z","level":"info","component":"x","msg":"m","deep":)" +
                   std::string(depth, '[') + std::string(depth, ']') + "}";
        };
        const auto shallow = parse_line(line(3));
        REQUIRE(shallow.has_value());
        CHECK(shallow.value().field("deep") == "[[[]]]");
        CHECK(parse_line(line(64)).has_value()); // the line's object is level 0
        const auto too_deep = parse_line(line(65));
        REQUIRE_FALSE(too_deep.has_value());
        CHECK(too_deep.error() == parse_failure::bad_json);
        const auto huge = parse_line(line(200'000));
        REQUIRE_FALSE(huge.has_value());
        CHECK(huge.error() == parse_failure::bad_json);
    }

    TEST_CASE("printable writes control characters as \\xHH and leaves the rest alone") {
        using emqx::diag::has_control;
        using emqx::diag::printable;
        CHECK(printable("plain text, UTF-8 \xc3\xa9, tab-free") ==
              "plain text, UTF-8 \xc3\xa9, tab-free");
        CHECK_FALSE(has_control("n\xc3\xa9"));
        // ESC sequences (an OSC that sets the window title, a clear screen), BEL, DEL, NUL.
        CHECK(printable("\x1b]0;x\x07\x1b[2J") == R"(\x1b]0;x\x07\x1b[2J)");
        CHECK(printable(std::string{"a\0b\x7f\tc\n", 7}) == R"(a\x00b\x7f\x09c\x0a)");
        // A C1 control in UTF-8 (U+009B, CSI) is two bytes; a lone 0xC2 is not a control.
        CHECK(printable("\xc2\x9b"
                        "31m") == R"(\xc2\x9b31m)");
        CHECK(printable("\xc2") == "\xc2");
        CHECK(printable("\xc2\xa0") == "\xc2\xa0"); // U+00A0 is no control
        CHECK(has_control("\xc2\x85"));
        // What printable writes, the parser reads back as the same bytes.
        const std::string value = "\x1b[31mred\x07";
        const auto record =
            parse_line("2026-11-22T08:00:00.000Z INFO  m msg k=\"" + printable(value) + "\"");
        REQUIRE(record.has_value());
        CHECK(record.value().field("k") == value);
    }
}

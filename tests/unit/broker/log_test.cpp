// The broker's log line format (DESIGN.md section 7): UTC timestamp with milliseconds, a
// five-column level, component, message, then key=value fields quoted when needed.
#include "log/log.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using namespace emqx::broker;

namespace {

// 2026-11-22T08:15:30.123Z, the example time of DESIGN.md section 7.
constexpr std::int64_t example_ms = 1'795'335'330'123;

std::string line_with(std::string_view value) {
    return log::format(log::level::info, "mqtt", "m", {{"k", value}}, example_ms);
}

} // namespace

TEST_SUITE("broker::log") {
    TEST_CASE("a line is timestamp, level, component, message and fields, ending in a newline") {
        const std::string line = log::format(log::level::info,
                                             "mqtt",
                                             "client connected",
                                             {{"client_id", "c1"}, {"peer", "127.0.0.1:51234"}},
                                             example_ms);
        CHECK(line == "2026-11-22T08:15:30.123Z INFO  mqtt client connected client_id=c1 "
                      "peer=127.0.0.1:51234\n");
    }

    TEST_CASE("the DESIGN.md example lines come out exactly") {
        CHECK(log::format(log::level::info,
                          "cluster",
                          "peer connected",
                          {{"node", "node2"}, {"addr", "127.0.0.1:8083"}},
                          example_ms) ==
              "2026-11-22T08:15:30.123Z INFO  cluster peer connected node=node2 "
              "addr=127.0.0.1:8083\n");
        CHECK(log::format(log::level::warn,
                          "auth",
                          "authentication failed",
                          {{"client_id", "c1"},
                           {"username", "bob"},
                           {"peer", "127.0.0.1:51234"},
                           {"reason", "bad_password"}},
                          1'795'335'331'004) ==
              "2026-11-22T08:15:31.004Z WARN  auth authentication failed client_id=c1 "
              "username=bob peer=127.0.0.1:51234 reason=bad_password\n");
    }

    TEST_CASE("every level name takes five columns") {
        const auto level_text = [](log::level l) {
            return log::format(l, "c", "m", {}, 0).substr(25, 6);
        };
        CHECK(level_text(log::level::trace) == "TRACE ");
        CHECK(level_text(log::level::debug) == "DEBUG ");
        CHECK(level_text(log::level::info) == "INFO  ");
        CHECK(level_text(log::level::warn) == "WARN  ");
        CHECK(level_text(log::level::error) == "ERROR ");
        CHECK(level_text(log::level::fatal) == "FATAL ");
    }

    TEST_CASE("the timestamp is UTC with milliseconds zero-padded") {
        CHECK(log::format(log::level::error, "c", "m", {}, 0) ==
              "1970-01-01T00:00:00.000Z ERROR c m\n");
        CHECK(log::format(log::level::error, "c", "m", {}, 951'868'799'007) ==
              "2000-02-29T23:59:59.007Z ERROR c m\n");
        CHECK(log::format(log::level::error, "c", "m", {}, 951'868'799'999) ==
              "2000-02-29T23:59:59.999Z ERROR c m\n");
    }

    TEST_CASE("a plain value is written as is, backslashes and colons included") {
        CHECK(line_with("a/b:c\\d") == "2026-11-22T08:15:30.123Z INFO  mqtt m k=a/b:c\\d\n");
    }

    TEST_CASE("a value with a space, '=', a tab, or nothing at all is quoted") {
        CHECK(line_with("two words") == "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"two words\"\n");
        CHECK(line_with("a=b") == "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"a=b\"\n");
        CHECK(line_with("a\tb") == "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"a\\x09b\"\n");
        CHECK(line_with("") == "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"\"\n");
    }

    TEST_CASE("inside quotes, quotes and backslashes are escaped and a newline becomes \\n, so "
              "one event stays one line") {
        CHECK(line_with("say \"hi\"") ==
              "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"say \\\"hi\\\"\"\n");
        CHECK(line_with("a\"b") == "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"a\\\"b\"\n");
        CHECK(line_with("c:\\ x") == "2026-11-22T08:15:30.123Z INFO  mqtt m k=\"c:\\\\ x\"\n");
        const std::string forged = line_with("x\n2026-11-22T00:00:00.000Z FATAL fake");
        CHECK(forged == "2026-11-22T08:15:30.123Z INFO  mqtt m "
                        "k=\"x\\n2026-11-22T00:00:00.000Z FATAL fake\"\n");
        CHECK(forged.find('\n') == forged.size() - 1);
    }

    TEST_CASE("fields keep their order and a key may repeat") {
        CHECK(log::format(log::level::debug,
                          "session",
                          "session expired",
                          {{"b", "1"}, {"a", "2"}, {"b", "3"}},
                          example_ms) ==
              "2026-11-22T08:15:30.123Z DEBUG session session expired b=1 a=2 b=3\n");
    }

    TEST_CASE("the threshold decides which levels are enabled; info by default") {
        log::set_threshold(log::level::info);
        CHECK_FALSE(log::enabled(log::level::debug));
        CHECK(log::enabled(log::level::info));
        CHECK(log::enabled(log::level::fatal));
        log::set_threshold(log::level::error);
        CHECK_FALSE(log::enabled(log::level::warn));
        CHECK(log::enabled(log::level::error));
        log::set_threshold(log::level::trace);
        CHECK(log::enabled(log::level::trace));
        log::set_threshold(log::level::info);
    }
}

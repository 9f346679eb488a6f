// Splitting blocks into lines: lines across block boundaries, a last line without newline,
// CRLF, empty lines, a line longer than the block, NUL bytes; and the view parser against the
// owning one.
#include <emqx/diag/log_lines.hpp>
#include <emqx/diag/log_record.hpp>

#include "splitter_feed.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace emqx::diag;

// Feeds `input` in pieces of `piece` bytes into a splitter of `block` bytes; the lines it gives.
std::vector<std::string> split(std::string_view input, std::size_t piece, std::size_t block) {
    line_splitter splitter{block};
    std::vector<std::string> lines;
    feed_splitter(splitter, input, piece, block, [&lines](std::string_view line) { lines.emplace_back(line); });
    return lines;
}

} // namespace

TEST_SUITE("diag::line_splitter") {
    TEST_CASE("lines cut across blocks come out whole, whatever the piece size") {
        const std::string input = "first line\nsecond, a bit longer line\nthird\n";
        const std::vector<std::string> expected{"first line", "second, a bit longer line", "third"};
        for (const std::size_t piece : {1UL, 2UL, 3UL, 7UL, 16UL, 1000UL}) {
            CAPTURE(piece);
            CHECK(split(input, piece, 8) == expected);
            CHECK(split(input, piece, 4096) == expected);
        }
    }

    TEST_CASE("a last line without newline is returned; a final newline adds no empty line") {
        CHECK(split("a\nb", 1, 4) == std::vector<std::string>{"a", "b"});
        CHECK(split("a\nb\n", 1, 4) == std::vector<std::string>{"a", "b"});
        CHECK(split("", 1, 4).empty());
        CHECK(split("2026-11-22T08:0", 5, 4) == std::vector<std::string>{"2026-11-22T08:0"});
    }

    TEST_CASE("CRLF keeps its carriage return; empty lines are lines; NUL bytes stay in the line") {
        CHECK(split("a\r\nb\r\n", 3, 4) == std::vector<std::string>{"a\r", "b\r"});
        CHECK(split("\n\nx\n\n", 2, 4) == std::vector<std::string>{"", "", "x", ""});
        const std::string with_nul{"a\0b\nc\0\n", 7};
        const auto lines = split(with_nul, 2, 4);
        REQUIRE(lines.size() == 2);
        CHECK(lines[0] == std::string{"a\0b", 3});
        CHECK(lines[1] == std::string{"c\0", 2});
    }

    TEST_CASE("a line much longer than the block grows the buffer and comes out whole") {
        const std::string long_line(100'000, 'x');
        const std::string input = "short\n" + long_line + "\nafter\n" + long_line;
        const auto lines = split(input, 4096, 64);
        REQUIRE(lines.size() == 4);
        CHECK(lines[0] == "short");
        CHECK(lines[1] == long_line);
        CHECK(lines[2] == "after");
        CHECK(lines[3] == long_line);
    }
}

TEST_SUITE("diag::parse_line_view") {
    TEST_CASE("views give the same event as parse_line, escaped values decoded on demand") {
        const std::string line =
            R"(2026-11-22T08:00:00.000Z ERROR http request failed error="a \"b\" c\\d\ne\x41" path=/x bare)";
        log_view view;
        REQUIRE_FALSE(parse_line_view(line, view).has_value());
        const auto record = parse_line(line);
        REQUIRE(record.has_value());
        CHECK(view.unix_ms == record.value().unix_ms);
        CHECK(view.component == "http");
        CHECK(view.message == "request failed");
        std::string scratch;
        CHECK(view.field("error", scratch) == record.value().field("error"));
        CHECK(view.field("error", scratch) == "a \"b\" c\\d\neA");
        CHECK(view.field("path", scratch) == "/x");
        CHECK(view.field("missing", scratch).empty());
        CHECK(view.to_record().fields == record.value().fields);
    }

    TEST_CASE("truncated, binary and blank lines fail as parse_line fails") {
        log_view view;
        for (const std::string& line :
             {std::string{"2026-11-22T08:0"}, std::string{"2026-11-22T08:00:00.000Z INFO mqtt m a=\"open"},
              std::string{"2026-11-22T08:00:00.000Z INFO mqtt \0\x01 tail", 36},
              std::string{"2026-11-22T08:00:00.000Z INFO mqtt m\x7F"}, std::string{" \t "},
              std::string{"\r"}, std::string{"{\"ts\":"}}) {
            CAPTURE(line);
            const auto failure = parse_line_view(line, view);
            REQUIRE(failure.has_value());
            CHECK(*failure == parse_line(line).error());
        }
        CHECK(parse_line_view("\t", view) == parse_failure::blank);
        CHECK(parse_line_view(std::string{"2026-11-22T08:00:00.000Z INFO\tmqtt m"}, view) ==
              parse_failure::bad_level);
    }
}

// Reading log files: plain, gzip, damaged gzip, empty, without a final newline; following
// a file across truncation and rotation.
#include <emqx/diag/log_source.hpp>
#include <emqx/diag/tail.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace emqx::diag;

const fs::path fixtures = (fs::path{__FILE__}.parent_path() / "../../data/logs").lexically_normal();

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = "/tmp/emqx-diag-source-XXXXXX";
        path = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string read_all(const fs::path& p) {
    std::ifstream in{p, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

} // namespace

TEST_SUITE("diag::line_reader") {
    TEST_CASE("a gzip file reads like the plain one, the last line without newline included") {
        auto gz = line_reader::open(fixtures / "node2.log.json.gz");
        REQUIRE(gz.has_value());
        std::string line;
        int lines = 0;
        while (gz.value().next(line)) {
            ++lines;
        }
        CHECK(lines == 8);
        CHECK(gz.value().error().empty());
        auto plain = line_reader::open(fixtures / "node1.log");
        REQUIRE(plain.has_value());
        std::string last;
        while (plain.value().next(line)) {
            last = line;
        }
        CHECK(last == "2026-11-22T08:0");
    }

    TEST_CASE("a damaged gzip file is read up to the damage and says so") {
        temp_dir dir;
        const std::string bytes = read_all(fixtures / "node2.log.json.gz");
        std::ofstream{dir.path / "cut.log.gz", std::ios::binary} << bytes.substr(0, bytes.size() / 2);
        merged_logs logs{{dir.path / "cut.log.gz"}};
        int records = 0;
        while (logs.next()) {
            ++records;
        }
        CHECK(records < 8);
        CHECK_FALSE(logs.stats()[0].error.empty());
    }

    TEST_CASE("an empty file, a missing file and a directory give no records and no crash") {
        temp_dir dir;
        std::ofstream{dir.path / "empty.log"};
        merged_logs logs{{dir.path / "empty.log", dir.path / "missing.log"}};
        CHECK_FALSE(logs.next().has_value());
        CHECK(logs.stats()[0].error.empty());
        CHECK_FALSE(logs.stats()[1].error.empty());
        CHECK_FALSE(line_reader::open(dir.path).has_value());
    }

    TEST_CASE("a directory expands to its log files, sorted") {
        const auto files = expand_log_paths({fixtures.string()});
        REQUIRE(files.size() == 3);
        CHECK(files[0].filename() == "node1.log");
        CHECK(files[2].filename() == "node3.log.1");
    }
}

TEST_SUITE("diag::log_follower") {
    TEST_CASE("appended lines come out; truncation and rotation restart from the new start") {
        temp_dir dir;
        const auto log = dir.path / "n1.log";
        std::ofstream{log} << "2026-11-22T08:00:00.000Z INFO  mqtt before\n";
        log_follower follower{{log}};
        CHECK(follower.poll().empty());
        std::ofstream{log, std::ios::app} << "2026-11-22T08:00:01.000Z INFO  mqtt one\n2026-11-22T08:00:02.000Z INFO  mqtt tw";
        auto got = follower.poll();
        REQUIRE(got.size() == 1);
        CHECK(got[0].message == "one");
        CHECK(got[0].node == "n1");
        std::ofstream{log, std::ios::app} << "o\n";
        got = follower.poll();
        REQUIRE(got.size() == 1);
        CHECK(got[0].message == "two");
        std::ofstream{log, std::ios::trunc} << "2026-11-22T08:00:03.000Z INFO  mqtt truncated\n";
        got = follower.poll();
        REQUIRE(got.size() == 1);
        CHECK(got[0].message == "truncated");
        fs::rename(log, dir.path / "n1.log.1");
        std::ofstream{log} << "2026-11-22T08:00:04.000Z INFO  mqtt rotated\n";
        got = follower.poll();
        REQUIRE(got.size() == 1);
        CHECK(got[0].message == "rotated");
    }
}

TEST_SUITE("diag::format_line") {
    TEST_CASE("a line printed by log tail carries no control character, and parses back") {
        // A user name with an ESC sequence (emqxd writes it as \x1b, the parser decodes it)
        // must not reach the terminal as one.
        log_record r;
        r.unix_ms = 1795334400000;
        r.level = log_level::warn;
        r.component = "auth";
        r.message = "authentication failed";
        r.fields = {{"username", "\x1b]0;pwned\x07\x1b[2J"},
                    {"peer", "10.0.0.1:5"},
                    {"note", "two\nlines"}};
        r.node = "node1";
        const std::string text = format_line(r, false, false);
        CHECK_FALSE(has_control(text));
        CHECK(
            text ==
            R"(2026-11-22T08:00:00.000Z WARN  auth authentication failed username="\x1b]0;pwned\x07\x1b[2J" peer=10.0.0.1:5 note="two\nlines")");
        const auto back = parse_line(text);
        REQUIRE(back.has_value());
        CHECK(back.value().fields == r.fields);
        CHECK_FALSE(has_control(format_line(r, true, false)));
    }
}

TEST_SUITE("diag::line_pattern") {
    TEST_CASE("--grep patterns are POSIX extended expressions, and a long line cannot crash one") {
        const auto sensor = line_pattern::compile("client_id=sensor-[0-9]+");
        REQUIRE(sensor.has_value());
        CHECK(sensor.value().found_in("x client_id=sensor-42 y"));
        CHECK_FALSE(sensor.value().found_in("x client_id=sensor- y"));
        const auto bad = line_pattern::compile("(a");
        REQUIRE_FALSE(bad.has_value());
        CHECK_FALSE(bad.error().empty());
        // std::regex recursed once per character on this and overflowed the stack (SIGSEGV)
        // on a 200 KB line; glibc's matcher does not.
        const auto alternation = line_pattern::compile("(a|b)*x");
        REQUIRE(alternation.has_value());
        const std::string line = "detail=" + std::string(200'000, 'a');
        CHECK_FALSE(alternation.value().found_in(line));
        CHECK(alternation.value().found_in(line + "x"));
        const line_pattern copy = alternation.value(); // shares the compiled expression
        CHECK(copy.found_in("abx"));
    }
}

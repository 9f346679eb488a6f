// Log analysis on the fixture logs in tests/data/logs, whose counts are known exactly: a text
// log with bad lines, a gzip JSON log of a second node, a rotated file with binary garbage.
#include "log_fast_support.hpp"

#include <emqx/client/json_text.hpp>
#include <emqx/diag/analyze.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

using namespace emqx::diag;

std::string fixtures() {
    return (std::filesystem::path{__FILE__}.parent_path() / "../../data/logs").lexically_normal().string();
}

std::string fixture(const char* name) {
    return fixtures() + "/" + name;
}

bool has_finding(const analysis& a, severity s, std::string_view text) {
    return std::any_of(a.findings.begin(), a.findings.end(), [&](const finding& f) {
        return f.level == s && f.title.find(text) != std::string::npos;
    });
}

analyze_options options_with(void (*change)(analyze_options&)) {
    analyze_options o;
    change(o);
    return o;
}

std::uint64_t level_count(const analysis& a, log_level l) {
    return a.levels[static_cast<std::size_t>(l)];
}

std::uint64_t message_count(const analysis& a, std::string_view message) {
    const auto it = std::find_if(a.top_messages.begin(),
                                 a.top_messages.end(),
                                 [&](const message_stats& m) { return m.message == message; });
    return it == a.top_messages.end() ? 0 : it->count;
}

// A directory that goes away with the test.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        std::string pattern = "/tmp/emqx-diag-analyze-XXXXXX";
        path = ::mkdtemp(pattern.data());
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

} // namespace

TEST_SUITE("diag::analyze") {
    TEST_CASE("a file's analysis is the same through the fast paths as through records") {
        // analyze_files reads each line with the fast path and the file's line shapes, and
        // finds a shaped line's message by its shape; analyzer::add(log_record) takes every
        // line through the full parser and hashes its message. On realistic and mutated lines
        // the two reports must be identical, to the last count.
        namespace lfs = log_fast_support;
        lfs::rng r{0x5eed'0006};
        lfs::line_generator generator{r};
        temp_dir dir;
        const auto path = dir.path / "node1.log";
        {
            std::ofstream out{path, std::ios::binary};
            for (std::size_t i = 0; i < 6000; ++i) {
                const lfs::line_parts p = generator.next();
                out << (r.chance(15) ? lfs::mutate(r, p) : p.text()) << '\n';
            }
        }
        analyze_options o;
        o.flap_threshold = 2;
        o.auth_failure_threshold = 1;
        o.top = 50;
        const auto fast = analyze_files({path.string()}, o);
        REQUIRE(fast.files.size() == 1);
        analyzer slow{o};
        std::ifstream in{path, std::ios::binary};
        std::size_t parsed = 0;
        for (std::string line; std::getline(in, line);) {
            if (auto record = parse_line(line)) {
                record.value().node = fast.files[0].node;
                slow.add(record.value());
                ++parsed;
            }
        }
        const auto by_records = slow.finish(fast.files, fast.bad_lines);
        CHECK(parsed == fast.records);
        CHECK(fast.records > 5000);
        CHECK(fast.unparsable > 20); // some mutations are not log lines: both skip them
        CHECK(fast.disconnect_reasons.size() > 3);
        CHECK(fast.top_messages.size() > 10);
        // json_text: mutated lines carry bytes that are not UTF-8.
        CHECK(emqx::client::json_text(to_json(fast), 1) ==
              emqx::client::json_text(to_json(by_records), 1));
    }

    TEST_CASE("two files whose line shapes are numbered differently are counted apart") {
        // Each file's parser numbers the shapes it meets in its own order: shape 1 is a
        // connect in one file and a session expiry in the other. The analyzer remembers each
        // shape's message per file, so the merged lines must still land on their own messages.
        temp_dir dir;
        std::ofstream a{dir.path / "node1.log"};
        std::ofstream b{dir.path / "node2.log"};
        for (int i = 0; i < 6; ++i) {
            const std::string ts = "2026-11-22T08:00:0" + std::to_string(i);
            a << ts
              << ".100Z INFO  mqtt client connected client_id=c1 peer=10.0.0.1:1000 version=5\n";
            a << ts
              << ".200Z WARN  auth authentication failed client_id=c1 username=bob "
                 "peer=10.2.0.1:5 reason=bad_password\n";
            b << ts << ".150Z DEBUG session session expired client_id=c2\n";
            b << ts << ".250Z ERROR http request failed path=/x error=\"handler threw\"\n";
        }
        a.close();
        b.close();
        const auto r = analyze_files({dir.path.string()}, {});
        CHECK(r.records == 24);
        CHECK(message_count(r, "client connected") == 6);
        CHECK(message_count(r, "authentication failed") == 6);
        CHECK(message_count(r, "session expired") == 6);
        CHECK(message_count(r, "request failed") == 6);
        CHECK(r.components.at("mqtt") == 6);
        CHECK(r.components.at("session") == 6);
        CHECK(level_count(r, log_level::error) == 6);
        CHECK(r.flapping_clients == std::map<std::string, std::uint64_t>{{"c1", 6}});
        CHECK(r.auth_failures_by_username == std::map<std::string, std::uint64_t>{{"bob", 6}});
        CHECK(r.errors_per_minute.size() == 1);
    }

    TEST_CASE("a directory of three nodes' logs is counted exactly") {
        const auto a = analyze_files({fixtures()}, {});
        REQUIRE(a.files.size() == 3);
        CHECK(a.records == 32);
        CHECK(a.unparsable == 4);
        CHECK(level_count(a, log_level::trace) == 0);
        CHECK(level_count(a, log_level::debug) == 1);
        CHECK(level_count(a, log_level::info) == 19);
        CHECK(level_count(a, log_level::warn) == 9);
        CHECK(level_count(a, log_level::error) == 2);
        CHECK(level_count(a, log_level::fatal) == 1);
        CHECK(a.components.at("mqtt") == 13);
        CHECK(a.components.at("cluster") == 7);
        CHECK(a.components.at("auth") == 6);
        CHECK(a.components.at("config") == 3);
        CHECK(a.components.at("http") == 2);
        CHECK(a.components.at("session") == 1);
        CHECK(a.categories.errors == 3);
        CHECK(a.categories.connections == 18);
        CHECK(a.categories.auth == 6);
        CHECK(a.categories.cluster == 7);
        CHECK(a.categories.performance == 3);
        CHECK(a.nodes == std::set<std::string>{"node1", "node2", "node3"});
    }

    TEST_CASE("per-file stats name the node from the log or the file name") {
        const auto a = analyze_files({fixture("node1.log"), fixture("node2.log.json.gz"),
                                      fixture("node3.log.1")}, {});
        REQUIRE(a.files.size() == 3);
        CHECK(a.files[0].node == "node1");
        CHECK(a.files[0].lines == 27);
        CHECK(a.files[0].parsed == 23);
        CHECK(a.files[0].unparsable == 3);
        CHECK(a.files[1].node == "node2");
        CHECK(a.files[1].parsed == 8);
        CHECK(a.files[2].node == "node3");
        CHECK(a.files[2].unparsable == 1);
        CHECK(a.first_ms == parse_timestamp("2026-11-22T07:59:00.000Z"));
        CHECK(a.last_ms == parse_timestamp("2026-11-22T08:05:30.000Z"));
    }

    TEST_CASE("MQTT events become findings with severities and hints") {
        const auto a = analyze_files({fixtures()}, {});
        CHECK(a.auth_failures_by_peer.at("10.0.0.7") == 6);
        CHECK(a.auth_failures_by_username.at("bob") == 6);
        CHECK(a.flapping_clients.at("flappy") == 5);
        CHECK(a.takeovers.at("dup") == 1);
        CHECK(a.disconnect_reasons.at("normal") == 5);
        CHECK(a.disconnect_reasons.at("malformed_packet") == 1);
        CHECK(a.protocol_errors.at("malformed_packet") == 1);
        CHECK(a.cluster_links.at("node1") == std::pair<std::uint64_t, std::uint64_t>{3, 3});
        CHECK(a.cluster_ids == std::set<std::string>{"emqxd", "emqxd-b"});
        CHECK(has_finding(a, severity::critical, "multiple cluster IDs detected"));
        CHECK(has_finding(a, severity::warning, "6 authentication failures from 10.0.0.7"));
        CHECK(has_finding(a, severity::warning, "flappy"));
        CHECK(has_finding(a, severity::warning, "cluster link to node1 went down 3 times"));
        CHECK(has_finding(a, severity::info, "4 lines could not be parsed"));
        CHECK(a.findings.size() == 9);
        CHECK(std::all_of(a.findings.begin(), a.findings.end(), [](const finding& f) { return !f.hint.empty(); }));
        CHECK(a.exit_status() == 2);
    }

    TEST_CASE("top messages are grouped and counted, latest errors kept in time order") {
        const auto a = analyze_files({fixtures()}, options_with([](analyze_options& o) { o.top = 3; }));
        REQUIRE(a.top_messages.size() == 3);
        CHECK(a.top_messages[0].message == "authentication failed");
        CHECK(a.top_messages[0].count == 6);
        CHECK(a.top_messages[0].nodes == std::set<std::string>{"node1"});
        REQUIRE(a.latest_errors.size() == 3);
        CHECK(a.latest_errors[1].level == log_level::fatal);
        CHECK(a.latest_errors[2].field("error") == "boom 43");
        REQUIRE(a.errors_per_minute.size() == 3);
        CHECK(a.errors_per_minute.begin()->first == *parse_timestamp("2026-11-22T08:03:00Z"));
    }

    TEST_CASE("a time window and a node filter restrict what is counted") {
        const auto window = analyze_files({fixtures()}, options_with([](analyze_options& o) {
            o.since_ms = parse_timestamp("2026-11-22T08:02:00Z");
            o.until_ms = parse_timestamp("2026-11-22T08:03:00Z");
        }));
        CHECK(window.records == 12);
        CHECK(window.exit_status() == 1);
        const auto node2 = analyze_files({fixtures()}, options_with([](analyze_options& o) { o.nodes = {"node2"}; }));
        CHECK(node2.records == 8);
    }

    TEST_CASE("the JSON report carries the schema and the counts") {
        const auto doc = to_json(analyze_files({fixtures()}, {}));
        CHECK(doc["schema"] == "emqxctl.log/1");
        CHECK(doc["status"] == "critical");
        CHECK(doc["records"] == 32);
        CHECK(doc["levels"]["WARN"] == 9);
        CHECK(doc["categories"]["performance"] == 3);
        CHECK(doc["unparsable_examples"].size() == 4);
        CHECK(doc["errors_per_minute"].size() == 3);
        const auto text = to_text(analyze_files({fixtures()}, {}), false);
        CHECK(text.find("multiple cluster IDs detected") != std::string::npos);
        CHECK(text.find("\x1b[") == std::string::npos);
    }

    TEST_CASE("nothing readable is UNKNOWN; an empty log is too") {
        CHECK(analyze_files({"/nonexistent/emqxd.log"}, {}).exit_status() == 3);
        CHECK(analyze_files({"/dev/null"}, {}).exit_status() == 3);
        CHECK(analyze_files({fixture("node3.log.1")}, {}).exit_status() == 0);
    }
}

TEST_SUITE("diag::normalize_message") {
    TEST_CASE("numbers, ids and addresses are masked so that one event groups") {
        CHECK(normalize_message("retry 3 of 10.0.0.1:1883 id 9f8e7d6c5b4a") == "retry <n> of <addr> id <id>");
        CHECK(normalize_message("client c123 gone.") == "client c<n> gone.");
        CHECK(normalize_message("peer connected") == "peer connected");
    }
}

TEST_SUITE("diag::time_bounds") {
    TEST_CASE("durations and timestamps are accepted for --since") {
        CHECK(parse_duration_ms("30m") == 1'800'000);
        CHECK(parse_duration_ms("2h") == 7'200'000);
        CHECK(parse_duration_ms("1d") == 86'400'000);
        CHECK(parse_duration_ms("90") == 90'000);
        CHECK_FALSE(parse_duration_ms("5x").has_value());
        CHECK_FALSE(parse_duration_ms("m").has_value());
        CHECK(parse_time_bound("1h", 10'000'000) == 10'000'000 - 3'600'000);
        CHECK(parse_time_bound("2026-11-22", 0) == parse_timestamp("2026-11-22T00:00:00Z"));
        CHECK(parse_time_bound("2026-11-22T08:00:00", 0) == parse_timestamp("2026-11-22T08:00:00Z"));
        CHECK_FALSE(parse_time_bound("yesterday", 0).has_value());
    }
}

// collect() with no node to ask: logs windowed and capped with the newest kept, configs and
// logs redacted with the same placeholders, the unreachable seed recorded as missing.
#include <emqx/diag/bundle.hpp>
#include <emqx/diag/collect.hpp>
#include <emqx/diag/log_record.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/time.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace emqx::diag;

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = "/tmp/emqx-diag-collect-XXXXXX";
        path = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string log_lines(int minute, int count) {
    std::string text;
    for (int i = 0; i < count; ++i) {
        char line[128];
        std::snprintf(line, sizeof line, "2026-11-22T08:%02d:%02d.000Z INFO  mqtt client connected client_id=c%d\n",
                      minute, i % 60, i);
        text += line;
    }
    return text;
}

std::map<std::string, std::string> contents(const fs::path& bundle) {
    std::map<std::string, std::string> by_name;
    const auto files = read_tar_gz(bundle);
    REQUIRE(files.has_value());
    for (const auto& f : files.value()) {
        by_name[f.name] = f.content;
    }
    return by_name;
}

} // namespace

TEST_SUITE("diag::collect") {
    TEST_CASE("logs are cut to --since and to the size cap keeping the newest file and lines") {
        temp_dir dir;
        fs::create_directory(dir.path / "logs");
        std::ofstream{dir.path / "logs/old.log"} << log_lines(1, 50);
        std::ofstream{dir.path / "logs/new.log"} << log_lines(2, 50) << log_lines(3, 50);
        // old.log is older on disk, so the cap drops it first.
        fs::last_write_time(dir.path / "logs/old.log", fs::last_write_time(dir.path / "logs/new.log") - std::chrono::hours(1));
        collect_options o;
        o.out = dir.path / "b.tar.gz";
        o.log_paths = {dir.path / "logs"};
        o.since_ms = parse_timestamp("2026-11-22T08:02:30Z");
        o.max_log_bytes = 40 * 70; // about 40 lines
        o.metrics_interval = std::chrono::milliseconds{0};
        const auto r = collect(o);
        REQUIRE(r.has_value());
        const auto files = contents(dir.path / "b.tar.gz");
        REQUIRE(files.count("logs/new.log") == 1);
        CHECK(files.count("logs/old.log") == 0);
        const auto& kept = files.at("logs/new.log");
        CHECK(kept.size() <= o.max_log_bytes);
        CHECK(kept.find("08:02:") == std::string::npos);          // before --since
        CHECK(kept.find("client_id=c49\n") != std::string::npos);  // the newest line
        CHECK(kept.front() == '2');                                // starts at a line
        CHECK(files.at("summary.txt").find("--max-log-size") != std::string::npos);
        CHECK(files.at("summary.txt").find("no node answered") != std::string::npos);
    }

    TEST_CASE("files of the same name from different directories are all kept") {
        // Three nodes' directories each hold an emqxd.log and an emqxd.yaml: the second and
        // third of a name get ".2" and ".3" instead of overwriting the first.
        temp_dir dir;
        std::vector<fs::path> logs;
        for (int n = 1; n <= 3; ++n) {
            const fs::path node = dir.path / ("node" + std::to_string(n));
            fs::create_directory(node);
            std::ofstream{node / "emqxd.log"} << log_lines(n, 1);
            std::ofstream{node / "emqxd.yaml"} << "node:\n  name: node" << n << "\n";
            logs.push_back(node / "emqxd.log");
        }
        collect_options o;
        o.out = dir.path / "b.tar.gz";
        o.log_paths = logs;
        o.config_files = {dir.path / "node1/emqxd.yaml",
                          dir.path / "node2/emqxd.yaml",
                          dir.path / "node3/emqxd.yaml"};
        o.metrics_interval = std::chrono::milliseconds{0};
        REQUIRE(collect(o).has_value());
        const auto files = contents(dir.path / "b.tar.gz");
        std::set<std::string> times;
        for (const char* name : {"logs/emqxd.log", "logs/emqxd.log.2", "logs/emqxd.log.3"}) {
            REQUIRE(files.count(name) == 1);
            times.insert(files.at(name).substr(0, 16)); // each node's own minute
        }
        CHECK(times.size() == 3);
        std::set<std::string> configs;
        for (const char* name :
             {"config/emqxd.yaml", "config/emqxd.yaml.2", "config/emqxd.yaml.3"}) {
            REQUIRE(files.count(name) == 1);
            configs.insert(files.at(name));
        }
        CHECK(configs.size() == 3);
    }

    TEST_CASE("a log whose name and lines are not UTF-8 is collected, and the manifest is JSON") {
        // nlohmann's dump() throws on such a string: the whole bundle was lost to one byte.
        temp_dir dir;
        const std::string odd = "node1-\xff.log";
        std::ofstream{dir.path / odd}
            << "2026-11-22T08:00:00.000Z WARN  auth authentication failed "
               "username=b\xffob peer=10.0.0.1:5\n";
        collect_options o;
        o.out = dir.path / "b.tar.gz";
        o.log_paths = {dir.path / odd};
        o.metrics_interval = std::chrono::milliseconds{0};
        REQUIRE(collect(o).has_value());
        const auto files = contents(dir.path / "b.tar.gz");
        // The entry's name is ASCII (archive_name), the same in the manifest; the source
        // keeps the real path, its odd byte as U+FFFD in the JSON.
        const std::string entry = "logs/node1-%FF.log";
        REQUIRE(files.count(entry) == 1);
        CHECK(files.at(entry).find("b\xffob") != std::string::npos); // the log as it is
        const auto manifest = nlohmann::json::parse(files.at("manifest.json"), nullptr, false);
        REQUIRE_FALSE(manifest.is_discarded());
        const auto& listed = manifest.at("files");
        const auto it = std::find_if(
            listed.begin(), listed.end(), [&](const auto& f) { return f.at("name") == entry; });
        REQUIRE(it != listed.end());
        CHECK(it->at("source").template get<std::string>().find("node1-\xef\xbf\xbd.log") !=
              std::string::npos);
    }

    TEST_CASE("archive names keep printable ASCII and encode every other byte") {
        CHECK(archive_name("logs/emqxd.log.2") == "logs/emqxd.log.2");
        CHECK(archive_name("my log.log") == "my log.log");
        CHECK(archive_name("100%.log") == "100%25.log"); // so that decoding is unambiguous
        CHECK(archive_name("node1-\xff.log") == "node1-%FF.log");
        CHECK(archive_name("\xe8\x8a\x82.log") == "%E8%8A%82.log");
        CHECK(archive_name(std::string{"a\0b\n", 4}) == "a%00b%0A");
    }

    TEST_CASE("a secret of a config is redacted in the logs with the same placeholder") {
        temp_dir dir;
        std::ofstream{dir.path / "emqxd.yaml"} << "cluster:\n  cookie: \"Very-Secret-Cookie-1\"\n";
        std::ofstream{dir.path / "n1.log"} << "2026-11-22T08:00:00.000Z WARN  cluster peer refused detail=\"bad Very-Secret-Cookie-1\"\n";
        collect_options o;
        o.out = dir.path / "b.tar.gz";
        o.log_paths = {dir.path / "n1.log"};
        o.config_files = {dir.path / "emqxd.yaml", dir.path / "missing.yaml"};
        const auto r = collect(o);
        REQUIRE(r.has_value());
        const auto files = contents(dir.path / "b.tar.gz");
        CHECK(files.at("config/emqxd.yaml") == "cluster:\n  cookie: \"<redacted:1>\"\n");
        CHECK(files.at("logs/n1.log").find("bad <redacted:1>") != std::string::npos);
        CHECK(files.at("manifest.json").find("missing.yaml") != std::string::npos);
    }

    TEST_CASE("--no-redact keeps the secrets and says so in the summary") {
        temp_dir dir;
        std::ofstream{dir.path / "emqxd.yaml"} << "cluster:\n  cookie: \"Very-Secret-Cookie-1\"\n";
        collect_options o;
        o.out = dir.path / "b.tar.gz";
        o.config_files = {dir.path / "emqxd.yaml"};
        o.redact = false;
        REQUIRE(collect(o).has_value());
        const auto files = contents(dir.path / "b.tar.gz");
        CHECK(files.at("config/emqxd.yaml").find("Very-Secret-Cookie-1") != std::string::npos);
        CHECK(files.at("summary.txt").find("NOT REDACTED") != std::string::npos);
    }
}

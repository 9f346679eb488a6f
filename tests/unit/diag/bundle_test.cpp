// The bundle's archive and manifest, and the host readers that work on text (/proc formats).
#include <emqx/diag/bundle.hpp>
#include <emqx/diag/collect.hpp>
#include <emqx/diag/host.hpp>
#include <emqx/diag/sha256.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace emqx::diag;

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = "/tmp/emqx-diag-unit-XXXXXX";
        path = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

} // namespace

TEST_SUITE("diag::bundle") {
    TEST_CASE("a written tar.gz reads back with the same files and no temporary left") {
        temp_dir dir;
        const std::vector<bundle_file> files{{"summary.txt", "hello\n", "test"},
                                             {"nodes/n1/metrics-1.txt", std::string(100000, 'x'), "test"},
                                             {"empty.txt", "", "test"}};
        const auto size = write_tar_gz(dir.path / "b.tar.gz", "b", files);
        REQUIRE(size.has_value());
        CHECK(size.value() == fs::file_size(dir.path / "b.tar.gz"));
        CHECK(std::distance(fs::directory_iterator{dir.path}, fs::directory_iterator{}) == 1);
        const auto back = read_tar_gz(dir.path / "b.tar.gz");
        REQUIRE(back.has_value());
        REQUIRE(back.value().size() == 3);
        CHECK(back.value()[1].name == "nodes/n1/metrics-1.txt");
        CHECK(back.value()[1].content == files[1].content);
        CHECK(back.value()[2].content.empty());
    }

    TEST_CASE("writing into a missing directory fails with a reason") {
        const auto size = write_tar_gz("/nonexistent-dir/b.tar.gz", "b", {});
        REQUIRE_FALSE(size.has_value());
        CHECK(size.error().find("/nonexistent-dir") != std::string::npos);
    }

    TEST_CASE("the manifest lists size, SHA-256 and source of each file and every missing item") {
        const auto m = make_manifest({{"a.txt", "abc", "/proc/x"}}, {{"nodes/n2", "connection refused"}}, true, 0);
        CHECK(m["schema"] == "emqxctl.diag-manifest/1");
        CHECK(m["created_at"] == "1970-01-01T00:00:00.000Z");
        CHECK(m["files"][0]["size"] == 3);
        CHECK(m["files"][0]["sha256"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(m["files"][0]["source"] == "/proc/x");
        CHECK(m["missing"][0]["reason"] == "connection refused");
    }
}

TEST_SUITE("diag::host") {
    TEST_CASE("/proc/net/tcp text gives states and listening addresses") {
        const std::string text =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
            "   0: 0100007F:075B 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0 0 1 1\n"
            "   1: 0100007F:075B 0100007F:C350 01 00000000:00000000 00:00000000 00000000  0 0 2 1\n"
            "   2: 0100007F:075B 0100007F:C351 06 00000000:00000000 00:00000000 00000000  0 0 3 1\n";
        const auto s = parse_proc_net_tcp(text, false);
        CHECK(s.states.at("LISTEN") == 1);
        CHECK(s.states.at("ESTABLISHED") == 1);
        CHECK(s.states.at("TIME_WAIT") == 1);
        REQUIRE(s.listening.size() == 1);
        CHECK(s.listening[0] == "127.0.0.1:1883");
    }

    TEST_CASE("kernel settings below the recommendation are flagged, the port range by its size") {
        temp_dir dir;
        fs::create_directories(dir.path / "net/core");
        fs::create_directories(dir.path / "net/ipv4");
        fs::create_directories(dir.path / "fs");
        std::ofstream{dir.path / "net/core/somaxconn"} << "128\n";
        std::ofstream{dir.path / "fs/file-max"} << "9223372036854775807\n";
        std::ofstream{dir.path / "net/ipv4/ip_local_port_range"} << "32768\t33000\n";
        const auto checks = check_sysctls(dir.path);
        auto find = [&checks](std::string_view name) {
            return *std::find_if(checks.begin(), checks.end(), [name](const auto& c) { return c.name == name; });
        };
        CHECK(find("net.core.somaxconn").below);
        CHECK(find("net.core.somaxconn").value == "128");
        CHECK_FALSE(find("fs.file-max").below);
        CHECK(find("net.ipv4.ip_local_port_range").below);
        CHECK(find("net.ipv4.ip_local_port_range").value == "32768 33000");
        CHECK_FALSE(find("fs.nr_open").below); // unreadable: no finding
        CHECK(find("fs.nr_open").value.empty());
    }
}

TEST_SUITE("diag::collect_options") {
    TEST_CASE("sizes accept K, M, G suffixes and reject anything else") {
        CHECK(parse_size("100M") == 100ULL << 20);
        CHECK(parse_size("2G") == 2ULL << 30);
        CHECK(parse_size("512k") == 512ULL << 10);
        CHECK(parse_size("1048576") == 1048576);
        CHECK_FALSE(parse_size("lots").has_value());
        CHECK_FALSE(parse_size("").has_value());
    }

    TEST_CASE("the default bundle name carries the time") {
        const auto name = default_bundle_name(0);
        CHECK(name.rfind("diagnostics-19", 0) == 0);
        CHECK(name.size() == std::string{"diagnostics-YYYYMMDD-HHMMSS.tar.gz"}.size());
    }

    TEST_CASE("a child's output and exit status are captured; a hung child is killed") {
        const auto [status, out] = run_capture({"/bin/sh", "-c", "echo hi; exit 3"}, std::chrono::seconds{5});
        CHECK(status == 3);
        CHECK(out == "hi\n");
        const auto [killed, none] = run_capture({"/bin/sleep", "30"}, std::chrono::milliseconds{300});
        CHECK(killed == -1);
        CHECK(none.empty());
    }
}

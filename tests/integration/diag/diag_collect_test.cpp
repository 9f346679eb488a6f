// `emqxctl diag collect` against a real emqxd: the bundle holds the expected files, the
// manifest's checksums verify, planted secrets appear nowhere; and with no node running the
// host, logs and configs are still collected with the dead node recorded as missing.
#include "emqxd_process.hpp"
#include "run_command.hpp"

#include <emqx/diag/bundle.hpp>
#include <emqx/diag/sha256.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace {

namespace fs = std::filesystem;

constexpr const char* planted_password = "PlantedPassw0rd-xyz";
constexpr const char* planted_cookie = "PlantedCookie-1234567890abc";

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = "/tmp/emqx-diag-test-XXXXXX";
        path = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out{path};
    out << text;
}

std::string config_text() {
    return std::string{"auth:\n  enabled: true\n  allow_anonymous: true\n  users:\n"
                       "    - username: alice\n      password: \""} +
           planted_password + "\"\n      algorithm: plain\n";
}

/// Runs emqxctl diag collect into dir/bundle.tar.gz and returns the bundle's files by name.
std::map<std::string, std::string> collect(const temp_dir& dir, const std::string& node, int& status) {
    const fs::path bundle = dir.path / "bundle.tar.gz";
    const std::string command = "EMQXCTL_CLUSTER_DIR=" + (dir.path / "no-cluster").string() + " " +
                                EMQXCTL_PATH + " --no-color --timeout 3 --node " + node +
                                " diag collect --out " + bundle.string() + " --since all" +
                                " --metrics-interval 0.2 --log-dir " + (dir.path / "logs").string() +
                                " --config " + (dir.path / "emqxd.yaml").string();
    const auto r = emqx::test::run_command(command);
    status = r.status;
    INFO("emqxctl printed: " << r.output);
    CHECK(r.output.find(bundle.string()) != std::string::npos);
    REQUIRE(fs::exists(bundle));
    CHECK((fs::status(bundle).permissions() & fs::perms::others_read) == fs::perms::none);
    const auto files = emqx::diag::read_tar_gz(bundle);
    REQUIRE(files.has_value());
    std::map<std::string, std::string> by_name;
    for (const auto& f : files.value()) {
        by_name[f.name] = f.content;
    }
    return by_name;
}

void check_manifest(const std::map<std::string, std::string>& files) {
    REQUIRE(files.count("manifest.json") == 1);
    const auto manifest = nlohmann::json::parse(files.at("manifest.json"));
    CHECK(manifest["schema"] == "emqxctl.diag-manifest/1");
    CHECK(manifest["redacted"] == true);
    CHECK(manifest["files"].size() + 1 == files.size());
    for (const auto& entry : manifest["files"]) {
        const std::string name = entry["name"];
        CAPTURE(name);
        REQUIRE(files.count(name) == 1);
        CHECK(entry["size"] == files.at(name).size());
        CHECK(entry["sha256"] == emqx::diag::sha256_hex(files.at(name)));
        CHECK_FALSE(entry["source"].get<std::string>().empty());
    }
}

void check_no_secret(const std::map<std::string, std::string>& files) {
    for (const auto& [name, content] : files) {
        CAPTURE(name);
        CHECK(content.find(planted_password) == std::string::npos);
        CHECK(content.find(planted_cookie) == std::string::npos);
    }
}

} // namespace

TEST_SUITE("integration::diag_collect") {
    TEST_CASE("a bundle from a running node has every part, verifiable checksums and no secret") {
        temp_dir dir;
        write_file(dir.path / "emqxd.yaml", config_text());
        emqx::test::emqxd_process node{{"--config", (dir.path / "emqxd.yaml").string(), "--node-id",
                                        "diagnode", "--set", std::string{"cluster.cookie="} + planted_cookie}};
        const auto http = node.listener_port("http");
        REQUIRE(http != 0);
        fs::create_directory(dir.path / "logs");
        write_file(dir.path / "logs" / "diagnode.log",
                   node.log() + "2026-11-22T08:00:00.000Z WARN  cluster peer refused detail=\"cookie " +
                       planted_cookie + " rejected\"\n");
        int status = -1;
        const auto files = collect(dir, "127.0.0.1:" + std::to_string(http), status);
        CHECK((status == 0 || status == 1));
        for (const char* name :
             {"summary.txt", "health.json", "nodes/diagnode/status.json", "nodes/diagnode/cluster.json",
              "nodes/diagnode/ready.json", "nodes/diagnode/routes.json", "nodes/diagnode/clients.json",
              "nodes/diagnode/config.json", "nodes/diagnode/metrics-1.txt", "nodes/diagnode/metrics-2.txt",
              "host/system.txt", "host/meminfo.txt", "host/disk.txt", "host/sysctl.txt", "host/network.txt",
              "logs/diagnode.log", "config/emqxd.yaml"}) {
            CHECK_MESSAGE(files.count(name) == 1, name);
        }
        const std::string pid = std::to_string(node.pid());
        CHECK(files.count("host/processes/emqxd-" + pid + "/cmdline.txt") == 1);
        CHECK(files.count("host/processes/emqxd-" + pid + "/open_files.txt") == 1);
        CHECK(files.at("config/emqxd.yaml").find("password: \"<redacted:") != std::string::npos);
        CHECK(files.at("logs/diagnode.log").find("listener started") != std::string::npos);
        CHECK(files.at("nodes/diagnode/metrics-1.txt").find("emqx_") != std::string::npos);
        check_manifest(files);
        check_no_secret(files);
        node.stop();
    }

    TEST_CASE("with every node down the host, logs and configs are collected and the node is missing") {
        temp_dir dir;
        write_file(dir.path / "emqxd.yaml", config_text());
        fs::create_directory(dir.path / "logs");
        write_file(dir.path / "logs" / "node1.log", "2026-11-22T08:00:00.000Z INFO  mqtt stopped\n");
        int status = -1;
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        const auto files = collect(dir, "127.0.0.1:1", status);
        CHECK(status == 1);
        CHECK(files.count("logs/node1.log") == 1);
        CHECK(files.count("config/emqxd.yaml") == 1);
        CHECK(files.count("host/system.txt") == 1);
        CHECK(files.at("summary.txt").find("127.0.0.1:1 did not answer") != std::string::npos);
        const auto manifest = nlohmann::json::parse(files.at("manifest.json"));
        const auto& missing = manifest["missing"];
        CHECK(std::any_of(missing.begin(), missing.end(), [](const nlohmann::json& m) {
            return m["item"] == "nodes/127.0.0.1:1" && !m["reason"].get<std::string>().empty();
        }));
        check_manifest(files);
        check_no_secret(files);
    }
}

// `emqxctl diag collect` on a real 3-node cluster started by `emqxctl cluster start`: nodes
// found from the cluster file, their logs taken, a stopped node recorded as missing, and the
// cluster cookie (also planted in a log line) nowhere in the bundle.
#include "local_cluster.hpp"

#include <emqx/diag/bundle.hpp>
#include <emqx/diag/sha256.hpp>

#include <doctest/doctest.h>

#include <emqx/health/cluster_file.hpp>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <map>

using namespace emqx::test;

TEST_SUITE("integration::diag_cluster") {
    TEST_CASE("a bundle of a 3-node cluster with one node stopped") {
        local_cluster cluster{3};
        const auto started = cluster.start("--timeout 30");
        REQUIRE_MESSAGE(started.status == 0, started.output);
        std::ifstream cookie_file{cluster.dir() / "cookie"};
        std::string cookie;
        std::getline(cookie_file, cookie);
        REQUIRE(cookie.size() >= 16);
        const auto file = emqx::health::read_cluster_file(cluster.dir());
        REQUIRE(file.has_value());
        REQUIRE(file.value().nodes.size() == 3);
        const auto& node3 = file.value().nodes[2];
        ::kill(node3.pid, SIGKILL);
        {
            std::ofstream log{file.value().nodes[0].log, std::ios::app};
            log << "2099-01-01T00:00:00.000Z WARN  cluster peer refused detail=\"cookie " << cookie << "\"\n";
        }
        const auto bundle = cluster.dir() / "bundle.tar.gz";
        const auto r = run_command("EMQXCTL_CLUSTER_DIR=" + cluster.dir().string() + " " +
                                   emqxctl("--timeout 3 diag collect --out " + bundle.string() +
                                           " --metrics-interval 0.2 --since all --no-health"));
        INFO(r.output);
        CHECK(r.status == 1);
        const auto files = emqx::diag::read_tar_gz(bundle);
        REQUIRE(files.has_value());
        std::map<std::string, std::string> by_name;
        for (const auto& f : files.value()) {
            by_name[f.name] = f.content;
        }
        for (const auto& n : {file.value().nodes[0], file.value().nodes[1]}) {
            CAPTURE(n.node_id);
            CHECK(by_name.count("nodes/" + n.node_id + "/status.json") == 1);
            CHECK(by_name.count("nodes/" + n.node_id + "/metrics-2.txt") == 1);
            CHECK(by_name.count("logs/" + std::filesystem::path{n.log}.filename().string()) == 1);
        }
        const auto manifest = nlohmann::json::parse(by_name.at("manifest.json"));
        const auto& missing = manifest["missing"];
        CHECK(std::any_of(missing.begin(), missing.end(), [&node3](const nlohmann::json& m) {
            return m["item"] == "nodes/" + node3.http && m["reason"].get<std::string>().find("refused") != std::string::npos;
        }));
        for (const auto& entry : manifest["files"]) {
            CHECK(entry["sha256"] == emqx::diag::sha256_hex(by_name.at(entry["name"])));
        }
        for (const auto& [name, content] : by_name) {
            CAPTURE(name);
            CHECK(content.find(cookie) == std::string::npos);
        }
    }
}

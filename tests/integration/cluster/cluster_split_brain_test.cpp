// `emqxctl cluster status` against a cluster that a node of another cluster id tries to join:
// the intruder is refused, and status reports the split brain as CRITICAL (2).
#include "emqxd_process.hpp"
#include "local_cluster.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace emqx::test;

TEST_SUITE("integration::cluster_split_brain") {
    TEST_CASE("a node with another cluster id is a split brain that status names, exit 2") {
        local_cluster cluster{2};
        const auto started = cluster.start("--timeout 30");
        REQUIRE_MESSAGE(started.status == 0, started.output);
        std::ifstream cookie_file{cluster.dir() / "cookie"};
        std::string cookie;
        std::getline(cookie_file, cookie);
        const std::string node1_cluster = "127.0.0.1:" + std::to_string(cluster.base_port() + 1);
        emqxd_process intruder{{"--node-id", "intruder", "--set", "cluster.name=other",
                                "--set", "cluster.cookie=" + cookie,
                                "--set", "cluster.peers=" + node1_cluster}};
        const auto intruder_http = intruder.listener_port("http");
        REQUIRE(intruder_http != 0);
        const std::string nodes = "--node 127.0.0.1:" + std::to_string(cluster.base_port() + 2) +
                                  " --node 127.0.0.1:" + std::to_string(cluster.base_port() + 6) +
                                  " --node 127.0.0.1:" + std::to_string(intruder_http);
        // The refusal takes a handshake: ask until it shows, a bounded number of times.
        command_result r;
        nlohmann::json doc;
        for (int attempt = 0; attempt < 50; ++attempt) {
            r = run_command(emqxctl(nodes + " -o json cluster status"));
            doc = json_of(r);
            if (doc.is_object() && doc["split_brain"] == true) {
                break;
            }
            std::this_thread::sleep_for(100ms);
        }
        INFO(r.output);
        REQUIRE(doc.is_object());
        CHECK(r.status == 2);
        CHECK(doc["split_brain"] == true);
        CHECK(doc["cluster_ids"]["other"] == nlohmann::json::array({"intruder"}));
        CHECK(doc["cluster_ids"]["emqxd"].size() == 2);
        const auto text = run_command(emqxctl(nodes + " cluster status")).output;
        CHECK(text.find("split brain: multiple cluster IDs detected") != std::string::npos);
    }
}

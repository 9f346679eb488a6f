// `emqxctl health` on a real 3-node cluster started by `emqxctl cluster start`: the nodes found
// from the cluster file or discovered from one node, every cross-node round trip, and a node
// killed with SIGKILL reported by name.
#include "local_cluster.hpp"

#include <doctest/doctest.h>

#include <emqx/health/cluster_file.hpp>

#include <csignal>

using namespace emqx::test;

TEST_SUITE("integration::health_cluster") {
    TEST_CASE("a healthy 3-node cluster: every check OK, found from one node too") {
        local_cluster cluster{3};
        const auto started = cluster.start("--timeout 30");
        REQUIRE_MESSAGE(started.status == 0, started.output);

        const auto from_file = run_command("EMQXCTL_CLUSTER_DIR=" + cluster.dir().string() + " " +
                                           emqxctl("--no-color health --expect-nodes 3 2>&1"));
        INFO(from_file.output);
        CHECK(from_file.status == 0);
        CHECK(from_file.output.find("each of 3 nodes sees every other") != std::string::npos);
        CHECK(from_file.output.find("node3 -> node1") != std::string::npos);

        // One seed is enough: the rest comes from /api/v1/cluster.
        const std::string node1_http = "127.0.0.1:" + std::to_string(cluster.base_port() + 2);
        const auto discovered = run_command(
            emqxctl("--no-color --node " + node1_http + " health --expect-nodes 3 2>&1"));
        INFO(discovered.output);
        CHECK(discovered.status == 0);
        CHECK(discovered.output.find("node3") != std::string::npos);
    }

    TEST_CASE("a node killed with SIGKILL is reported by name and the verdict is not OK") {
        local_cluster cluster{3};
        const auto started = cluster.start("--timeout 30");
        REQUIRE_MESSAGE(started.status == 0, started.output);
        const auto file = emqx::health::read_cluster_file(cluster.dir());
        REQUIRE(file.has_value());
        ::kill(file.value().nodes[2].pid, SIGKILL);
        const std::string node1_http = "127.0.0.1:" + std::to_string(cluster.base_port() + 2);
        const auto r = run_command(emqxctl("--no-color --timeout 2 --node " + node1_http +
                                           " health --expect-nodes 3 2>&1"));
        INFO(r.output);
        CHECK((r.status == 2 || r.status == 3));
        CHECK(r.output.find("node3") != std::string::npos);
        // The dead node is asked once and listed once, although both live peers name it.
        CHECK(r.output.find("(3 nodes,") != std::string::npos);
        const auto first = r.output.find("node3    api");
        CHECK(first != std::string::npos);
        CHECK(r.output.find("node3    api", first + 1) == std::string::npos);
    }
}

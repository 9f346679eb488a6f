// `emqxctl cluster start` (waiting for the links) and `cluster test` on real nodes: a message
// published on any node reaches a subscriber on any node, once and in order, at each QoS, and a
// retained message set on any node reaches a later subscription on any node.
#include "local_cluster.hpp"

#include <doctest/doctest.h>

using namespace emqx::test;

TEST_SUITE("integration::cluster_cross_node") {
    TEST_CASE("cluster test passes for a node with itself, at every QoS and for retained") {
        local_cluster cluster{2};
        const auto started = cluster.start("--wait ready --timeout 20");
        REQUIRE_MESSAGE(started.status == 0, started.output);
        const auto r = cluster.run("test", "--count 20 --timeout 5 -o json");
        const auto doc = json_of(r);
        INFO(r.output);
        REQUIRE(doc.is_object());
        CHECK(doc["schema"] == "emqxctl.cluster-test/1");
        // 2 x 2 ordered pairs x (3 QoS + retained), and a shared group from each node.
        REQUIRE(doc["results"].size() == 2 * 2 * (3 + 1) + 2);
        int same_node = 0;
        for (const auto& cell : doc["results"]) {
            if (cell["publisher"] == cell["subscriber"]) {
                INFO(cell.dump());
                CHECK(cell["outcome"] == "pass");
                CHECK(cell["received"] == (cell["check"] == "retained" ? 1 : 20));
                CHECK(cell["duplicates"] == 0);
                ++same_node;
            }
        }
        CHECK(same_node == 2 * (3 + 1));
        for (const auto& cell : doc["results"]) {
            if (cell["check"] == "shared") {
                INFO(cell.dump());
                CHECK(cell["outcome"] == "pass");
                CHECK(cell["received"] == 20);
                CHECK(cell["duplicates"] == 0);
                CHECK(cell["members_reached"] == 2); // spread over both nodes
            }
        }
    }

    TEST_CASE("three nodes start linked, status is OK, and every ordered pair passes at every QoS "
              "and for retained") {
        local_cluster cluster{3};
        const auto started = cluster.start("--timeout 30");
        REQUIRE_MESSAGE(started.status == 0, started.output);

        const auto status = cluster.run("status", "-o json");
        INFO(status.output);
        CHECK(status.status == 0);
        const auto view = json_of(status);
        REQUIRE(view.is_object());
        CHECK(view["split_brain"] == false);
        CHECK(view["links"].size() == 6);
        for (const auto& link : view["links"]) {
            CHECK(link["state"] == "up");
        }

        const auto r = cluster.run("test", "--count 20 --timeout 5");
        INFO(r.output);
        CHECK(r.status == 0);
        CHECK(r.output.find("SUCCESS: 39 of 39 checks passed") != std::string::npos);
        CHECK(r.output.find("shared subscription (one member on every node") != std::string::npos);
    }
}

// The port plan of a local cluster: DESIGN.md section 4's table, its continuation, and the
// compact plan of --base-port.
#include <emqx/health/cluster_plan.hpp>

#include <doctest/doctest.h>

using emqx::health::make_port_plan;
using emqx::health::node_ports;

TEST_SUITE("health::cluster_plan") {
    TEST_CASE("three nodes get the ports of DESIGN.md section 4") {
        const auto plan = make_port_plan(3);
        REQUIRE(plan.has_value());
        REQUIRE(plan.value().size() == 3);
        CHECK(plan.value()[0] == node_ports{1, "node1", 1883, 8081, 8082, 18083});
        CHECK(plan.value()[1] == node_ports{2, "node2", 1884, 8083, 8084, 18084});
        CHECK(plan.value()[2] == node_ports{3, "node3", 1885, 8085, 8086, 18085});
    }

    TEST_CASE("node k of a larger cluster continues the pattern") {
        const auto plan = make_port_plan(5);
        REQUIRE(plan.has_value());
        CHECK(plan.value()[4] == node_ports{5, "node5", 1887, 8089, 8090, 18087});
    }

    TEST_CASE("a base port gives each node four consecutive ports") {
        const auto plan = make_port_plan(2, 40000);
        REQUIRE(plan.has_value());
        CHECK(plan.value()[0] == node_ports{1, "node1", 40000, 40001, 40002, 40003});
        CHECK(plan.value()[1] == node_ports{2, "node2", 40004, 40005, 40006, 40007});
    }

    TEST_CASE("a plan past port 65535 is refused with the port it would need") {
        const auto plan = make_port_plan(3, 65530);
        REQUIRE_FALSE(plan.has_value());
        CHECK(plan.error().find("65535") != std::string::npos);
        CHECK(plan.error().find("node2") != std::string::npos);
    }

    TEST_CASE("zero nodes, too many nodes and base port 0 are refused") {
        CHECK_FALSE(make_port_plan(0).has_value());
        CHECK_FALSE(make_port_plan(emqx::health::max_local_nodes + 1).has_value());
        CHECK_FALSE(make_port_plan(3, 0).has_value());
    }

    TEST_CASE("PEER_NODES of a node lists the cluster addresses of all the others") {
        const auto plan = make_port_plan(3).value();
        CHECK(emqx::health::peer_list(plan, 1) == "127.0.0.1:8083,127.0.0.1:8085");
        CHECK(emqx::health::peer_list(plan, 2) == "127.0.0.1:8081,127.0.0.1:8085");
        CHECK(emqx::health::peer_list(make_port_plan(1).value(), 1).empty());
    }
}

// The cluster evaluators on /api/v1/cluster fixtures: split brain, missing links, node count.
#include <emqx/health/evaluate.hpp>

#include <doctest/doctest.h>

using emqx::health::cluster_view;
using emqx::health::evaluate_cluster;
using emqx::health::parse_cluster_view;
using emqx::health::thresholds;
using emqx::health::verdict;

namespace {

cluster_view view_of(const char* json_text) {
    auto parsed = parse_cluster_view(nlohmann::json::parse(json_text));
    REQUIRE(parsed.has_value());
    return *parsed;
}

/// A node's view where every other node of `ids` is a peer in `state`.
std::string peer_json(const std::string& id,
                      const std::string& state,
                      const std::string& cluster_id = "emqxd") {
    return R"({"node_id":")" + id + R"(","address":"127.0.0.1:1","state":")" + state +
           R"(","cluster_id":")" + cluster_id + R"(","http":"","mqtt":"","error":")" +
           (state == "up" ? "" : "connection refused") + R"("})";
}

cluster_view node(const std::string& id,
                  const std::vector<std::string>& peers,
                  const std::string& cluster_id = "emqxd") {
    std::string text = R"({"node_id":")" + id + R"(","cluster_id":")" + cluster_id +
                       R"(","nodes":3,"route_count":1,"peers":[)";
    for (std::size_t i = 0; i < peers.size(); ++i) {
        text += (i ? "," : "") + peers[i];
    }
    return view_of((text + "]}").c_str());
}

const emqx::health::check_result& by_name(const std::vector<emqx::health::check_result>& checks,
                                          const std::string& name) {
    for (const auto& c : checks) {
        if (c.name == name) {
            return c;
        }
    }
    FAIL("no check named " << name);
    return checks.front();
}

} // namespace

TEST_SUITE("health::evaluate_cluster") {

    TEST_CASE("three nodes that all see each other are OK on every cluster check") {
        const std::vector<cluster_view> views{
            node("node1", {peer_json("node2", "up"), peer_json("node3", "up")}),
            node("node2", {peer_json("node1", "up"), peer_json("node3", "up")}),
            node("node3", {peer_json("node1", "up"), peer_json("node2", "up")})};
        thresholds limits;
        limits.expect_nodes = 3;
        const auto checks = evaluate_cluster(views, {}, limits);
        REQUIRE(checks.size() == 3);
        for (const auto& c : checks) {
            CAPTURE(c.name);
            CHECK(c.state == verdict::ok);
            CHECK(c.hint.empty());
        }
        CHECK(by_name(checks, "cluster.peers").reason.find("3 nodes") != std::string::npos);
    }

    TEST_CASE("two cluster ids among the nodes is a CRITICAL split brain naming both groups") {
        const std::vector<cluster_view> views{node("node1", {peer_json("node2", "up")}),
                                              node("node2", {peer_json("node1", "up")}),
                                              node("node3", {}, "other")};
        const auto id = by_name(evaluate_cluster(views, {}, {}), "cluster.id");
        CHECK(id.state == verdict::critical);
        CHECK(id.reason.find("split brain") != std::string::npos);
        CHECK(id.reason.find("'other' (node3)") != std::string::npos);
        CHECK(id.reason.find("'emqxd' (node1, node2)") != std::string::npos);
        CHECK(id.hint.find("cluster status") != std::string::npos);
    }

    TEST_CASE("a peer refused for its cluster id is a split brain even when every node agrees") {
        const std::vector<cluster_view> views{
            node("node1", {peer_json("node2", "refused", "other")})};
        const auto id = by_name(evaluate_cluster(views, {}, {}), "cluster.id");
        CHECK(id.state == verdict::critical);
        CHECK(id.reason.find("node1 refuses node2 (cluster id 'other')") != std::string::npos);
    }

    TEST_CASE("a node that does not see another is CRITICAL and the hint names the missing node") {
        const std::vector<cluster_view> views{
            node("node1", {peer_json("node2", "up"), peer_json("node3", "down")}),
            node("node2", {peer_json("node1", "up")})};
        const auto peers = by_name(evaluate_cluster(views, {}, {}), "cluster.peers");
        CHECK(peers.state == verdict::critical);
        CHECK(peers.reason.find("node1 -> node3 is down: connection refused") != std::string::npos);
        CHECK(peers.reason.find("(+1 more)") != std::string::npos); // node2 has no link to node3
        CHECK(peers.hint.find("node3") != std::string::npos);
    }

    TEST_CASE("a link still connecting is a WARNING, not a failure") {
        const std::vector<cluster_view> views{node("node1", {peer_json("node2", "connecting")}),
                                              node("node2", {peer_json("node1", "up")})};
        CHECK(by_name(evaluate_cluster(views, {}, {}), "cluster.peers").state == verdict::warning);
    }

    TEST_CASE("a peer whose id is not known yet and is down is reported by its address") {
        const auto view = view_of(R"({"node_id":"node1","cluster_id":"emqxd","nodes":1,"peers":[
        {"node_id":"","address":"127.0.0.1:8083","state":"down","cluster_id":"","http":"",
         "mqtt":"","last_heartbeat":null,"route_count":0,"error":"connection refused"}]})");
        const auto peers = by_name(evaluate_cluster({view}, {}, {}), "cluster.peers");
        CHECK(peers.state == verdict::critical);
        CHECK(peers.reason.find("127.0.0.1:8083 is down") != std::string::npos);
    }

    TEST_CASE("fewer nodes than --expect-nodes is CRITICAL, more is a WARNING") {
        const std::vector<cluster_view> one{node("node1", {})};
        thresholds limits;
        limits.expect_nodes = 3;
        const auto fewer = by_name(evaluate_cluster(one, {}, limits), "cluster.nodes");
        CHECK(fewer.state == verdict::critical);
        CHECK(fewer.reason == "1 node answers, 3 expected");
        limits.expect_nodes = 1;
        const std::vector<cluster_view> two{node("node1", {peer_json("node2", "up")}),
                                            node("node2", {peer_json("node1", "up")})};
        CHECK(by_name(evaluate_cluster(two, {}, limits), "cluster.nodes").state ==
              verdict::warning);
    }

    TEST_CASE("a known node that does not answer makes the count CRITICAL without --expect-nodes") {
        const auto count =
            by_name(evaluate_cluster({node("node1", {})}, {"127.0.0.1:8084"}, {}), "cluster.nodes");
        CHECK(count.state == verdict::critical);
        CHECK(count.reason.find("1 known but not answering") != std::string::npos);
    }

    TEST_CASE("with no node answering every cluster check is UNKNOWN") {
        for (const auto& c : evaluate_cluster({}, {"127.0.0.1:8082"}, {})) {
            CHECK(c.state == verdict::unknown);
            CHECK_FALSE(c.hint.empty());
        }
    }

} // TEST_SUITE

TEST_SUITE("health::parse_cluster_view") {

    TEST_CASE("the documented document parses, peers' HTTP addresses feed discovery") {
        const auto view =
            view_of(R"({"node_id":"node1","cluster_id":"emqxd","nodes":3,"route_count":12,
        "peers":[{"node_id":"node2","address":"127.0.0.1:8083","state":"up","cluster_id":"emqxd",
                  "http":"127.0.0.1:8084","mqtt":"127.0.0.1:1884",
                  "last_heartbeat":"2026-11-22T08:15:30.123Z","route_count":7,"error":""},
                 {"node_id":"","address":"127.0.0.1:8085","state":"connecting","cluster_id":"",
                  "http":"","mqtt":"","last_heartbeat":null,"route_count":0,"error":"x"}]})");
        CHECK(view.nodes == 3);
        REQUIRE(view.peers.size() == 2);
        CHECK(view.peers[0].mqtt == "127.0.0.1:1884");
        const auto addresses = emqx::health::peer_http_addresses(view);
        REQUIRE(addresses.size() == 1);
        CHECK(addresses[0] == emqx::client::host_port{"127.0.0.1", 8084});
    }

    TEST_CASE("a document without node_id or with peers that is not an array is an error") {
        CHECK_FALSE(parse_cluster_view(nlohmann::json::parse(R"({"peers":[]})")).has_value());
        CHECK_FALSE(
            parse_cluster_view(nlohmann::json::parse(R"({"node_id":"n","peers":{}})")).has_value());
        CHECK_FALSE(parse_cluster_view(nlohmann::json::parse("[1,2]")).has_value());
    }

    TEST_CASE("a status document gives the node, its pid and every listener with a valid port") {
        const auto status = emqx::health::parse_status(nlohmann::json::parse(R"({"node_id":"node1",
        "version":"0.1.0","pid":42,"uptime_seconds":3.5,"cluster_id":"emqxd",
        "listeners":[{"name":"mqtt","address":"0.0.0.0","port":1883},
                     {"name":"http","address":"127.0.0.1","port":8082},
                     {"name":"bad","address":"127.0.0.1","port":70000}]})"));
        REQUIRE(status.has_value());
        CHECK(status->pid == 42);
        CHECK(status->listeners.size() == 2);
        const auto mqtt = status->listener("mqtt");
        REQUIRE(mqtt.has_value());
        CHECK(emqx::health::reach(*mqtt, "10.1.1.1") == emqx::client::host_port{"10.1.1.1", 1883});
        CHECK_FALSE(emqx::health::parse_status(nlohmann::json::parse(R"({"pid":1})")).has_value());
    }

} // TEST_SUITE

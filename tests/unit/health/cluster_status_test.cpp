// Judging a cluster from its nodes' answers (JSON fixtures shaped like /api/v1/status and
// /api/v1/cluster): the link matrix, split brain, nodes down, the verdict and the JSON schema.
#include <emqx/health/cluster_status.hpp>

#include <doctest/doctest.h>

#include <algorithm>

using namespace emqx::health;
using nlohmann::json;

namespace {

struct peer_fixture {
    int index;
    std::string state;
    std::string cluster_id = "emqxd";
};

/// What node `index` (1-based, ports of the standard plan) answers, seeing `peers`.
node_answer answer(int index, const std::vector<peer_fixture>& peers, const std::string& cluster_id = "emqxd") {
    const auto port = [](int base, int k, int step) { return base + step * (k - 1); };
    node_answer a;
    a.seed.http = {"127.0.0.1", static_cast<std::uint16_t>(port(8082, index, 2))};
    a.reachable = true;
    a.ready_status = 200;
    a.status = {{"node_id", "node" + std::to_string(index)},
                {"cluster_id", cluster_id},
                {"pid", 1000 + index},
                {"listeners", json::array({{{"name", "mqtt"}, {"address", "127.0.0.1"}, {"port", port(1883, index, 1)}},
                                           {{"name", "cluster"}, {"address", "127.0.0.1"}, {"port", port(8081, index, 2)}}})},
                {"counts", {{"connections", 2 * index}}}};
    json peer_list = json::array();
    for (const auto& p : peers) {
        peer_list.push_back({{"node_id", p.state == "connecting" ? "" : "node" + std::to_string(p.index)},
                             {"address", "127.0.0.1:" + std::to_string(port(8081, p.index, 2))},
                             {"state", p.state},
                             {"cluster_id", p.cluster_id},
                             {"error", p.state == "up" ? "" : "connection refused"}});
    }
    a.cluster = {{"node_id", "node" + std::to_string(index)}, {"cluster_id", cluster_id},
                 {"route_count", 10 + index}, {"peers", peer_list}};
    return a;
}

node_answer unreachable(int index) {
    node_answer a;
    a.seed.node_id = "node" + std::to_string(index);
    a.seed.http = {"127.0.0.1", static_cast<std::uint16_t>(8082 + 2 * (index - 1))};
    a.error = "connection refused by " + emqx::client::to_string(a.seed.http);
    return a;
}

std::string link(const cluster_status& s, const std::string& from, const std::string& to) {
    for (const auto& l : s.links) {
        if (l.from == from && l.to == to) {
            return l.state;
        }
    }
    return "absent";
}

} // namespace

TEST_SUITE("health::cluster_status") {
    TEST_CASE("three nodes that all see each other are OK with a full matrix") {
        const auto s = judge_cluster({answer(1, {{2, "up"}, {3, "up"}}), answer(2, {{1, "up"}, {3, "up"}}),
                                      answer(3, {{1, "up"}, {2, "up"}})});
        CHECK(s.verdict == cluster_verdict::ok);
        CHECK(s.problems.empty());
        CHECK(s.links.size() == 6);
        CHECK(link(s, "node3", "node1") == "up");
        CHECK_FALSE(s.split_brain);
        REQUIRE(s.nodes.size() == 3);
        CHECK(s.nodes[1].mqtt == "127.0.0.1:1884");
        CHECK(s.nodes[1].route_count == 12);
        CHECK(s.nodes[1].connections == 4);
        CHECK(s.nodes[1].peers_up == 2);
    }

    TEST_CASE("two cluster ids are a CRITICAL split brain naming both ids and their nodes") {
        const auto s = judge_cluster({answer(1, {{2, "up"}, {3, "refused", "other"}}),
                                      answer(2, {{1, "up"}, {3, "refused", "other"}}),
                                      answer(3, {{1, "refused"}, {2, "refused"}}, "other")});
        CHECK(s.verdict == cluster_verdict::critical);
        CHECK(s.split_brain);
        REQUIRE(s.cluster_ids.size() == 2);
        CHECK(s.cluster_ids.at("other") == std::vector<std::string>{"node3"});
        REQUIRE_FALSE(s.problems.empty());
        CHECK(s.problems.front().find("split brain: multiple cluster IDs detected: emqxd (node1, node2) "
                                      "other (node3)") == 0);
        CHECK(link(s, "node1", "node3") == "refused");
    }

    TEST_CASE("a refused peer of another cluster id is split brain even when it is not asked") {
        const auto s = judge_cluster({answer(1, {{2, "refused", "intruder"}})});
        CHECK(s.split_brain);
        CHECK(s.verdict == cluster_verdict::critical);
    }

    TEST_CASE("a node that does not answer is CRITICAL; the others' links to it are not blamed twice") {
        const auto s = judge_cluster({answer(1, {{2, "up"}, {3, "down"}}), answer(2, {{1, "up"}, {3, "down"}}),
                                      unreachable(3)});
        CHECK(s.verdict == cluster_verdict::critical);
        REQUIRE(s.problems.size() == 1);
        CHECK(s.problems[0].find("node3 (127.0.0.1:8086) is unreachable: connection refused") == 0);
        CHECK(link(s, "node3", "node1") == "unknown");
        CHECK(link(s, "node1", "node3") == "down");
    }

    TEST_CASE("a link down between two live nodes is CRITICAL and names both ends") {
        const auto s = judge_cluster({answer(1, {{2, "down"}}), answer(2, {{1, "up"}})});
        CHECK(s.verdict == cluster_verdict::critical);
        REQUIRE(s.problems.size() == 1);
        CHECK(s.problems[0] == "node1 does not see node2 (down: connection refused)");
    }

    TEST_CASE("a peer not listed at all is 'missing'; a connecting link is only a WARNING") {
        const auto missing = judge_cluster({answer(1, {}), answer(2, {{1, "up"}})});
        CHECK(link(missing, "node1", "node2") == "missing");
        CHECK(missing.verdict == cluster_verdict::critical);
        const auto connecting = judge_cluster({answer(1, {{2, "connecting"}}), answer(2, {{1, "up"}})});
        CHECK(link(connecting, "node1", "node2") == "connecting");
        CHECK(connecting.verdict == cluster_verdict::warning);
    }

    TEST_CASE("a node whose /ready answers 503 is a WARNING with the reason") {
        auto a = answer(1, {});
        a.ready_status = 503;
        a.ready_body = R"({"status":"not_ready"})";
        const auto s = judge_cluster({a});
        CHECK(s.verdict == cluster_verdict::warning);
        CHECK(s.nodes[0].state == node_state::not_ready);
        CHECK(s.problems[0].find("not_ready") != std::string::npos);
    }

    TEST_CASE("no node reachable is UNKNOWN") {
        CHECK(judge_cluster({unreachable(1), unreachable(2)}).verdict == cluster_verdict::unknown);
        CHECK(judge_cluster({}).verdict == cluster_verdict::unknown);
    }

    TEST_CASE("the JSON document has the schema and a field per node and link") {
        const auto s = judge_cluster({answer(1, {{2, "up"}}), unreachable(2)});
        const auto doc = to_json(s);
        CHECK(doc["schema"] == "emqxctl.cluster-status/1");
        CHECK(doc["verdict"] == "CRITICAL");
        CHECK(doc["split_brain"] == false);
        REQUIRE(doc["nodes"].size() == 2);
        CHECK(doc["nodes"][0]["state"] == "up");
        CHECK(doc["nodes"][0]["route_count"] == 11);
        CHECK(doc["nodes"][1]["state"] == "unreachable");
        CHECK(doc["nodes"][1]["route_count"].is_null());
        CHECK(doc["links"].size() == 2);
        CHECK(doc["cluster_ids"]["emqxd"] == json::array({"node1"}));
    }

    TEST_CASE("the text shows the matrix with 'self' on the diagonal and the problems") {
        const auto text = to_text(judge_cluster({answer(1, {{2, "down"}}), answer(2, {{1, "up"}})}));
        CHECK(text.find("cluster: CRITICAL, 2 node(s), cluster id emqxd") == 0);
        CHECK(text.find("node1  self   down") != std::string::npos);
        CHECK(text.find("node2  up     self") != std::string::npos);
        CHECK(text.find("node1 does not see node2") != std::string::npos);
    }

    TEST_CASE("with colour, state words are coloured and the columns stay aligned") {
        const auto status = judge_cluster({answer(1, {{2, "down"}}), answer(2, {{1, "up"}})});
        const auto text = to_text(status, true);
        CHECK(text.find("cluster: \033[31mCRITICAL\033[0m, 2 node(s)") == 0);
        CHECK(text.find("node1  self   \033[31mdown\033[0m") != std::string::npos);
        CHECK(text.find("node2  \033[32mup\033[0m     self") != std::string::npos);
        // Without the escape codes it is the plain text, column for column.
        std::string stripped = text;
        for (auto at = stripped.find('\033'); at != std::string::npos; at = stripped.find('\033')) {
            stripped.erase(at, stripped.find('m', at) - at + 1);
        }
        CHECK(stripped == to_text(status));
        CHECK(to_text(status, false).find('\033') == std::string::npos);
    }
}

// The cluster through real emqxd nodes on 127.0.0.1: links and their refusals, routes, one
// forward per node, QoS kept across nodes, retained messages, shared groups spread over
// nodes, client ids unique across the cluster, and a link that heals after a restart.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <optional>
#include <set>
#include <string>
#include <thread>

using namespace emqx::test;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

const std::string cookie = "cluster-test-cookie-0123456789";

// GET `path` from a node's HTTP listener; the body, or "" when there is no answer.
std::string http_get(emqxd_process& node, const std::string& path) {
    raw_client c{node.listener_port("http")};
    c.send("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    c.wait_closed(2s);
    const std::string& all = c.pending();
    const auto body = all.find("\r\n\r\n");
    return body == std::string::npos ? std::string{} : all.substr(body + 4);
}

// Polls `path` until its body contains `text` (routes and links settle asynchronously).
bool eventually_contains(emqxd_process& node, const std::string& path, const std::string& text,
                         std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (http_get(node, path).find(text) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

std::string cluster_address(emqxd_process& node) {
    return "127.0.0.1:" + std::to_string(node.listener_port("cluster"));
}

std::vector<std::string> node_args(const std::string& id, const std::string& peers = {},
                                   const std::string& name = "test",
                                   const std::string& secret = cookie) {
    std::vector<std::string> args{"--node-id", id, "--set", "cluster.name=" + name,
                                  "--set", "cluster.cookie=" + secret};
    if (!peers.empty()) {
        args.insert(args.end(), {"--set", "cluster.peers=" + peers});
    }
    return args;
}

emqxd_process start_node(const std::string& id, const std::string& peers = {},
                         const std::string& name = "test", const std::string& secret = cookie) {
    return emqxd_process{node_args(id, peers, name, secret)};
}

// Two linked nodes, a and b.
struct pair_of_nodes {
    emqxd_process a = start_node("a");
    emqxd_process b = start_node("b", cluster_address(a));
    pair_of_nodes() {
        REQUIRE(eventually_contains(a, "/api/v1/cluster", "\"state\":\"up\""));
        REQUIRE(eventually_contains(b, "/api/v1/cluster", "\"state\":\"up\""));
    }
};

raw_client subscriber(std::uint16_t port, const std::string& id, const std::string& filter,
                      std::uint8_t qos) {
    raw_client c = open_session(port, wire::connect_v311(id));
    c.send(wire::subscribe(1, filter, qos, false));
    REQUIRE(hex(c.receive_packet()) == hex("\x90\x03\x00\x01"s + static_cast<char>(qos)));
    return c;
}

} // namespace

TEST_SUITE("integration::cluster") {
    TEST_CASE("two nodes link up: each lists the other as up with its listeners") {
        pair_of_nodes n;
        const std::string view = http_get(n.a, "/api/v1/cluster");
        CHECK(view.find("\"node_id\":\"b\"") != std::string::npos);
        CHECK(view.find("\"nodes\":2") != std::string::npos);
        CHECK(view.find("\"mqtt\":\"127.0.0.1:" + std::to_string(n.b.port()) + "\"") !=
              std::string::npos);
        CHECK(n.a.wait_for_log("cluster peer connected node=b"));
        CHECK(eventually_contains(n.b, "/ready", "\"ready\""));
    }

    TEST_CASE("a message published on one node reaches a subscriber on another at QoS 0, 1, 2") {
        pair_of_nodes n;
        raw_client sub = subscriber(n.b.port(), "x-sub", "x/#", 2);
        REQUIRE(eventually_contains(n.a, "/api/v1/routes", "\"x/#\""));
        raw_client pub = open_session(n.a.port(), wire::connect_v311("x-pub"));

        pub.send(wire::publish("x/0", "zero", 0x00, 0, false));
        CHECK(hex(sub.receive_packet()) == hex(wire::publish("x/0", "zero", 0x00, 0, false)));

        pub.send(wire::publish("x/1", "one", 0x02, 7, false));
        CHECK(hex(pub.receive_packet()) == hex("\x40\x02\x00\x07"s));
        const auto q1 = sub.receive_packet();
        REQUIRE(q1);
        CHECK(static_cast<unsigned char>((*q1)[0]) == 0x32); // QoS 1 kept end to end
        CHECK(q1->find("one") != std::string::npos);

        pub.send(wire::publish("x/2", "two", 0x04, 8, false));
        CHECK(hex(pub.receive_packet()) == hex("\x50\x02\x00\x08"s));
        pub.send(wire::ack(0x62, 8));
        CHECK(hex(pub.receive_packet()) == hex("\x70\x02\x00\x08"s));
        const auto q2 = sub.receive_packet();
        REQUIRE(q2);
        CHECK(static_cast<unsigned char>((*q2)[0]) == 0x34);
        CHECK(q2->find("two") != std::string::npos);
    }

    TEST_CASE("a message goes once to a node, however many subscribers it has there") {
        pair_of_nodes n;
        raw_client s1 = subscriber(n.b.port(), "f-1", "f/t", 0);
        raw_client s2 = subscriber(n.b.port(), "f-2", "f/+", 0);
        raw_client s3 = subscriber(n.b.port(), "f-3", "f/#", 0);
        REQUIRE(eventually_contains(n.a, "/api/v1/routes", "\"f/#\""));
        REQUIRE(eventually_contains(n.a, "/api/v1/routes", "\"f/+\""));
        REQUIRE(eventually_contains(n.a, "/api/v1/routes", "\"f/t\""));
        raw_client pub = open_session(n.a.port(), wire::connect_v311("f-pub"));
        pub.send(wire::publish("f/t", "p", 0x00, 0, false));
        for (auto* s : {&s1, &s2, &s3}) {
            CHECK(hex(s->receive_packet()) == hex(wire::publish("f/t", "p", 0x00, 0, false)));
        }
        CHECK(eventually_contains(n.a, "/metrics", "emqx_cluster_forwarded_total{node=\"a\"} 1\n"));
    }

    TEST_CASE("a message for subscribers on two other nodes reaches both, once each, whole") {
        emqxd_process a = start_node("a");
        emqxd_process b = start_node("b", cluster_address(a));
        emqxd_process c = start_node("c", cluster_address(a));
        REQUIRE(eventually_contains(a, "/api/v1/cluster", "\"nodes\":3"));
        raw_client sb = subscriber(b.port(), "two-b", "two/#", 1);
        raw_client sc = subscriber(c.port(), "two-c", "two/+", 1);
        REQUIRE(eventually_contains(a, "/api/v1/routes", "\"two/#\""));
        REQUIRE(eventually_contains(a, "/api/v1/routes", "\"two/+\""));
        raw_client pub = open_session(a.port(), wire::connect_v311("two-pub"));
        // Retained too: b and c get one frame each (the same bytes, encoded once).
        pub.send(wire::publish("two/t", std::string(3000, 'x'), 0x03, 7, false));
        CHECK(hex(pub.receive_packet()) == hex("\x40\x02\x00\x07"s));
        for (auto* s : {&sb, &sc}) {
            CHECK(hex(s->receive_packet()) ==
                  hex(wire::publish("two/t", std::string(3000, 'x'), 0x02, 1, false)));
            s->send("\x40\x02\x00\x01"s);
        }
        CHECK(eventually_contains(a, "/metrics", "emqx_cluster_forwarded_total{node=\"a\"} 2\n"));
        CHECK(eventually_contains(b, "/api/v1/status", "\"retained_messages\":1"));
        CHECK(eventually_contains(c, "/api/v1/status", "\"retained_messages\":1"));
        CHECK(sb.quiet_for(200ms));
        CHECK(sc.quiet_for(200ms));
    }

    TEST_CASE("a retained message set on one node is delivered on subscribe on another") {
        pair_of_nodes n;
        raw_client pub = open_session(n.a.port(), wire::connect_v311("r-pub"));
        pub.send(wire::publish("r/t", "kept", 0x03, 1, false));
        CHECK(hex(pub.receive_packet()) == hex("\x40\x02\x00\x01"s));
        REQUIRE(eventually_contains(n.b, "/api/v1/status", "\"retained_messages\":1"));
        raw_client sub = subscriber(n.b.port(), "r-sub", "r/#", 0);
        CHECK(hex(sub.receive_packet()) == hex(wire::publish("r/t", "kept", 0x01, 0, false)));
    }

    TEST_CASE("a node that joins later gets the retained messages already there") {
        emqxd_process a = start_node("a");
        raw_client pub = open_session(a.port(), wire::connect_v311("late-pub"));
        pub.send(wire::publish("late/t", "early", 0x01, 0, false));
        CHECK(eventually_contains(a, "/api/v1/status", "\"retained_messages\":1"));
        emqxd_process b = start_node("b", cluster_address(a));
        CHECK(eventually_contains(b, "/api/v1/status", "\"retained_messages\":1"));
    }

    TEST_CASE("a shared group with members on two nodes gets each message once") {
        pair_of_nodes n;
        raw_client on_a = subscriber(n.a.port(), "g-a", "$share/g/g/t", 0);
        raw_client on_b = subscriber(n.b.port(), "g-b", "$share/g/g/t", 0);
        REQUIRE(eventually_contains(n.a, "/api/v1/routes", "\"nodes\":[\"a\",\"b\"]"));
        raw_client pub = open_session(n.a.port(), wire::connect_v311("g-pub"));
        for (char i = '0'; i < '8'; ++i) {
            pub.send(wire::publish("g/t", std::string(1, i), 0x00, 0, false));
        }
        std::multiset<std::string> seen;
        int from_a = 0;
        int from_b = 0;
        for (auto* member : {&on_a, &on_b}) {
            while (auto p = member->receive_packet(400ms)) {
                seen.insert(*p);
                ++(member == &on_a ? from_a : from_b);
            }
        }
        CHECK(seen.size() == 8);
        for (char i = '0'; i < '8'; ++i) {
            CHECK(seen.count(wire::publish("g/t", std::string(1, i), 0x00, 0, false)) == 1);
        }
        CHECK(from_a > 0);
        CHECK(from_b > 0);
    }

    TEST_CASE("a client id connecting on another node takes over: the first gets 0x8E") {
        emqxd_process a = start_node("a");
        emqxd_process b = start_node("b", cluster_address(a));
        emqxd_process c = start_node("c", cluster_address(a));
        REQUIRE(eventually_contains(a, "/api/v1/cluster", "\"nodes\":3"));
        REQUIRE(eventually_contains(b, "/api/v1/cluster", "\"nodes\":3"));
        REQUIRE(eventually_contains(c, "/api/v1/cluster", "\"nodes\":3"));
        raw_client first = open_session(a.port(), wire::connect_v5("same-id"));
        raw_client second = open_session(b.port(), wire::connect_v5("same-id"));
        CHECK(hex(first.receive_packet()) == hex("\xe0\x01\x8e"s));
        CHECK(first.wait_closed());
        // And on to a third node: the second, on b, is taken over in turn.
        raw_client third = open_session(c.port(), wire::connect_v5("same-id"));
        CHECK(hex(second.receive_packet()) == hex("\xe0\x01\x8e"s));
        CHECK(second.wait_closed());
        CHECK(third.quiet_for(300ms));
    }

    TEST_CASE("a node of another cluster is refused, logged and shown as refused") {
        emqxd_process a = start_node("a");
        emqxd_process other = start_node("z", cluster_address(a), "another");
        CHECK(a.wait_for_log("multiple cluster IDs detected"));
        CHECK(eventually_contains(a, "/api/v1/cluster", "\"state\":\"refused\""));
        CHECK(eventually_contains(other, "/api/v1/cluster", "\"cluster_id\":\"test\""));
        CHECK(http_get(a, "/api/v1/cluster").find("\"nodes\":1") != std::string::npos);
    }

    TEST_CASE("a node with a wrong cookie is refused, and the cookie never crosses the link") {
        emqxd_process a = start_node("a");
        emqxd_process bad = start_node("w", cluster_address(a), "test", "a-different-secret-value");
        CHECK(a.wait_for_log("bad cookie"));
        CHECK(bad.wait_for_log("bad cookie"));
        CHECK(http_get(a, "/api/v1/cluster").find("\"nodes\":1") != std::string::npos);
        CHECK(a.log().find(cookie) == std::string::npos);
    }

    TEST_CASE("a restarted node links up again and its new routes work") {
        emqxd_process a = start_node("a");
        std::string old_address;
        {
            emqxd_process b = start_node("b", cluster_address(a));
            old_address = cluster_address(b);
            REQUIRE(eventually_contains(a, "/api/v1/cluster", "\"state\":\"up\""));
            CHECK(b.stop() == 0);
        }
        CHECK(eventually_contains(a, "/api/v1/cluster", "\"nodes\":1"));
        emqxd_process b = start_node("b", cluster_address(a));
        REQUIRE(eventually_contains(a, "/api/v1/cluster", "\"nodes\":2"));
        REQUIRE(old_address != cluster_address(b));
        // The address b had before it restarted (learned, not configured) is forgotten: a lists
        // b once, at its new address, instead of a stale entry that stays down or doubles b.
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        std::string view = http_get(a, "/api/v1/cluster");
        while (view.find(old_address) != std::string::npos &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(50ms);
            view = http_get(a, "/api/v1/cluster");
        }
        CHECK(view.find(old_address) == std::string::npos);
        CHECK(view.find(cluster_address(b)) != std::string::npos);
        CHECK(view.find("\"node_id\":\"b\"") == view.rfind("\"node_id\":\"b\""));
        raw_client sub = subscriber(b.port(), "h-sub", "h/t", 0);
        REQUIRE(eventually_contains(a, "/api/v1/routes", "\"h/t\""));
        raw_client pub = open_session(a.port(), wire::connect_v311("h-pub"));
        pub.send(wire::publish("h/t", "back", 0x00, 0, false));
        CHECK(hex(sub.receive_packet()) == hex(wire::publish("h/t", "back", 0x00, 0, false)));
    }

    TEST_CASE("a node that lists one peer learns the rest of the mesh from it") {
        emqxd_process a = start_node("a");
        emqxd_process b = start_node("b", cluster_address(a));
        emqxd_process c = start_node("c", cluster_address(a));
        CHECK(eventually_contains(b, "/api/v1/cluster", "\"nodes\":3"));
        CHECK(eventually_contains(c, "/api/v1/cluster", "\"nodes\":3"));
    }

    TEST_CASE("garbage on the cluster port is refused and the cluster is unharmed") {
        pair_of_nodes n;
        raw_client intruder{n.a.listener_port("cluster")};
        intruder.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"s + std::string(64, '\xff'));
        CHECK(intruder.wait_closed());
        CHECK(n.a.wait_for_log("cluster handshake failed"));
        raw_client sub = subscriber(n.b.port(), "gb-sub", "gb/t", 0);
        REQUIRE(eventually_contains(n.a, "/api/v1/routes", "\"gb/t\""));
        raw_client pub = open_session(n.a.port(), wire::connect_v311("gb-pub"));
        pub.send(wire::publish("gb/t", "still", 0x00, 0, false));
        CHECK(hex(sub.receive_packet()) == hex(wire::publish("gb/t", "still", 0x00, 0, false)));
        CHECK(http_get(n.a, "/api/v1/cluster").find("\"nodes\":2") != std::string::npos);
    }

    TEST_CASE("a node killed with SIGKILL while traffic flows: the others keep serving and "
              "report it down; restarted, it serves cross-node again") {
        emqxd_process a = start_node("a");
        emqxd_process c = start_node("c", cluster_address(a));
        std::optional<emqxd_process> b;
        b.emplace(node_args("b", cluster_address(a)));
        REQUIRE(eventually_contains(a, "/api/v1/cluster", "\"nodes\":3"));
        raw_client on_c = subscriber(c.port(), "k-sub", "k/#", 1);
        raw_client on_b = subscriber(b->port(), "k-sub-b", "k/#", 1);
        REQUIRE(eventually_contains(a, "/api/v1/routes", "\"nodes\":[\"b\",\"c\"]"));
        raw_client pub = open_session(a.port(), wire::connect_v311("k-pub"));
        pub.send(wire::publish("k/1", "before", 0x00, 0, false));
        CHECK(on_c.receive_packet());

        ::kill(b->pid(), SIGKILL);
        CHECK(b->wait(std::chrono::seconds{5}) != -1);
        CHECK(eventually_contains(a, "/api/v1/cluster", "\"nodes\":2"));
        CHECK(eventually_contains(c, "/api/v1/cluster", "\"nodes\":2"));
        CHECK(a.wait_for_log("cluster peer disconnected node=b"));
        for (int i = 0; i < 20; ++i) { // traffic keeps flowing to the live node
            pub.send(wire::publish("k/2", std::to_string(i), 0x00, 0, false));
        }
        for (int i = 0; i < 20; ++i) {
            CHECK(hex(on_c.receive_packet()) ==
                  hex(wire::publish("k/2", std::to_string(i), 0x00, 0, false)));
        }

        b.reset();
        b.emplace(node_args("b", cluster_address(a)));
        REQUIRE(eventually_contains(a, "/api/v1/cluster", "\"nodes\":3"));
        raw_client again = subscriber(b->port(), "k-sub-b2", "k/3", 0);
        REQUIRE(eventually_contains(a, "/api/v1/routes", "\"k/3\""));
        pub.send(wire::publish("k/3", "after", 0x00, 0, false));
        CHECK(hex(again.receive_packet()) == hex(wire::publish("k/3", "after", 0x00, 0, false)));
    }
}

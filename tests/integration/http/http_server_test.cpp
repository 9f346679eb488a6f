// The HTTP server over real sockets (DESIGN.md sections 5 and 9): keep-alive, huge headers, slow
// and garbage clients, the connection limit, the bearer token, and MQTT on the same thread
// carrying on undisturbed.
#include "http_client.hpp"
#include "node_fixture.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace emqx::test;
using namespace std::chrono_literals;
using namespace std::string_literals;
using nlohmann::json;

namespace {

// MQTT 3.1.1 CONNECT (3.1): protocol name "MQTT", level 4, Clean Session, keep alive 60,
// client id "c" + one character.
std::string mqtt_connect(char id) {
    return "\x10\x0e\x00\x04MQTT\x04\x02\x00\x3c\x00\x02"s + "c" + std::string(1, id);
}

const std::string connack_accepted = "\x20\x02\x00\x00"s; // 3.2: session present 0, rc 0
const std::string pingreq = "\xC0\x00"s;                  // 3.12
const std::string pingresp = "\xD0\x00"s;                 // 3.13

/// An MQTT client that has connected (CONNACK checked).
std::unique_ptr<raw_client> mqtt_client(std::uint16_t port, char id) {
    auto c = std::make_unique<raw_client>(port);
    REQUIRE(c->send(mqtt_connect(id)));
    REQUIRE(c->receive_packet(2s) == connack_accepted);
    return c;
}

} // namespace

TEST_SUITE("integration::http::server") {
    TEST_CASE("GET /health over a socket: 200, JSON, Content-Type and Content-Length") {
        node_fixture node;
        http_client c{node.http_port()};
        REQUIRE(c.send(get_request("/health")));
        const auto reply = c.read_reply();
        REQUIRE(reply);
        CHECK(reply->status == 200);
        CHECK(reply->header("content-type") == "application/json");
        CHECK(reply->header("content-length") == std::to_string(reply->body.size()));
        CHECK(reply->body == R"({"status":"ok"})");
    }

    TEST_CASE("a keep-alive connection answers several requests, pipelined ones too") {
        node_fixture node;
        http_client c{node.http_port()};
        REQUIRE(c.send(get_request("/health")));
        const auto first = c.read_reply();
        REQUIRE(first);
        CHECK(first->status == 200);
        REQUIRE(c.send(get_request("/nope")));
        const auto second = c.read_reply();
        REQUIRE(second);
        CHECK(second->status == 404);
        CHECK(json::parse(second->body)["error"] == "not_found");

        // HEAD gets no body; the GET right behind it on the wire must still be read whole.
        REQUIRE(c.send("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n" + get_request("/ready")));
        const auto head = c.read_reply(5s, true);
        REQUIRE(head);
        CHECK(head->status == 200);
        CHECK(head->header("content-length") == "15");
        const auto ready = c.read_reply();
        REQUIRE(ready);
        CHECK(ready->status == 200);
        CHECK(ready->body == R"({"status":"ready"})");
        CHECK(c.pending().empty());
        CHECK_FALSE(c.wait_closed(100ms));
    }

    TEST_CASE("Connection: close is honoured: the answer, then the close") {
        node_fixture node;
        http_client c{node.http_port()};
        REQUIRE(c.send(get_request("/health", "Connection: close\r\n")));
        const auto reply = c.read_reply();
        REQUIRE(reply);
        CHECK(reply->header("connection") == "close");
        CHECK(c.wait_closed(2s));
    }

    TEST_CASE("headers over the limit get 431 and the connection is closed") {
        node_fixture node;
        http_client c{node.http_port()};
        const std::string huge = "GET /metrics HTTP/1.1\r\nHost: x\r\n" + std::string(200, 'X') +
                                 ": " + std::string(20'000, 'a') + "\r\n\r\n";
        c.send(huge); // the server may stop reading (and close) before it has taken all
        const auto reply = c.read_reply(3s);
        REQUIRE(reply);
        CHECK(reply->status == 431);
        CHECK(reply->header("connection") == "close");
        CHECK(json::parse(reply->body)["error"] == "header_too_large");
        CHECK(c.wait_closed(3s));
    }

    TEST_CASE("a body over the limit gets 413") {
        node_fixture node;
        http_client c{node.http_port()};
        c.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
        const auto reply = c.read_reply(3s);
        REQUIRE(reply);
        CHECK(reply->status == 413);
        CHECK(c.wait_closed(3s));
    }

    TEST_CASE("garbage bytes get 400 and a close") {
        node_fixture node;
        http_client c{node.http_port()};
        c.send("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n"s);
        const auto reply = c.read_reply(3s);
        REQUIRE(reply);
        CHECK(reply->status == 400);
        CHECK(c.wait_closed(3s));
    }

    TEST_CASE("a client whose headers do not complete in time is closed") {
        node_fixture node; // request timeout 800 ms
        http_client idle{node.http_port()};
        http_client trickle{node.http_port()};
        const auto start = std::chrono::steady_clock::now();
        REQUIRE(idle.send("GET /health HTTP/1.1\r\nHost: x\r\n"));
        // Slowloris: a byte every 100 ms never resets the deadline of the request.
        const std::string header = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        bool trickle_cut = false;
        for (const char ch : header) {
            if (!trickle.send(std::string(1, ch)) || trickle.wait_closed(100ms)) {
                trickle_cut = true;
                break;
            }
        }
        CHECK(trickle_cut);
        CHECK(idle.wait_closed(3s));
        const auto took = std::chrono::steady_clock::now() - start;
        CHECK(took >= 700ms);
        CHECK(took < 3s);
    }

    TEST_CASE("connections over the limit get 503 and are closed; a freed slot is reusable") {
        auto limits = quick_limits();
        limits.request_timeout = 5s;
        limits.max_connections = 3;
        node_fixture node{limits};
        std::vector<std::unique_ptr<http_client>> held;
        for (int i = 0; i < 3; ++i) {
            held.push_back(std::make_unique<http_client>(node.http_port()));
            REQUIRE(held.back()->send(get_request("/health")));
            REQUIRE(held.back()->read_reply()); // accepted and served: it counts
        }
        CHECK(node.http_connections() == 3);
        http_client extra{node.http_port()};
        extra.send(get_request("/health"));
        const auto refused = extra.read_reply(2s);
        REQUIRE(refused);
        CHECK(refused->status == 503);
        CHECK(extra.wait_closed(2s));

        held.front()->close();
        held.erase(held.begin());
        for (int i = 0; i < 100 && node.http_connections() > 2; ++i) {
            std::this_thread::sleep_for(10ms);
        }
        http_client again{node.http_port()};
        REQUIRE(again.send(get_request("/health")));
        const auto reply = again.read_reply();
        REQUIRE(reply);
        CHECK(reply->status == 200);
    }

    TEST_CASE("bad HTTP clients do not disturb MQTT traffic on the same io_context") {
        node_fixture node;
        std::vector<std::unique_ptr<http_client>> slow;
        for (int i = 0; i < 10; ++i) {
            slow.push_back(std::make_unique<http_client>(node.http_port()));
            slow.back()->send("GET /metrics HTTP/1.1\r\nHost: x\r\n"); // never finished
        }
        http_client huge{node.http_port()};
        huge.send("GET / HTTP/1.1\r\n" + std::string(100'000, 'h'));

        const auto start = std::chrono::steady_clock::now();
        auto mqtt = mqtt_client(node.mqtt_port(), '1');
        for (int i = 0; i < 20; ++i) {
            REQUIRE(mqtt->send(pingreq));
            CHECK(mqtt->receive_packet(1s) == pingresp);
        }
        CHECK(std::chrono::steady_clock::now() - start < 500ms);
    }

    TEST_CASE("status and metrics follow MQTT clients as they connect") {
        node_fixture node;
        auto first = mqtt_client(node.mqtt_port(), '1');
        auto second = mqtt_client(node.mqtt_port(), '2');
        http_client c{node.http_port()};
        REQUIRE(c.send(get_request("/api/v1/status")));
        const auto status = c.read_reply();
        REQUIRE(status);
        const auto j = json::parse(status->body);
        CHECK(j["counts"]["connections"] == 2);
        CHECK(j["counts"]["sessions"] == 2);
        CHECK(j["node_id"] == "node1");
        bool mqtt_listed = false;
        for (const auto& l : j["listeners"]) {
            if (l["name"] == "mqtt") {
                mqtt_listed = l["port"] == node.mqtt_port();
            }
        }
        CHECK(mqtt_listed);

        REQUIRE(c.send(get_request("/metrics")));
        const auto metrics = c.read_reply();
        REQUIRE(metrics);
        CHECK(metrics->header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
        CHECK(metrics->body.find("emqx_connections_count{node=\"node1\"} 2\n") !=
              std::string::npos);
        CHECK(metrics->body.find("emqx_connections_total{node=\"node1\"} 2\n") !=
              std::string::npos);
        CHECK(metrics->body.find(
                  "emqx_packets_received_total{node=\"node1\",type=\"connect\"} 2\n") !=
              std::string::npos);
    }

    TEST_CASE("with a token, /api/* over the wire needs the bearer token; /metrics does not") {
        node_fixture node{quick_limits(), "t0ken"};
        http_client c{node.http_port()};
        REQUIRE(c.send(get_request("/api/v1/status")));
        const auto denied = c.read_reply();
        REQUIRE(denied);
        CHECK(denied->status == 401);
        REQUIRE(c.send(get_request("/api/v1/status", "Authorization: Bearer t0ken\r\n")));
        const auto allowed = c.read_reply();
        REQUIRE(allowed);
        CHECK(allowed->status == 200);
        REQUIRE(c.send(get_request("/metrics")));
        const auto metrics = c.read_reply();
        REQUIRE(metrics);
        CHECK(metrics->status == 200);
    }

    TEST_CASE("stopping the server closes its open connections") {
        node_fixture node;
        http_client c{node.http_port()};
        REQUIRE(c.send(get_request("/health")));
        REQUIRE(c.read_reply());
        node.stop_http();
        CHECK(c.wait_closed(2s));
        for (int i = 0; i < 100 && node.http_connections() > 0; ++i) {
            std::this_thread::sleep_for(10ms); // the aborted handlers run, then they are gone
        }
        CHECK(node.http_connections() == 0);
    }
}

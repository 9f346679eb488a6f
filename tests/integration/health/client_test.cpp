// share/client against real sockets: HTTP errors (refused, garbage, silence, non-200, not
// JSON), TCP connect, and the MQTT probe against a real emqxd (its refusals: mqtt_probe_test).
#include "health_support.hpp"
#include "loopback_listener.hpp"

#include <emqx/client/http.hpp>
#include <emqx/client/mqtt_probe.hpp>
#include <emqx/client/tcp.hpp>

#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

using namespace emqx::test;
using namespace std::chrono_literals;
namespace client = emqx::client;

namespace {

/// A TCP listener on 127.0.0.1 that answers each connection with `reply` (or stays silent when
/// it is empty) and closes; stops when destroyed.
class tiny_server {
public:
    explicit tiny_server(std::string reply) : reply_(std::move(reply)) {
        fd_ = emqx::test::listen_on_loopback(8, port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~tiny_server() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        thread_.join();
        ::close(fd_);
    }
    tiny_server(const tiny_server&) = delete;
    tiny_server& operator=(const tiny_server&) = delete;

    [[nodiscard]] client::host_port address() const { return {"127.0.0.1", port_}; }

private:
    void serve() {
        while (!stop_) {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) {
                return;
            }
            char request[2048];
            (void)::recv(c, request, sizeof request, 0);
            if (reply_.empty()) {
                std::this_thread::sleep_for(1500ms); // longer than the client's timeout
            } else {
                (void)::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
            }
            ::close(c);
        }
    }

    std::string reply_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::string
http_reply(const std::string& status, const std::string& type, const std::string& body) {
    return "HTTP/1.1 " + status + "\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
           body;
}

/// A port with nothing listening: bound then closed.
std::uint16_t closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t length = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
    ::close(fd);
    return ntohs(a.sin_port);
}

} // namespace

TEST_SUITE("integration::client_http") {

    TEST_CASE("a closed port is 'refused' and the message names the address") {
        const client::host_port node{"127.0.0.1", closed_port()};
        const auto r = client::http_get(node, "/health");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().kind == client::http_failure::refused);
        CHECK(r.error().message == "connection refused by " + client::to_string(node));
        const auto tcp = client::tcp_connect(node, 1s);
        REQUIRE_FALSE(tcp.has_value());
        CHECK(tcp.error() == "connection refused by " + client::to_string(node));
    }

    TEST_CASE("a server that never answers is 'timed_out' within the timeout") {
        const tiny_server silent{""};
        const auto start = std::chrono::steady_clock::now();
        const auto r = client::http_get(silent.address(), "/health", {300ms, ""});
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().kind == client::http_failure::timed_out);
        CHECK(r.error().message.find("within 0.3 s") != std::string::npos);
        CHECK(std::chrono::steady_clock::now() - start < 1200ms);
        CHECK(client::tcp_connect(silent.address(), 1s).has_value());
    }

    TEST_CASE("an HTML page where JSON was expected is 'not_json' and quotes its start") {
        const tiny_server html{
            http_reply("200 OK", "text/html", "<html><body>hello</body></html>")};
        const auto r = client::get_json(html.address(), "/api/v1/status");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().kind == client::http_failure::not_json);
        CHECK(r.error().message.find("'<html><body>hello") != std::string::npos);
    }

    TEST_CASE("a non-2xx status is 'bad_status' with the status; http_get itself accepts it") {
        const tiny_server error{http_reply("503 Service Unavailable", "application/json", "{}")};
        const auto r = client::get_json(error.address(), "/ready");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().kind == client::http_failure::bad_status);
        CHECK(r.error().status == 503);
        CHECK(r.error().message.rfind("HTTP 503 from http://", 0) == 0);
        const auto raw = client::http_get(error.address(), "/ready");
        REQUIRE(raw.has_value());
        CHECK(raw->status == 503);
        CHECK(raw->content_type == "application/json");
    }

    TEST_CASE("garbage instead of HTTP is an error, never a crash") {
        const tiny_server garbage{"\x01\x02 this is not http\r\n\r\n"};
        const auto r = client::get_json(garbage.address(), "/api/v1/status");
        CHECK_FALSE(r.has_value());
    }

    TEST_CASE("emqxctl health at an HTTP server that is not emqxd is UNKNOWN with a hint") {
        const tiny_server html{http_reply("200 OK", "text/html", "<html>It works!</html>")};
        const auto r = health::run_ctl({"--node", client::to_string(html.address()), "health"});
        INFO(r.out, r.err);
        CHECK(r.status == 3);
        CHECK(r.out.find("not JSON from http://") != std::string::npos);
        CHECK(r.out.find("does not look like an emqxd HTTP port") != std::string::npos);
    }

    TEST_CASE("a real node's status parses as JSON") {
        emqxd_process node{{"--node-id", "node1"}};
        const auto http = client::parse_host_port(health::address_of(node, "http"), 0);
        REQUIRE(http.has_value());
        const auto doc = client::get_json(*http, "/api/v1/status");
        REQUIRE(doc.has_value());
        CHECK((*doc)["node_id"] == "node1");
    }

} // TEST_SUITE

TEST_SUITE("integration::client_probe") {

    TEST_CASE("connect and round trip succeed against emqxd in MQTT 3.1.1 and 5") {
        emqxd_process node{{"--node-id", "node1"}};
        for (const int version : {4, 5}) {
            CAPTURE(version);
            client::probe_options o;
            o.broker = {"127.0.0.1", node.port()};
            o.mqtt_version = version;
            o.timeout = 3s;
            const auto connected = client::probe_connect(o);
            REQUIRE(connected.has_value());
            CHECK(connected->count() > 0);
            const auto rtt = client::probe_round_trip(o, o, 1);
            REQUIRE(rtt.has_value());
            CHECK(*rtt < 3s);
        }
    }

    TEST_CASE("a probe of a closed port fails fast without CONNACK") {
        client::probe_options o;
        o.broker = {"127.0.0.1", closed_port()};
        o.timeout = 2s;
        const auto start = std::chrono::steady_clock::now();
        const auto r = client::probe_connect(o);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().reason_code == -1);
        CHECK(std::chrono::steady_clock::now() - start < 2500ms);
    }

} // TEST_SUITE

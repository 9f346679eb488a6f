// The native MQTT probe (share/client) against peers that misbehave on purpose, against emqxd
// and mosquitto, and several probes at once: a silent node must not hold up the others.
#include "health_support.hpp"
#include "loopback_listener.hpp"

#include <emqx/client/mqtt_probe.hpp>

#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

using namespace emqx::test;
using namespace std::chrono_literals;
namespace client = emqx::client;

namespace {

using clock = std::chrono::steady_clock;

/// A TCP listener on 127.0.0.1 that plays a script on every connection: for each entry, read
/// once, then send the entry. After the script it keeps the connection open (a broker that
/// went silent) or closes it. An empty script with `close_after` false is a black hole: it
/// accepts and never answers. Everything is closed when it is destroyed.
class scripted_peer {
public:
    explicit scripted_peer(std::vector<std::string> script, bool close_after = false)
        : script_(std::move(script)), close_after_(close_after) {
        fd_ = emqx::test::listen_on_loopback(16, port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~scripted_peer() {
        ::shutdown(fd_, SHUT_RDWR);
        {
            const std::lock_guard lock(mutex_);
            for (const int c : open_) {
                ::shutdown(c, SHUT_RDWR); // wakes a recv() of a script in progress
            }
        }
        thread_.join();
        for (auto& t : players_) {
            t.join();
        }
        for (const int c : open_) {
            ::close(c);
        }
        ::close(fd_);
    }
    scripted_peer(const scripted_peer&) = delete;
    scripted_peer& operator=(const scripted_peer&) = delete;

    [[nodiscard]] client::host_port address() const { return {"127.0.0.1", port_}; }
    [[nodiscard]] std::string where() const { return client::to_string(address()); }
    /// Connections accepted so far.
    [[nodiscard]] int accepted() const { return accepted_.load(); }

private:
    void serve() {
        for (;;) {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) {
                return;
            }
            {
                const std::lock_guard lock(mutex_);
                open_.push_back(c);
            }
            ++accepted_;
            players_.emplace_back([this, c] { play(c); });
        }
    }

    void play(int c) {
        for (const auto& reply : script_) {
            char request[4096];
            if (::recv(c, request, sizeof request, 0) <= 0) {
                return;
            }
            (void)::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
        }
        if (close_after_) {
            ::shutdown(c, SHUT_RDWR);
        }
    }

    std::vector<std::string> script_;
    bool close_after_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<int> accepted_{0};
    std::mutex mutex_;
    std::vector<int> open_;
    std::thread thread_;
    std::vector<std::thread> players_;
};

/// Bytes from a literal that may hold NULs.
template <std::size_t N>
std::string bytes(const char (&text)[N]) {
    return std::string(text, N - 1);
}

client::probe_options options_for(const client::host_port& broker,
                                  int version = 4,
                                  std::chrono::milliseconds timeout = 2s) {
    client::probe_options o;
    o.broker = broker;
    o.mqtt_version = version;
    o.timeout = timeout;
    return o;
}

/// The error of a probe_connect that must fail, and how long it took.
struct failed_probe {
    client::probe_error error;
    clock::duration took;
};

failed_probe connect_must_fail(const client::probe_options& o) {
    const auto start = clock::now();
    const auto r = client::probe_connect(o);
    REQUIRE_FALSE(r.has_value());
    return {r.error(), clock::now() - start};
}

/// The error message of a failed probe, for CHECK_MESSAGE; empty on success.
template <typename Result>
std::string why(const Result& r) {
    return r.has_value() ? std::string() : r.error().message;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("integration::mqtt_probe") {

    TEST_CASE("probes of emqxd finish while a probe of a silent peer still waits") {
        emqxd_process node{{"--node-id", "node1"}};
        const scripted_peer black_hole{{}};
        std::atomic<bool> black_hole_done{false};
        std::optional<client::probe_error> black_hole_error;
        std::thread waiting([&] {
            const auto r = client::probe_connect(options_for(black_hole.address(), 4, 3s));
            if (!r) {
                black_hole_error = r.error();
            }
            black_hole_done = true;
        });
        // The silent peer has the probe's connection before the other probes start.
        for (int i = 0; i < 200 && black_hole.accepted() == 0; ++i) {
            std::this_thread::sleep_for(10ms);
        }
        REQUIRE(black_hole.accepted() == 1);

        const auto healthy = options_for({"127.0.0.1", node.port()}, 5, 3s);
        const auto connected = client::probe_connect(healthy);
        const auto rtt = client::probe_round_trip(healthy, healthy, 1);
        // Round trips in several threads at once, as health runs them for many nodes.
        std::vector<std::thread> others;
        std::atomic<int> others_ok{0};
        for (int i = 0; i < 4; ++i) {
            others.emplace_back([&] {
                if (client::probe_round_trip(healthy, healthy, 1)) {
                    ++others_ok;
                }
            });
        }
        for (auto& t : others) {
            t.join();
        }
        const bool finished_first = !black_hole_done.load();
        waiting.join();

        CHECK_MESSAGE(connected.has_value(), why(connected));
        CHECK_MESSAGE(rtt.has_value(), why(rtt));
        CHECK(others_ok == 4);
        CHECK(finished_first);
        REQUIRE(black_hole_error.has_value());
        CHECK(black_hole_error->message ==
              "no CONNACK from " + black_hole.where() + " within 3.0 s");
        CHECK(black_hole_error->reason_code == -1);
    }

    TEST_CASE("a round trip with a silent subscriber's broker ends after the timeout") {
        const scripted_peer black_hole{{}};
        const auto o = options_for(black_hole.address(), 4, 500ms);
        const auto start = clock::now();
        const auto r = client::probe_round_trip(o, o, 1);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().message == "no CONNACK from " + black_hole.where() + " within 0.5 s");
        CHECK(clock::now() - start < 1500ms);
    }

    TEST_CASE("a peer that answers HTTP is not MQTT, and the error quotes what it sent") {
        const scripted_peer http{{"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"}};
        const auto [error, took] = connect_must_fail(options_for(http.address()));
        CHECK(error.message == "cannot connect to " + http.where() +
                                   ": no MQTT CONNACK (received 'HTTP/1.1 400 Bad Request...' "
                                   "instead)");
        CHECK(error.reason_code == -1);
        CHECK(took < 1s); // no wait for the rest of a "packet" that never comes
    }

    TEST_CASE("binary garbage is quoted escaped") {
        const scripted_peer garbage{{bytes("\x01\x02\x00\xff")}};
        const auto [error, took] = connect_must_fail(options_for(garbage.address()));
        CHECK(contains(error.message, "no MQTT CONNACK (received '\\x01\\x02\\x00\\xff' instead)"));
        CHECK(took < 1s);
    }

    TEST_CASE("an MQTT packet other than CONNACK first is named") {
        const scripted_peer pingresp{{bytes("\xd0\x00")}};
        const auto [error, took] = connect_must_fail(options_for(pingresp.address()));
        CHECK(error.message == "cannot connect to " + pingresp.where() +
                                   ": no MQTT CONNACK (received pingresp instead)");
        CHECK(took < 1s);
    }

    TEST_CASE("a peer that reads the CONNECT and closes: connection closed") {
        const scripted_peer closer{{""}, true};
        const auto [error, took] = connect_must_fail(options_for(closer.address()));
        CHECK(error.message ==
              "cannot connect to " + closer.where() + ": no MQTT CONNACK (connection closed)");
        CHECK(took < 1s);
    }

    TEST_CASE("a peer that closes at once: connection closed or reset, never a hang") {
        const scripted_peer closer{{}, true};
        const auto [error, took] = connect_must_fail(options_for(closer.address()));
        // Which one depends on whether our CONNECT or the peer's close came first.
        CHECK_MESSAGE((contains(error.message, "no MQTT CONNACK (connection closed)") ||
                       contains(error.message, "no MQTT CONNACK (connection reset by peer)") ||
                       contains(error.message, "no MQTT CONNACK (broken pipe)")),
                      error.message);
        CHECK(error.reason_code == -1);
        CHECK(took < 1s);
    }

    TEST_CASE("a CONNACK cut short by a close says how much came") {
        const scripted_peer cut{{bytes("\x20\x02\x00")}, true};
        const auto [error, took] = connect_must_fail(options_for(cut.address()));
        CHECK(contains(error.message,
                       "no MQTT CONNACK (connection closed after 3 bytes of a CONNACK)"));
        CHECK(took < 1s);
    }

    TEST_CASE("a CONNACK cut short by silence is a time out") {
        const scripted_peer cut{{bytes("\x20\x02\x00")}};
        const auto [error, took] = connect_must_fail(options_for(cut.address(), 4, 300ms));
        CHECK(error.message == "no CONNACK from " + cut.where() + " within 0.3 s");
        CHECK(took < 1s);
    }

    TEST_CASE("an oversized or broken remaining length fails at once without buffering") {
        SUBCASE("268 MB declared") {
            const scripted_peer huge{{bytes("\x20\xff\xff\xff\x7f")}};
            const auto [error, took] = connect_must_fail(options_for(huge.address()));
            CHECK(contains(error.message, "no MQTT CONNACK (invalid packet: packet too large)"));
            CHECK(took < 1s);
        }
        SUBCASE("five length bytes [MQTT-1.5.5]") {
            const scripted_peer broken{{bytes("\x20\xff\xff\xff\xff\x01")}};
            const auto [error, took] = connect_must_fail(options_for(broken.address()));
            CHECK(contains(error.message, "no MQTT CONNACK (invalid packet: malformed packet)"));
            CHECK(took < 1s);
        }
    }

    TEST_CASE("a CONNACK with a return code MQTT 3.1.1 does not define is malformed") {
        const scripted_peer bad{{bytes("\x20\x02\x00\x09")}};
        const auto [error, took] = connect_must_fail(options_for(bad.address()));
        CHECK(contains(error.message, "no MQTT CONNACK (malformed CONNACK: malformed packet)"));
        CHECK(error.reason_code == -1);
    }

    TEST_CASE("CONNACK refusals: v3 return codes and v5 reason codes, with their texts") {
        SUBCASE("v3 not authorized") {
            const scripted_peer peer{{bytes("\x20\x02\x00\x05")}};
            const auto [error, took] = connect_must_fail(options_for(peer.address(), 4));
            CHECK(error.message == "not authorized (CONNACK 5) from " + peer.where());
            CHECK(error.reason_code == 5);
            CHECK(error.is_auth_failure());
        }
        SUBCASE("v3 server unavailable") {
            const scripted_peer peer{{bytes("\x20\x02\x00\x03")}};
            const auto [error, took] = connect_must_fail(options_for(peer.address(), 4));
            CHECK(error.message == "server unavailable (CONNACK 3) from " + peer.where());
            CHECK(error.reason_code == 3);
            CHECK_FALSE(error.is_auth_failure());
        }
        SUBCASE("v5 not authorized, with properties") {
            // Reason String "no" (0x1F) in the CONNACK properties.
            const scripted_peer peer{{bytes("\x20\x08\x00\x87\x05\x1f\x00\x02no")}};
            const auto [error, took] = connect_must_fail(options_for(peer.address(), 5));
            CHECK(error.message == "not authorized (CONNACK 0x87) from " + peer.where());
            CHECK(error.reason_code == 0x87);
            CHECK(error.is_auth_failure());
        }
        SUBCASE("v5 server busy") {
            const scripted_peer peer{{bytes("\x20\x03\x00\x89\x00")}};
            const auto [error, took] = connect_must_fail(options_for(peer.address(), 5));
            CHECK(error.message == "server busy (CONNACK 0x89) from " + peer.where());
            CHECK(error.reason_code == 0x89);
        }
        SUBCASE("a v3 broker's answer to a v5 CONNECT [MQTT-3.1.2-2]") {
            const scripted_peer peer{{bytes("\x20\x02\x00\x01")}};
            const auto [error, took] = connect_must_fail(options_for(peer.address(), 5));
            CHECK(error.message ==
                  "unacceptable protocol version (CONNACK 1) from " + peer.where());
            CHECK(error.reason_code == 1);
        }
    }

    TEST_CASE("a broker that accepts but never answers SUBSCRIBE: no SUBACK within") {
        const scripted_peer mute{{bytes("\x20\x02\x00\x00")}};
        const auto o = options_for(mute.address(), 4, 400ms);
        const auto start = clock::now();
        const auto r = client::probe_round_trip(o, o, 1);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().message == "no SUBACK from " + mute.where() + " within 0.4 s");
        CHECK(clock::now() - start < 1500ms);
    }

    TEST_CASE("a refused subscription is an error that says so") {
        SUBCASE("v3 0x80") {
            const scripted_peer peer{{bytes("\x20\x02\x00\x00"), bytes("\x90\x03\x00\x01\x80")}};
            const auto o = options_for(peer.address(), 4);
            const auto r = client::probe_round_trip(o, o, 1);
            REQUIRE_FALSE(r.has_value());
            CHECK(contains(r.error().message, " refused by " + peer.where()));
            CHECK(contains(r.error().message, "(SUBACK 0x80)"));
        }
        SUBCASE("v5 not authorized") {
            const scripted_peer peer{
                {bytes("\x20\x03\x00\x00\x00"), bytes("\x90\x04\x00\x01\x00\x87")}};
            const auto o = options_for(peer.address(), 5);
            const auto r = client::probe_round_trip(o, o, 1);
            REQUIRE_FALSE(r.has_value());
            CHECK(contains(r.error().message, ": not authorized (SUBACK 0x87)"));
        }
    }

    TEST_CASE("garbage after the CONNACK ends a round trip with a clear error") {
        const scripted_peer peer{{bytes("\x20\x02\x00\x00"), bytes("\xff\xff\xff\xff\xff\xff")}};
        const auto o = options_for(peer.address(), 4);
        const auto start = clock::now();
        const auto r = client::probe_round_trip(o, o, 1);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().message ==
              "bad MQTT from " + peer.where() + ": invalid packet: malformed packet");
        CHECK(clock::now() - start < 1s);
    }

    TEST_CASE(
        "emqxd refusing a password: an authentication failure, its texts and codes in v3 and v5") {
        detail::temp_file config{"emqx-probe-refusal"};
        std::ofstream(config.path()) << "auth:\n  enabled: true\n  allow_anonymous: false\n"
                                        "  users:\n    - username: \"probe\"\n"
                                        "      password: \"right\"\n      algorithm: plain\n";
        emqxd_process node{{"--node-id", "node1", "--config", config.path()}};
        const client::host_port broker{"127.0.0.1", node.port()};
        auto o = options_for(broker, 4, 3s);
        o.username = "probe";
        o.password = "wrong";
        const auto v3 = connect_must_fail(o).error;
        CHECK(v3.message ==
              "bad user name or password (CONNACK 4) from " + client::to_string(broker));
        CHECK(v3.reason_code == 4);
        CHECK(v3.is_auth_failure());
        CHECK(v3.message.find("wrong") == std::string::npos); // never the password
        o.mqtt_version = 5;
        const auto v5 = connect_must_fail(o).error;
        CHECK(v5.message ==
              "bad user name or password (CONNACK 0x86) from " + client::to_string(broker));
        CHECK(v5.reason_code == 0x86);
        const auto rtt = client::probe_round_trip(o, o, 1);
        REQUIRE_FALSE(rtt.has_value());
        CHECK(rtt.error().is_auth_failure());
        o.password = "right";
        CHECK(client::probe_connect(o).has_value());
        const auto ok = client::probe_round_trip(o, o, 1);
        CHECK_MESSAGE(ok.has_value(), why(ok));
    }

    TEST_CASE("a host name is resolved; a broker on 127.0.0.1 is found through localhost") {
        emqxd_process node{{"--node-id", "node1"}};
        const auto o = options_for({"localhost", node.port()}, 4, 3s);
        const auto connected = client::probe_connect(o);
        CHECK_MESSAGE(connected.has_value(), why(connected));
        const auto rtt = client::probe_round_trip(o, o, 0);
        CHECK_MESSAGE(rtt.has_value(), why(rtt));
    }

    TEST_CASE("round trips at QoS 0, 1 and 2 against emqxd and mosquitto, v3 and v5") {
        constexpr const char* mosquitto_path = "/usr/sbin/mosquitto";
        emqxd_process node{{"--node-id", "node1"}};
        std::vector<client::host_port> brokers{{"127.0.0.1", node.port()}};
        std::optional<detail::temp_file> config;
        std::optional<child_process> mosquitto;
        if (::access(mosquitto_path, X_OK) == 0) {
            const scripted_peer reserve{{}}; // a free port, held until mosquitto needs it
            const auto port = reserve.address().port;
            config.emplace("emqx-probe-mosquitto");
            std::ofstream(config->path())
                << "listener " << port << " 127.0.0.1\nallow_anonymous true\n";
            brokers.push_back({"127.0.0.1", port});
        } else {
            MESSAGE("mosquitto is not installed: emqxd only");
        }
        if (config) {
            mosquitto.emplace(std::vector<std::string>{mosquitto_path, "-c", config->path()},
                              "mosquitto");
            bool up = false;
            for (int i = 0; i < 50 && !up; ++i) { // until mosquitto listens, at most 5 s
                up = client::probe_connect(options_for(brokers.back(), 4, 1s)).has_value();
                if (!up) {
                    std::this_thread::sleep_for(100ms);
                }
            }
            REQUIRE_MESSAGE(up, "mosquitto did not start");
        }
        for (const auto& broker : brokers) {
            for (const int version : {4, 5}) {
                for (const int qos : {0, 1, 2}) {
                    CAPTURE(client::to_string(broker));
                    CAPTURE(version);
                    CAPTURE(qos);
                    const auto o = options_for(broker, version, 3s);
                    const auto rtt = client::probe_round_trip(o, o, qos);
                    CHECK_MESSAGE(rtt.has_value(), why(rtt));
                }
            }
        }
        if (mosquitto) {
            mosquitto->stop();
        }
    }

} // TEST_SUITE

// Orderly shutdown of the real emqxd: on SIGTERM or SIGINT v5 clients get DISCONNECT 0x8B,
// 3.1.1 clients are closed, and the process exits 0, even with a client that stopped reading.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::test;
using namespace std::string_literals;

TEST_SUITE("integration::shutdown") {
    TEST_CASE("SIGTERM sends v5 clients DISCONNECT 0x8B, closes 3.1.1 clients and exits 0 "
              "(4.13)") {
        emqxd_process broker;
        raw_client a = open_session(broker.port(), wire::connect_v5("a"));
        raw_client b = open_session(broker.port(), wire::connect_v5("b"));
        raw_client old = open_session(broker.port(), wire::connect_v311("old"));
        raw_client unconnected{broker.port()};
        a.send("\xc0\x00"s); // the broker must have seen every client before the signal
        REQUIRE(hex(a.receive_packet()) == hex("\xd0\x00"s));
        CHECK(broker.stop() == 0);
        CHECK(hex(a.receive_packet()) == hex("\xe0\x01\x8b"s));
        CHECK(hex(b.receive_packet()) == hex("\xe0\x01\x8b"s));
        CHECK(a.wait_closed());
        CHECK(b.wait_closed());
        CHECK(old.wait_closed());
        CHECK(hex(old.pending()) == hex(""s));
        CHECK(unconnected.wait_closed());
        CHECK(hex(unconnected.pending()) == hex(""s));
        const std::string log = broker.log();
        CHECK(log.find("shutting down signal=SIGTERM") != std::string::npos);
        CHECK(log.find("stopped") != std::string::npos);
    }

    TEST_CASE("SIGINT shuts down the same way and exits 0") {
        emqxd_process broker;
        raw_client c = open_session(broker.port(), wire::connect_v5("int"));
        c.send("\xc0\x00"s);
        REQUIRE(hex(c.receive_packet()) == hex("\xd0\x00"s));
        ::kill(broker.pid(), SIGINT);
        CHECK(hex(c.receive_packet()) == hex("\xe0\x01\x8b"s));
        CHECK(c.wait_closed());
        CHECK(broker.wait(std::chrono::seconds{5}) == 0); // no second signal: it exits by itself
        CHECK(broker.log().find("shutting down signal=SIGINT") != std::string::npos);
    }

    TEST_CASE("two brokers run side by side, every listener on its own free port") {
        emqxd_process a;
        emqxd_process b;
        CHECK(a.port() != b.port());
        CHECK(a.listener_port("http") != 0);
        CHECK(a.listener_port("http") != b.listener_port("http"));
        CHECK(round_trip_error(a.port()) == "");
        CHECK(round_trip_error(b.port()) == "");
    }

    TEST_CASE("a broker without clients exits 0 on SIGTERM within a second") {
        emqxd_process broker;
        const auto start = std::chrono::steady_clock::now();
        CHECK(broker.stop() == 0);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{1});
    }

    TEST_CASE("a client that stopped reading does not keep the broker from exiting") {
        emqxd_process broker;
        raw_client stalled{broker.port()};
        stalled.set_receive_buffer(4'096);
        stalled.send(wire::connect_v5("stalled"));
        REQUIRE(stalled.receive_packet());
        stalled.send(wire::subscribe(1, "big/#", 0x01, true));
        REQUIRE(hex(stalled.receive_packet()) == hex("\x90\x04\x00\x01\x00\x01"s));
        raw_client pub = open_session(broker.port(), wire::connect_v311("filler"));
        // About 4 MiB of QoS 1 messages the stalled client will never read.
        const std::string payload(64 * 1024, 'b');
        for (std::uint16_t id = 1; id <= 64; ++id) {
            pub.send(wire::publish("big/x", payload, 0x02, id, false));
            REQUIRE(hex(pub.receive_packet()) == hex("\x40\x02"s + wire::u16(id)));
        }
        const auto start = std::chrono::steady_clock::now();
        CHECK(broker.stop(std::chrono::seconds{15}) == 0);
        // main.cpp gives slow peers 5 seconds to take what is queued.
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{8});
    }
}

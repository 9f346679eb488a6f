// Broken framing and packet-order violations against the real emqxd: bad Remaining Length,
// truncated and oversized packets, reserved flags, QoS 3, CONNECT out of place, packets only a
// server may send. After each, the broker must still serve other clients.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace emqx::test;
using namespace std::string_literals;

namespace {

struct bad_packet {
    const char* what;
    std::string bytes;
};

// A connected v5 client sends `bytes`: it must get DISCONNECT `reason`, then be closed.
void expect_v5_disconnect(std::uint16_t port, const std::string& bytes, char reason) {
    raw_client c = open_session(port, wire::connect_v5("bad-v5"));
    c.send(bytes);
    CHECK(hex(c.receive_packet()) == hex("\xe0\x01"s + reason));
    CHECK(c.wait_closed());
}

// A connected 3.1.1 client sends `bytes`: it must be closed without another byte.
void expect_v3_closed(std::uint16_t port, const std::string& bytes) {
    raw_client c = open_session(port, wire::connect_v311("bad-v3"));
    c.send(bytes);
    CHECK(c.wait_closed());
    CHECK(hex(c.pending()) == hex(""s));
}

} // namespace

TEST_SUITE("integration::bad_framing") {
    TEST_CASE("a five-byte Remaining Length is malformed: v5 gets DISCONNECT 0x81 (1.5.5)") {
        emqxd_process broker;
        expect_v5_disconnect(broker.port(), "\x30\xff\xff\xff\xff\x01"s, '\x81');
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a five-byte Remaining Length closes a 3.1.1 connection without a word (1.5.5)") {
        emqxd_process broker;
        expect_v3_closed(broker.port(), "\x30\xff\xff\xff\xff\x01"s);
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a five-byte Remaining Length before CONNECT closes the connection silently") {
        emqxd_process broker;
        raw_client c{broker.port()};
        c.send("\x10\xff\xff\xff\xff\x01"s);
        CHECK(c.wait_closed());
        CHECK(hex(c.pending()) == hex(""s));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a non-minimal Remaining Length is malformed [MQTT-1.5.5-1]") {
        emqxd_process broker;
        // 0 written in two bytes.
        expect_v5_disconnect(broker.port(), "\xc0\x80\x00"s, '\x81');
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a packet declaring far more than is sent is waited for; closing it harms no one") {
        emqxd_process broker;
        {
            raw_client c = open_session(broker.port(), wire::connect_v5("truncated"));
            // PUBLISH declaring 1,000,000 bytes (under our 1 MiB limit), then a few of them.
            c.send("\x30\xc0\x84\x3d\x00\x03t/x0123456"s);
            CHECK(c.quiet_for(std::chrono::milliseconds{300}));
        }
        {
            raw_client c{broker.port()};
            c.send("\x10\xc0\x84\x3d\x00\x04MQTT\x05"s); // a CONNECT cut short
            CHECK(c.quiet_for(std::chrono::milliseconds{300}));
        }
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a declared length past our Maximum Packet Size gets DISCONNECT 0x95 at once "
              "(3.2.2.3.6)") {
        emqxd_process broker;
        // Remaining Length 1,048,576: the packet would be 1 MiB + 4 bytes; no body is sent.
        expect_v5_disconnect(broker.port(), "\x30\x80\x80\x40"s, '\x95');
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a packet over our Maximum Packet Size sent whole gets DISCONNECT 0x95 "
              "(3.2.2.3.6)") {
        emqxd_process broker;
        std::string big = wire::publish("big", std::string(1'048'567, 'x'), 0x00, 0, true);
        REQUIRE(big.size() == 1'048'577);
        expect_v5_disconnect(broker.port(), big, '\x95');
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a packet of exactly our Maximum Packet Size is accepted and delivered") {
        emqxd_process broker;
        raw_client sub = open_session(broker.port(), wire::connect_v311("big-sub"));
        sub.send(wire::subscribe(1, "big", 0x00, false));
        CHECK(hex(sub.receive_packet()) == hex("\x90\x03\x00\x01\x00"s));
        raw_client pub = open_session(broker.port(), wire::connect_v311("big-pub"));
        // 1 + 3 (Remaining Length 1,048,572) + 5 (topic) + 1,048,567 = 1 MiB.
        const std::string big = wire::publish("big", std::string(1'048'567, 'y'), 0x00, 0, false);
        REQUIRE(big.size() == 1'048'576);
        pub.send(big, std::chrono::milliseconds{10'000});
        const auto got = sub.receive_packet(std::chrono::milliseconds{10'000});
        REQUIRE(got);
        CHECK(got->size() == big.size());
        CHECK((*got == big));
    }

    TEST_CASE("reserved fixed-header flags are malformed: v5 gets DISCONNECT 0x81 "
              "[MQTT-2.1.3-1]") {
        emqxd_process broker;
        const std::vector<bad_packet> rows{
            {"SUBSCRIBE flags 0000 [MQTT-3.8.1-1]", "\x80\x08\x00\x01\x00\x00\x02t/\x00"s},
            {"UNSUBSCRIBE flags 0000 [MQTT-3.10.1-1]", "\xa0\x07\x00\x01\x00\x00\x02t/"s},
            {"PUBREL flags 0000 [MQTT-3.6.1-1]", "\x60\x02\x00\x01"s},
            {"PINGREQ flags 0001", "\xc1\x00"s},
            {"PUBACK flags 0010", "\x42\x02\x00\x01"s},
            {"DISCONNECT flags 1000", "\xe8\x00"s},
            {"SUBSCRIBE options reserved bits 11 [MQTT-3.8.3-5]",
             "\x82\x08\x00\x01\x00\x00\x02t/\xc0"s},
        };
        for (const auto& row : rows) {
            CAPTURE(row.what);
            expect_v5_disconnect(broker.port(), row.bytes, '\x81');
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("reserved fixed-header flags close a 3.1.1 connection [MQTT-2.2.2-2]") {
        emqxd_process broker;
        const std::vector<bad_packet> rows{
            {"SUBSCRIBE flags 0000", "\x80\x07\x00\x01\x00\x02t/\x00"s},
            {"PUBREL flags 0000", "\x60\x02\x00\x01"s},
            {"PINGREQ flags 0001", "\xc1\x00"s},
        };
        for (const auto& row : rows) {
            CAPTURE(row.what);
            expect_v3_closed(broker.port(), row.bytes);
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("PUBLISH with QoS 3 is malformed [MQTT-3.3.1-4]") {
        emqxd_process broker;
        expect_v5_disconnect(broker.port(), "\x36\x08\x00\x03t/x\x00\x01\x00"s, '\x81');
        CHECK(round_trip_error(broker.port()) == "");
        expect_v3_closed(broker.port(), "\x36\x07\x00\x03t/x\x00\x01"s);
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a second CONNECT is a protocol error: v5 DISCONNECT 0x82, 3.1.1 closed "
              "[MQTT-3.1.0-2]") {
        emqxd_process broker;
        expect_v5_disconnect(broker.port(), wire::connect_v5("again"), '\x82');
        CHECK(round_trip_error(broker.port()) == "");
        expect_v3_closed(broker.port(), wire::connect_v311("again3"));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a first packet other than CONNECT closes the connection with nothing sent "
              "[MQTT-3.1.0-1]") {
        emqxd_process broker;
        const std::vector<bad_packet> rows{
            {"PUBLISH", "\x30\x05\x00\x03t/x"s},
            {"SUBSCRIBE", "\x82\x07\x00\x01\x00\x02t/\x00"s},
            {"PINGREQ", "\xc0\x00"s},
            {"DISCONNECT", "\xe0\x00"s},
            {"AUTH", "\xf0\x00"s},
            {"CONNACK", "\x20\x02\x00\x00"s},
            {"reserved type 0", "\x00\x00"s},
            {"HTTP", "GET / HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n"
             "User-Agent: emqx-integration-test/1.0\r\n\r\n"s},
        };
        for (const auto& row : rows) {
            CAPTURE(row.what);
            raw_client c{broker.port()};
            c.send(row.bytes);
            CHECK(c.wait_closed());
            CHECK(hex(c.pending()) == hex(""s));
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("packets only a server sends are a protocol error from a v5 client (0x82)") {
        emqxd_process broker;
        const std::vector<bad_packet> rows{
            {"CONNACK", "\x20\x03\x00\x00\x00"s},
            {"SUBACK", "\x90\x04\x00\x01\x00\x00"s},
            {"UNSUBACK", "\xb0\x04\x00\x01\x00\x00"s},
            {"PINGRESP", "\xd0\x00"s},
            {"AUTH without authentication in progress", "\xf0\x00"s},
        };
        for (const auto& row : rows) {
            CAPTURE(row.what);
            expect_v5_disconnect(broker.port(), row.bytes, '\x82');
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("packets only a server sends close a 3.1.1 connection [MQTT-4.8.0-1]") {
        emqxd_process broker;
        const std::vector<bad_packet> rows{
            {"CONNACK", "\x20\x02\x00\x00"s},
            {"SUBACK", "\x90\x03\x00\x01\x00"s},
            {"PINGRESP", "\xd0\x00"s},
            {"AUTH (no such packet in 3.1.1)", "\xf0\x00"s},
        };
        for (const auto& row : rows) {
            CAPTURE(row.what);
            expect_v3_closed(broker.port(), row.bytes);
            CHECK(round_trip_error(broker.port()) == "");
        }
    }
}

// Byte-exact CONNECT / CONNACK, PINGREQ, DISCONNECT, keep alive and takeover exchanges with the
// real emqxd, in MQTT 3.1.1 and 5.0.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>

using namespace emqx::test;
using namespace std::string_literals;

namespace {

// CONNACK 5.0 accepting a connection on a default broker: Session Present 0, reason 0x00, then
// the properties in ascending identifier order (the order is ours; the spec allows any):
// Receive Maximum 128, Topic Alias Maximum 64, Maximum Packet Size 1 MiB (3.2.2.3).
const std::string connack_v5_defaults =
    "\x20\x0e\x00\x00\x0b\x21\x00\x80\x22\x00\x40\x27\x00\x10\x00\x00"s;

} // namespace

TEST_SUITE("integration::connect") {
    TEST_CASE("3.1.1 CONNECT with Clean Session is accepted with Session Present 0 [MQTT-3.2.2-1]") {
        emqxd_process broker;
        raw_client c{broker.port()};
        // "MQTT", level 4, flags 0x02 (clean), keep alive 60, client id "c1".
        c.send("\x10\x0e\x00\x04MQTT\x04\x02\x00\x3c\x00\x02"
               "c1"s);
        CHECK(hex(c.receive_packet()) == hex("\x20\x02\x00\x00"s));
    }

    TEST_CASE("an MQTT 3.1 CONNECT (\"MQIsdp\", level 3) is accepted") {
        emqxd_process broker;
        raw_client c{broker.port()};
        c.send("\x10\x10\x00\x06MQIsdp\x03\x02\x00\x3c\x00\x02"
               "c1"s);
        CHECK(hex(c.receive_packet()) == hex("\x20\x02\x00\x00"s));
        c.send("\xc0\x00"s);
        CHECK(hex(c.receive_packet()) == hex("\xd0\x00"s));
    }

    TEST_CASE("5.0 CONNECT gets a CONNACK with our Receive Maximum, Topic Alias Maximum and "
              "Maximum Packet Size") {
        emqxd_process broker;
        raw_client c{broker.port()};
        c.send("\x10\x0f\x00\x04MQTT\x05\x02\x00\x3c\x00\x00\x02"
               "c1"s);
        CHECK(hex(c.receive_packet()) == hex(connack_v5_defaults));
    }

    TEST_CASE("5.0 CONNECT with an empty client id gets an Assigned Client Identifier "
              "[MQTT-3.2.2-16]") {
        emqxd_process broker;
        raw_client c{broker.port()};
        c.send("\x10\x0d\x00\x04MQTT\x05\x02\x00\x3c\x00\x00\x00"s);
        // 0x12 "emqxd-node1-1" (assigned ids name the node, so that no two nodes of a cluster
        // assign the same one) comes before the three limits.
        CHECK(hex(c.receive_packet()) ==
              hex("\x20\x1e\x00\x00\x1b\x12\x00\x0d"
                  "emqxd-node1-1\x21\x00\x80\x22\x00\x40\x27\x00\x10\x00\x00"s));
    }

    TEST_CASE("3.1.1 CONNECT with an empty client id and Clean Session 1 is accepted "
              "[MQTT-3.1.3-6]") {
        emqxd_process broker;
        raw_client c{broker.port()};
        c.send("\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c\x00\x00"s);
        CHECK(hex(c.receive_packet()) == hex("\x20\x02\x00\x00"s));
    }

    TEST_CASE("3.1.1 CONNECT with an empty client id and Clean Session 0 is refused with return "
              "code 2 and closed [MQTT-3.1.3-8]") {
        emqxd_process broker;
        raw_client c{broker.port()};
        c.send("\x10\x0c\x00\x04MQTT\x04\x00\x00\x3c\x00\x00"s);
        CHECK(hex(c.receive_packet()) == hex("\x20\x02\x00\x02"s));
        CHECK(c.wait_closed());
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("an unknown protocol level gets return code 1 and the connection is closed "
              "[MQTT-3.1.2-2]") {
        emqxd_process broker;
        raw_client c{broker.port()};
        c.send("\x10\x0e\x00\x04MQTT\x06\x02\x00\x3c\x00\x02"
               "c1"s);
        CHECK(hex(c.receive_packet()) == hex("\x20\x02\x00\x01"s));
        CHECK(c.wait_closed());
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("5.0 CONNECT with an Authentication Method is refused with 0x8C (no enhanced "
              "authentication) [MQTT-3.2.2-7]") {
        emqxd_process broker;
        raw_client c{broker.port()};
        // Properties: 0x15 "x" (4 bytes).
        c.send("\x10\x13\x00\x04MQTT\x05\x02\x00\x3c\x04\x15\x00\x01x\x00\x02"
               "c1"s);
        CHECK(hex(c.receive_packet()) == hex("\x20\x03\x00\x8c\x00"s));
        CHECK(c.wait_closed());
    }

    TEST_CASE("5.0 CONNECT with the reserved flag set gets CONNACK 0x81 and is closed "
              "[MQTT-3.1.2-3]") {
        emqxd_process broker;
        raw_client c{broker.port()};
        c.send("\x10\x0f\x00\x04MQTT\x05\x03\x00\x3c\x00\x00\x02"
               "c1"s);
        CHECK(hex(c.receive_packet()) == hex("\x20\x03\x00\x81\x00"s));
        CHECK(c.wait_closed());
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("3.1.1 CONNECT with the reserved flag set is closed without a CONNACK "
              "[MQTT-3.1.2-3]") {
        emqxd_process broker;
        raw_client c{broker.port()};
        c.send("\x10\x0e\x00\x04MQTT\x04\x03\x00\x3c\x00\x02"
               "c1"s);
        CHECK(c.wait_closed());
        CHECK(hex(c.pending()) == hex(""s));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a resumed 3.1.1 session is reported with Session Present 1 [MQTT-3.2.2-2]") {
        emqxd_process broker;
        {
            raw_client first{broker.port()};
            first.send("\x10\x0e\x00\x04MQTT\x04\x00\x00\x3c\x00\x02p1"s);
            CHECK(hex(first.receive_packet()) == hex("\x20\x02\x00\x00"s));
            first.send("\xe0\x00"s);
            CHECK(first.wait_closed());
        }
        raw_client second{broker.port()};
        second.send("\x10\x0e\x00\x04MQTT\x04\x00\x00\x3c\x00\x02p1"s);
        CHECK(hex(second.receive_packet()) == hex("\x20\x02\x01\x00"s));
    }

    TEST_CASE("a resumed 5.0 session with Session Expiry is reported with Session Present 1 "
              "[MQTT-3.2.2-3]") {
        emqxd_process broker;
        // Clean Start 0, Session Expiry Interval 60 (0x11 00 00 00 3c).
        const std::string connect = "\x10\x14\x00\x04MQTT\x05\x00\x00\x3c\x05\x11\x00\x00\x00\x3c"
                                    "\x00\x02p5"s;
        {
            raw_client first{broker.port()};
            first.send(connect);
            CHECK(hex(first.receive_packet()) == hex(connack_v5_defaults));
            first.send("\xe0\x00"s);
            CHECK(first.wait_closed());
        }
        raw_client second{broker.port()};
        second.send(connect);
        CHECK(hex(second.receive_packet()) ==
              hex("\x20\x0e\x01\x00\x0b\x21\x00\x80\x22\x00\x40\x27\x00\x10\x00\x00"s));
    }

    TEST_CASE("a Session Expiry Interval of 0 on DISCONNECT ends a session that was to be kept "
              "(3.14.2.2.2)") {
        emqxd_process broker;
        {
            raw_client first = open_session(broker.port(),
                                            wire::connect_v5("se", "\x11\x00\x00\x00\x3c"s));
            // DISCONNECT 0x00 with properties: Session Expiry Interval 0.
            first.send("\xe0\x07\x00\x05\x11\x00\x00\x00\x00"s);
            CHECK(first.wait_closed());
        }
        raw_client second{broker.port()};
        second.send(wire::connect_v5("se", "\x11\x00\x00\x00\x3c"s, false));
        CHECK(hex(second.receive_packet()) == hex(connack_v5_defaults)); // Session Present 0
    }

    TEST_CASE("5.0 allows a password without a user name (3.1.2.9)") {
        emqxd_process broker;
        raw_client c{broker.port()};
        // Flags 0x42: password, clean start; client id "pw", password "pw".
        c.send("\x10\x13\x00\x04MQTT\x05\x42\x00\x3c\x00\x00\x02pw\x00\x02pw"s);
        CHECK(hex(c.receive_packet()) == hex(connack_v5_defaults));
    }

    TEST_CASE("3.1.1 refuses a password without a user name and accepts both [MQTT-3.1.2-22]") {
        emqxd_process broker;
        {
            raw_client c{broker.port()};
            c.send("\x10\x12\x00\x04MQTT\x04\x42\x00\x3c\x00\x02pw\x00\x02pw"s);
            CHECK(c.wait_closed());
            CHECK(hex(c.pending()) == hex(""s));
        }
        raw_client both{broker.port()};
        // Flags 0xC2: user name, password, clean session; id "up", user "u", password "p".
        both.send("\x10\x14\x00\x04MQTT\x04\xc2\x00\x3c\x00\x02up\x00\x01u\x00\x01p"s);
        CHECK(hex(both.receive_packet()) == hex("\x20\x02\x00\x00"s));
    }

    TEST_CASE("packets that arrive one byte at a time are put together") {
        emqxd_process broker;
        raw_client c{broker.port()};
        const std::string script = wire::connect_v5("slow") + "\xc0\x00"s;
        for (const char byte : script) {
            c.send(std::string(1, byte));
            std::this_thread::sleep_for(std::chrono::milliseconds{1});
        }
        CHECK(hex(c.receive_packet()) == hex(connack_v5_defaults));
        CHECK(hex(c.receive_packet()) == hex("\xd0\x00"s));
    }

    TEST_CASE("several packets in one write are all answered, in order") {
        emqxd_process broker;
        raw_client c{broker.port()};
        c.send(wire::connect_v311("burst") + wire::subscribe(1, "b/1", 0x01, false) +
               "\xc0\x00"s + "\x32\x09\x00\x03"s + "b/1\x00\x05hi"s + "\xc0\x00"s);
        CHECK(hex(c.receive_packet()) == hex("\x20\x02\x00\x00"s));
        CHECK(hex(c.receive_packet()) == hex("\x90\x03\x00\x01\x01"s));
        CHECK(hex(c.receive_packet()) == hex("\xd0\x00"s));
        // Our own message comes back (no No Local in 3.1.1) and is acknowledged, in some order.
        const auto a = c.receive_packet();
        const auto b = c.receive_packet();
        const std::string puback = "\x40\x02\x00\x05"s;
        const std::string publish = "\x32\x09\x00\x03"s + "b/1\x00\x01hi"s;
        CHECK(((hex(a) == hex(puback) && hex(b) == hex(publish)) ||
               (hex(a) == hex(publish) && hex(b) == hex(puback))));
        CHECK(hex(c.receive_packet()) == hex("\xd0\x00"s));
    }

    TEST_CASE("PINGREQ is answered with PINGRESP in both versions [MQTT-3.12.4-1]") {
        emqxd_process broker;
        raw_client v3 = open_session(broker.port(), wire::connect_v311("ping3"));
        raw_client v5 = open_session(broker.port(), wire::connect_v5("ping5"));
        v3.send("\xc0\x00"s);
        v5.send("\xc0\x00"s);
        CHECK(hex(v3.receive_packet()) == hex("\xd0\x00"s));
        CHECK(hex(v5.receive_packet()) == hex("\xd0\x00"s));
    }

    TEST_CASE("DISCONNECT makes the server close the connection without sending anything "
              "[MQTT-3.14.4-1]") {
        emqxd_process broker;
        raw_client v3 = open_session(broker.port(), wire::connect_v311("bye3"));
        raw_client v5 = open_session(broker.port(), wire::connect_v5("bye5"));
        v3.send("\xe0\x00"s);
        v5.send("\xe0\x01\x00"s);
        CHECK(v3.wait_closed());
        CHECK(v5.wait_closed());
        CHECK(hex(v3.pending()) == hex(""s));
        CHECK(hex(v5.pending()) == hex(""s));
    }

    TEST_CASE("a silent 5.0 client is disconnected with 0x8D after 1.5 keep alive periods "
              "[MQTT-3.1.2-22]") {
        emqxd_process broker;
        raw_client c{broker.port()};
        // Keep alive 1 second.
        c.send("\x10\x0f\x00\x04MQTT\x05\x02\x00\x01\x00\x00\x02ka"s);
        CHECK(hex(c.receive_packet()) == hex(connack_v5_defaults));
        CHECK(c.quiet_for(std::chrono::milliseconds{1'000}));
        CHECK(hex(c.receive_packet(std::chrono::milliseconds{3'000})) == hex("\xe0\x01\x8d"s));
        CHECK(c.wait_closed());
    }

    TEST_CASE("a 3.1.1 client that pings within keep alive stays connected") {
        emqxd_process broker;
        raw_client c = open_session(broker.port(), wire::connect_v311("pinger", true, 1));
        for (int i = 0; i < 4; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds{600});
            c.send("\xc0\x00"s);
            CHECK(hex(c.receive_packet()) == hex("\xd0\x00"s));
        }
    }

    TEST_CASE("a second 5.0 connection with the same client id takes over: the first gets "
              "DISCONNECT 0x8E [MQTT-3.1.4-3]") {
        emqxd_process broker;
        raw_client first = open_session(broker.port(), wire::connect_v5("twin"));
        raw_client second{broker.port()};
        second.send(wire::connect_v5("twin"));
        CHECK(hex(second.receive_packet()) == hex(connack_v5_defaults));
        CHECK(hex(first.receive_packet()) == hex("\xe0\x01\x8e"s));
        CHECK(first.wait_closed());
        second.send("\xc0\x00"s);
        CHECK(hex(second.receive_packet()) == hex("\xd0\x00"s));
    }

    TEST_CASE("a second 3.1.1 connection with the same client id closes the first "
              "[MQTT-3.1.4-2]") {
        emqxd_process broker;
        raw_client first = open_session(broker.port(), wire::connect_v311("twin3"));
        raw_client second{broker.port()};
        second.send(wire::connect_v311("twin3"));
        CHECK(hex(second.receive_packet()) == hex("\x20\x02\x00\x00"s));
        CHECK(first.wait_closed());
        CHECK(hex(first.pending()) == hex(""s));
    }
}

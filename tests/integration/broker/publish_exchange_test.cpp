// Byte-exact SUBSCRIBE / SUBACK, UNSUBSCRIBE / UNSUBACK and PUBLISH QoS 0, 1, 2 exchanges (with
// every acknowledgement) between raw clients through the real emqxd.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::test;
using namespace std::string_literals;

namespace {

// A 3.1.1 session subscribed to `filter` at `qos` (the SUBACK checked).
raw_client subscriber_v311(std::uint16_t port, const std::string& id, const std::string& filter,
                           std::uint8_t qos, bool clean = true) {
    raw_client c = open_session(port, wire::connect_v311(id, clean));
    c.send(wire::subscribe(1, filter, qos, false));
    REQUIRE(hex(c.receive_packet()) == hex("\x90\x03\x00\x01"s + static_cast<char>(qos)));
    return c;
}

} // namespace

TEST_SUITE("integration::publish") {
    TEST_CASE("3.1.1 SUBSCRIBE with several filters gets one return code per filter in order, "
              "0x80 for an invalid one [MQTT-3.8.4-5] [MQTT-3.9.3-1]") {
        emqxd_process broker;
        raw_client c = open_session(broker.port(), wire::connect_v311("s1"));
        // Packet id 7; "x" QoS 0, "y" QoS 1, "z" QoS 2, "a/#/b" (invalid: # not last).
        c.send("\x82\x16\x00\x07\x00\x01x\x00\x00\x01y\x01\x00\x01z\x02\x00\x05"
               "a/#/b\x00"s);
        CHECK(hex(c.receive_packet()) == hex("\x90\x06\x00\x07\x00\x01\x02\x80"s));
    }

    TEST_CASE("5.0 SUBSCRIBE gets a SUBACK with properties length 0 and 0x8F for an invalid "
              "filter") {
        emqxd_process broker;
        raw_client c = open_session(broker.port(), wire::connect_v5("s5"));
        // Packet id 1, no properties; "a/b" QoS 2, "+x" (invalid: + not a whole level) QoS 0.
        c.send("\x82\x0e\x00\x01\x00\x00\x03"
               "a/b\x02\x00\x02+x\x00"s);
        CHECK(hex(c.receive_packet()) == hex("\x90\x05\x00\x01\x00\x02\x8f"s));
    }

    TEST_CASE("5.0 UNSUBSCRIBE answers 0x00 for a held filter and 0x11 for one not held; "
              "messages stop [MQTT-3.10.4-1]") {
        emqxd_process broker;
        raw_client c = open_session(broker.port(), wire::connect_v5("u5"));
        c.send(wire::subscribe(1, "u/1", 0x00, true));
        CHECK(hex(c.receive_packet()) == hex("\x90\x04\x00\x01\x00\x00"s));
        // Packet id 2, no properties, "u/1" and "u/2".
        c.send("\xa2\x0d\x00\x02\x00\x00\x03u/1\x00\x03u/2"s);
        CHECK(hex(c.receive_packet()) == hex("\xb0\x05\x00\x02\x00\x00\x11"s));
        raw_client pub = open_session(broker.port(), wire::connect_v311("u-pub"));
        pub.send("\x30\x07\x00\x03u/1hi"s);
        CHECK(c.quiet_for(std::chrono::milliseconds{300}));
    }

    TEST_CASE("3.1.1 UNSUBSCRIBE is answered with UNSUBACK carrying its packet id "
              "[MQTT-3.10.4-4]") {
        emqxd_process broker;
        raw_client c = subscriber_v311(broker.port(), "u3", "u/3", 0);
        c.send("\xa2\x07\x00\x09\x00\x03u/3"s);
        CHECK(hex(c.receive_packet()) == hex("\xb0\x02\x00\x09"s));
    }

    TEST_CASE("PUBLISH QoS 0 is forwarded unchanged to 3.1.1 and with empty properties to 5.0") {
        emqxd_process broker;
        raw_client s3 = subscriber_v311(broker.port(), "q0-3", "t/0", 0);
        raw_client s5 = open_session(broker.port(), wire::connect_v5("q0-5"));
        s5.send(wire::subscribe(1, "t/0", 0x00, true));
        CHECK(hex(s5.receive_packet()) == hex("\x90\x04\x00\x01\x00\x00"s));
        raw_client pub = open_session(broker.port(), wire::connect_v311("q0-pub"));
        pub.send("\x30\x07\x00\x03t/0hi"s);
        CHECK(hex(s3.receive_packet()) == hex("\x30\x07\x00\x03t/0hi"s));
        CHECK(hex(s5.receive_packet()) == hex("\x30\x08\x00\x03t/0\x00hi"s));
        CHECK(pub.quiet_for(std::chrono::milliseconds{200})); // QoS 0 has no acknowledgement
    }

    TEST_CASE("PUBLISH QoS 1 is acknowledged with PUBACK and delivered with a packet id the "
              "subscriber acknowledges [MQTT-4.3.2-1] [MQTT-4.3.2-2]") {
        emqxd_process broker;
        raw_client sub = subscriber_v311(broker.port(), "q1-sub", "t/1", 1);
        raw_client pub = open_session(broker.port(), wire::connect_v5("q1-pub"));
        pub.send("\x32\x0a\x00\x03t/1\x00\x05\x00hi"s);
        CHECK(hex(pub.receive_packet()) == hex("\x40\x02\x00\x05"s));
        CHECK(hex(sub.receive_packet()) == hex("\x32\x09\x00\x03t/1\x00\x01hi"s));
        sub.send("\x40\x02\x00\x01"s);
        sub.send("\xc0\x00"s);
        CHECK(hex(sub.receive_packet()) == hex("\xd0\x00"s)); // nothing re-sent in between
    }

    TEST_CASE("5.0 PUBLISH QoS 1 that matches nobody gets PUBACK 0x10") {
        emqxd_process broker;
        raw_client pub = open_session(broker.port(), wire::connect_v5("lonely"));
        pub.send("\x32\x0a\x00\x03t/1\x00\x05\x00hi"s);
        CHECK(hex(pub.receive_packet()) == hex("\x40\x03\x00\x05\x10"s));
    }

    TEST_CASE("PUBLISH QoS 2 completes PUBREC / PUBREL / PUBCOMP on both sides "
              "[MQTT-4.3.3-1] [MQTT-4.3.3-2]") {
        emqxd_process broker;
        raw_client sub = subscriber_v311(broker.port(), "q2-sub", "t/2", 2);
        raw_client pub = open_session(broker.port(), wire::connect_v5("q2-pub"));
        pub.send("\x34\x0a\x00\x03t/2\x00\x09\x00hi"s);
        CHECK(hex(pub.receive_packet()) == hex("\x50\x02\x00\x09"s));
        pub.send("\x62\x02\x00\x09"s);
        CHECK(hex(pub.receive_packet()) == hex("\x70\x02\x00\x09"s));
        CHECK(hex(sub.receive_packet()) == hex("\x34\x09\x00\x03t/2\x00\x01hi"s));
        sub.send("\x50\x02\x00\x01"s);
        CHECK(hex(sub.receive_packet()) == hex("\x62\x02\x00\x01"s));
        sub.send("\x70\x02\x00\x01"s);
        sub.send("\xc0\x00"s);
        CHECK(hex(sub.receive_packet()) == hex("\xd0\x00"s));
    }

    TEST_CASE("the DUP flag of an incoming PUBLISH is not passed on to subscribers "
              "[MQTT-3.3.1-3]") {
        emqxd_process broker;
        raw_client sub = subscriber_v311(broker.port(), "nodup", "t/u", 1);
        raw_client pub = open_session(broker.port(), wire::connect_v311("dup-in"));
        pub.send("\x3a\x09\x00\x03t/u\x00\x03hi"s); // QoS 1, DUP 1
        CHECK(hex(pub.receive_packet()) == hex("\x40\x02\x00\x03"s));
        CHECK(hex(sub.receive_packet()) == hex("\x32\x09\x00\x03t/u\x00\x01hi"s));
    }

    TEST_CASE("subscribing again to the same filter replaces the subscription: one delivery at "
              "the new QoS [MQTT-3.8.4-3]") {
        emqxd_process broker;
        raw_client sub = subscriber_v311(broker.port(), "again", "t/s", 0);
        sub.send(wire::subscribe(2, "t/s", 0x01, false));
        CHECK(hex(sub.receive_packet()) == hex("\x90\x03\x00\x02\x01"s));
        raw_client pub = open_session(broker.port(), wire::connect_v311("again-pub"));
        pub.send("\x32\x09\x00\x03t/s\x00\x03hi"s);
        CHECK(hex(sub.receive_packet()) == hex("\x32\x09\x00\x03t/s\x00\x01hi"s));
        sub.send("\x40\x02\x00\x01"s);
        CHECK(sub.quiet_for(std::chrono::milliseconds{300}));
    }

    TEST_CASE("a v5 PUBREC with a failure reason ends that QoS 2 exchange: no PUBREL (4.3.3)") {
        emqxd_process broker;
        raw_client sub = open_session(broker.port(), wire::connect_v5("refuser"));
        sub.send(wire::subscribe(1, "t/z", 0x02, true));
        CHECK(hex(sub.receive_packet()) == hex("\x90\x04\x00\x01\x00\x02"s));
        raw_client pub = open_session(broker.port(), wire::connect_v311("refused-pub"));
        pub.send("\x34\x09\x00\x03t/z\x00\x01hi"s);
        CHECK(hex(sub.receive_packet()) == hex("\x34\x0a\x00\x03t/z\x00\x01\x00hi"s));
        sub.send("\x50\x03\x00\x01\x80"s); // PUBREC 0x80 Unspecified error
        CHECK(sub.quiet_for(std::chrono::milliseconds{300}));
        pub.send("\x34\x09\x00\x03t/z\x00\x02ho"s);
        CHECK(hex(sub.receive_packet()) == hex("\x34\x0a\x00\x03t/z\x00\x02\x00ho"s));
    }

    TEST_CASE("a message is delivered at the lower of its QoS and the granted QoS "
              "[MQTT-3.8.4-8]") {
        emqxd_process broker;
        raw_client sub0 = subscriber_v311(broker.port(), "down0", "t/d", 0);
        raw_client sub1 = subscriber_v311(broker.port(), "down1", "t/d", 1);
        raw_client pub = open_session(broker.port(), wire::connect_v311("down-pub"));
        pub.send("\x34\x09\x00\x03t/d\x00\x01hi"s);
        CHECK(hex(pub.receive_packet()) == hex("\x50\x02\x00\x01"s));
        CHECK(hex(sub0.receive_packet()) == hex("\x30\x07\x00\x03t/dhi"s));
        CHECK(hex(sub1.receive_packet()) == hex("\x32\x09\x00\x03t/d\x00\x01hi"s));
    }

    TEST_CASE("an unacknowledged QoS 1 message is re-sent with DUP 1 when the session resumes "
              "[MQTT-4.4.0-1] [MQTT-3.3.1-1]") {
        emqxd_process broker;
        {
            raw_client sub = subscriber_v311(broker.port(), "dup-sub", "t/r", 1, false);
            raw_client pub = open_session(broker.port(), wire::connect_v311("dup-pub"));
            pub.send("\x32\x09\x00\x03t/r\x00\x04hi"s);
            CHECK(hex(pub.receive_packet()) == hex("\x40\x02\x00\x04"s));
            CHECK(hex(sub.receive_packet()) == hex("\x32\x09\x00\x03t/r\x00\x01hi"s));
        } // both sockets closed without DISCONNECT and without PUBACK
        raw_client again{broker.port()};
        again.send(wire::connect_v311("dup-sub", false));
        CHECK(hex(again.receive_packet()) == hex("\x20\x02\x01\x00"s));
        CHECK(hex(again.receive_packet()) == hex("\x3a\x09\x00\x03t/r\x00\x01hi"s));
    }

    TEST_CASE("a PUBREC'd QoS 2 message is continued with PUBREL when the session resumes "
              "[MQTT-4.4.0-1]") {
        emqxd_process broker;
        {
            raw_client sub = subscriber_v311(broker.port(), "rel-sub", "t/q", 2, false);
            raw_client pub = open_session(broker.port(), wire::connect_v311("rel-pub"));
            pub.send("\x34\x09\x00\x03t/q\x00\x04hi"s);
            CHECK(hex(pub.receive_packet()) == hex("\x50\x02\x00\x04"s));
            CHECK(hex(sub.receive_packet()) == hex("\x34\x09\x00\x03t/q\x00\x01hi"s));
            sub.send("\x50\x02\x00\x01"s);
            CHECK(hex(sub.receive_packet()) == hex("\x62\x02\x00\x01"s));
        }
        raw_client again{broker.port()};
        again.send(wire::connect_v311("rel-sub", false));
        CHECK(hex(again.receive_packet()) == hex("\x20\x02\x01\x00"s));
        CHECK(hex(again.receive_packet()) == hex("\x62\x02\x00\x01"s));
        again.send("\x70\x02\x00\x01"s);
        CHECK(again.quiet_for(std::chrono::milliseconds{200}));
    }

    TEST_CASE("QoS 1 messages for an offline 3.1.1 session are queued and delivered on "
              "reconnection; QoS 0 ones are not") {
        emqxd_process broker;
        {
            raw_client sub = subscriber_v311(broker.port(), "offline", "t/o", 1, false);
            sub.send("\xe0\x00"s);
            CHECK(sub.wait_closed());
        }
        raw_client pub = open_session(broker.port(), wire::connect_v311("off-pub"));
        pub.send("\x30\x07\x00\x03t/oq0"s);
        pub.send("\x32\x09\x00\x03t/o\x00\x02q1"s);
        CHECK(hex(pub.receive_packet()) == hex("\x40\x02\x00\x02"s));
        raw_client again{broker.port()};
        again.send(wire::connect_v311("offline", false));
        CHECK(hex(again.receive_packet()) == hex("\x20\x02\x01\x00"s));
        CHECK(hex(again.receive_packet()) == hex("\x32\x09\x00\x03t/o\x00\x01q1"s));
        again.send("\x40\x02\x00\x01"s);
        CHECK(again.quiet_for(std::chrono::milliseconds{200}));
    }

    TEST_CASE("an offline session queues at most 1,000 QoS 1 messages; later ones are dropped") {
        emqxd_process broker;
        {
            raw_client sub = subscriber_v311(broker.port(), "full", "t/f", 1, false);
            sub.send("\xe0\x00"s);
            CHECK(sub.wait_closed());
        }
        raw_client pub = open_session(broker.port(), wire::connect_v311("full-pub"));
        std::string burst;
        for (std::uint16_t id = 1; id <= 1'100; ++id) {
            burst += wire::publish("t/f", std::to_string(id), 0x02, id, false);
        }
        pub.send(burst);
        for (std::uint16_t id = 1; id <= 1'100; ++id) {
            const auto ack = pub.receive_packet();
            if (hex(ack) != hex(wire::ack(0x40, id))) {
                CHECK(hex(ack) == hex(wire::ack(0x40, id)));
                break;
            }
        }
        raw_client again{broker.port()};
        again.send(wire::connect_v311("full", false));
        CHECK(hex(again.receive_packet()) == hex("\x20\x02\x01\x00"s));
        std::uint16_t id = 0;
        while (const auto p = again.receive_packet(std::chrono::milliseconds{500})) {
            ++id;
            const std::string expected = wire::publish("t/f", std::to_string(id), 0x02, id, false);
            if (*p != expected) {
                CHECK(hex(p) == hex(expected));
                break;
            }
            again.send(wire::ack(0x40, id));
        }
        CHECK(id == 1'000); // the oldest are kept, in order
    }
}

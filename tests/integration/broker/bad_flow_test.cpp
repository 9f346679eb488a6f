// Acknowledgement and size abuse against the real emqxd: unknown packet ids, a QoS 2 PUBLISH
// re-sent a thousand times, exceeding our Receive Maximum, a 65,535-byte topic, a thousand
// topic levels. After each, the broker must still serve other clients.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::test;
using namespace std::string_literals;

namespace {

// `levels` levels "l/l/.../l".
std::string deep_topic(std::size_t levels) {
    std::string topic = "l";
    for (std::size_t i = 1; i < levels; ++i) {
        topic += "/l";
    }
    return topic;
}

// A 3.1.1 client subscribed to "#" at `qos`.
raw_client catch_all(std::uint16_t port, std::uint8_t qos = 0) {
    raw_client c = open_session(port, wire::connect_v311("catch-all"));
    c.send(wire::subscribe(1, "#", qos, false));
    REQUIRE(hex(c.receive_packet()) == hex("\x90\x03\x00\x01"s + static_cast<char>(qos)));
    return c;
}

} // namespace

TEST_SUITE("integration::bad_flow") {
    TEST_CASE("PUBREL for an unknown packet id gets PUBCOMP 0x92 in v5, plain PUBCOMP in 3.1.1 "
              "(3.7.2.1) [MQTT-4.3.3-11]") {
        emqxd_process broker;
        raw_client v5 = open_session(broker.port(), wire::connect_v5("rel5"));
        v5.send("\x62\x02\x00\x2a"s);
        CHECK(hex(v5.receive_packet()) == hex("\x70\x03\x00\x2a\x92"s));
        raw_client v3 = open_session(broker.port(), wire::connect_v311("rel3"));
        v3.send("\x62\x02\x00\x2a"s);
        CHECK(hex(v3.receive_packet()) == hex("\x70\x02\x00\x2a"s));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("PUBREC for an unknown packet id gets PUBREL 0x92 in v5 (3.6.2.1)") {
        emqxd_process broker;
        raw_client v5 = open_session(broker.port(), wire::connect_v5("rec5"));
        v5.send("\x50\x02\x00\x2b"s);
        CHECK(hex(v5.receive_packet()) == hex("\x62\x03\x00\x2b\x92"s));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("PUBACK and PUBCOMP for unknown packet ids are ignored; the connection stays") {
        emqxd_process broker;
        for (const bool v5 : {false, true}) {
            CAPTURE(v5);
            raw_client c = open_session(
                broker.port(), v5 ? wire::connect_v5("ack5") : wire::connect_v311("ack3"));
            c.send("\x40\x02\x00\x2c"s);
            c.send("\x70\x02\x00\x2d"s);
            c.send("\xc0\x00"s);
            CHECK(hex(c.receive_packet()) == hex("\xd0\x00"s));
        }
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a QoS 2 PUBLISH re-sent 1,000 times before PUBREL is delivered once "
              "[MQTT-4.3.3-10]") {
        emqxd_process broker;
        raw_client sub = catch_all(broker.port(), 2);
        raw_client pub = open_session(broker.port(), wire::connect_v5("q2-dup"));
        pub.send("\x34\x0a\x00\x03q/2\x00\x07\x00hi"s);
        CHECK(hex(pub.receive_packet()) == hex("\x50\x02\x00\x07"s));
        std::string again;
        for (int i = 0; i < 999; ++i) {
            again += "\x3c\x0a\x00\x03q/2\x00\x07\x00hi"s; // DUP 1
        }
        pub.send(again);
        int pubrecs = 1;
        while (pubrecs < 1'000) {
            const auto p = pub.receive_packet();
            if (!p || *p != "\x50\x02\x00\x07"s) {
                CHECK(hex(p) == hex("\x50\x02\x00\x07"s));
                break;
            }
            ++pubrecs;
        }
        CHECK(pubrecs == 1'000);
        CHECK(hex(sub.receive_packet()) == hex("\x34\x09\x00\x03q/2\x00\x01hi"s));
        CHECK(sub.quiet_for(std::chrono::milliseconds{300}));
        pub.send("\x62\x02\x00\x07"s);
        CHECK(hex(pub.receive_packet()) == hex("\x70\x02\x00\x07"s));
        // Released: the same id now starts a new message.
        pub.send("\x34\x0a\x00\x03q/2\x00\x07\x00hi"s);
        CHECK(hex(pub.receive_packet()) == hex("\x50\x02\x00\x07"s));
        CHECK(hex(sub.receive_packet()) == hex("\x34\x09\x00\x03q/2\x00\x02hi"s));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("more unreleased QoS 2 messages than our Receive Maximum (128) get DISCONNECT "
              "0x93 (3.3.4)") {
        emqxd_process broker;
        raw_client pub = open_session(broker.port(), wire::connect_v5("greedy"));
        std::string burst;
        for (std::uint16_t id = 1; id <= 129; ++id) {
            burst += wire::publish("rx/1", "x", 0x04, id, true);
        }
        pub.send(burst);
        for (std::uint16_t id = 1; id <= 128; ++id) {
            // v5 PUBREC 0x10: nobody subscribed.
            const auto p = pub.receive_packet();
            if (hex(p) != hex("\x50\x03"s + wire::u16(id) + '\x10')) {
                CHECK(hex(p) == hex("\x50\x03"s + wire::u16(id) + '\x10'));
                break;
            }
        }
        CHECK(hex(pub.receive_packet()) == hex("\xe0\x01\x93"s));
        CHECK(pub.wait_closed());
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("releasing QoS 2 messages keeps a client within our Receive Maximum") {
        emqxd_process broker;
        raw_client pub = open_session(broker.port(), wire::connect_v5("steady"));
        for (std::uint16_t id = 1; id <= 300; ++id) {
            pub.send(wire::publish("rx/2", "x", 0x04, id, true));
            CHECK(hex(pub.receive_packet()) == hex("\x50\x03"s + wire::u16(id) + '\x10'));
            pub.send(wire::ack(0x62, id));
            CHECK(hex(pub.receive_packet()) == hex("\x70\x02"s + wire::u16(id)));
        }
    }

    TEST_CASE("a 65,535-byte topic is accepted and delivered [MQTT-4.7.3-3]") {
        emqxd_process broker;
        raw_client sub = catch_all(broker.port());
        raw_client pub = open_session(broker.port(), wire::connect_v311("long-topic"));
        const std::string publish = wire::publish(std::string(65'535, 'a'), "x", 0x00, 0, false);
        pub.send(publish);
        const auto got = sub.receive_packet();
        REQUIRE(got);
        CHECK(got->size() == publish.size());
        CHECK((*got == publish));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a topic with more levels than our limit (128) gets DISCONNECT 0x90; at the limit "
              "it is delivered") {
        emqxd_process broker;
        {
            raw_client c = open_session(broker.port(), wire::connect_v5("deep"));
            c.send(wire::publish(deep_topic(1'000), "x", 0x00, 0, true));
            CHECK(hex(c.receive_packet()) == hex("\xe0\x01\x90"s));
            CHECK(c.wait_closed());
        }
        CHECK(round_trip_error(broker.port()) == "");
        {
            raw_client c = open_session(broker.port(), wire::connect_v5("deep129"));
            c.send(wire::publish(deep_topic(129), "x", 0x00, 0, true));
            CHECK(hex(c.receive_packet()) == hex("\xe0\x01\x90"s));
        }
        raw_client sub = catch_all(broker.port());
        raw_client pub = open_session(broker.port(), wire::connect_v311("deep128"));
        const std::string publish = wire::publish(deep_topic(128), "x", 0x00, 0, false);
        pub.send(publish);
        CHECK(hex(sub.receive_packet()) == hex(publish));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a topic filter with a thousand levels is refused in its SUBACK entry only") {
        emqxd_process broker;
        raw_client c = open_session(broker.port(), wire::connect_v5("deep-sub"));
        c.send(wire::subscribe(1, deep_topic(1'000), 0x00, true));
        CHECK(hex(c.receive_packet()) == hex("\x90\x04\x00\x01\x00\x8f"s));
        c.send(wire::subscribe(2, deep_topic(128), 0x00, true));
        CHECK(hex(c.receive_packet()) == hex("\x90\x04\x00\x02\x00\x00"s));
        CHECK(round_trip_error(broker.port()) == "");
    }
}

// The configurable limits of the real emqxd (`--set mqtt.<key>=<value>`), byte-exact: CONNECT
// timeout, keep alive cap, packet size, Receive Maximum, queue length, topic levels,
// subscriptions, connections, topic aliases and client id length.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

using namespace emqx::test;
using namespace std::string_literals;

TEST_SUITE("integration::limits") {
    TEST_CASE("connections that send no complete CONNECT within connect_timeout are closed "
              "silently (3.1.4)") {
        emqxd_process broker{{"--set", "mqtt.connect_timeout=1s"}};
        std::vector<raw_client> idle = connect_many(broker.port(), 20);
        idle.emplace_back(broker.port());
        idle.back().send("\x10\x0f\x00\x04MQTT"s); // a CONNECT cut short
        for (auto& c : idle) {
            CHECK(c.wait_closed(std::chrono::milliseconds{3'500}));
            CHECK(hex(c.pending()) == hex(""s));
        }
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a keep alive above max_keepalive becomes the v5 Server Keep Alive; 3.1.1 is "
              "refused with return code 3") {
        emqxd_process broker{{"--set", "mqtt.max_keepalive=10"}};
        raw_client v5{broker.port()};
        v5.send(wire::connect_v5("ka5", {}, true, 60));
        // Server Keep Alive 10 (0x13) before the three limits.
        CHECK(hex(v5.receive_packet()) ==
              hex("\x20\x11\x00\x00\x0e\x13\x00\x0a\x21\x00\x80\x22\x00\x40\x27\x00\x10\x00\x00"s));
        raw_client v3{broker.port()};
        v3.send(wire::connect_v311("ka3", true, 60));
        CHECK(hex(v3.receive_packet()) == hex("\x20\x02\x00\x03"s));
        CHECK(v3.wait_closed());
        raw_client within{broker.port()};
        within.send(wire::connect_v311("ka3ok", true, 10));
        CHECK(hex(within.receive_packet()) == hex("\x20\x02\x00\x00"s));
    }

    TEST_CASE("max_packet_size is announced and enforced: one byte over gets DISCONNECT 0x95") {
        emqxd_process broker{{"--set", "mqtt.max_packet_size=1000"}};
        raw_client sub = open_session(broker.port(), wire::connect_v311("mp-sub"));
        sub.send(wire::subscribe(1, "mp", 0x00, false));
        CHECK(hex(sub.receive_packet()) == hex("\x90\x03\x00\x01\x00"s));
        raw_client pub{broker.port()};
        pub.send(wire::connect_v5("mp-pub"));
        CHECK(hex(pub.receive_packet()) ==
              hex("\x20\x0e\x00\x00\x0b\x21\x00\x80\x22\x00\x40\x27\x00\x00\x03\xe8"s));
        // 1 + 2 (Remaining Length 997) + 4 (topic) + 1 (properties) + 992 = 1000 bytes.
        const std::string fits = wire::publish("mp", std::string(992, 'f'), 0x00, 0, true);
        REQUIRE(fits.size() == 1'000);
        pub.send(fits);
        const auto got = sub.receive_packet();
        REQUIRE(got);
        CHECK(got->size() == 999); // forwarded to 3.1.1: no property length byte
        pub.send(wire::publish("mp", std::string(993, 'f'), 0x00, 0, true));
        CHECK(hex(pub.receive_packet()) == hex("\xe0\x01\x95"s));
        CHECK(pub.wait_closed());
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a CONNECT over max_packet_size is closed") {
        emqxd_process broker{{"--set", "mqtt.max_packet_size=1000"}};
        raw_client c{broker.port()};
        c.send(wire::connect_v5(std::string(1'000, 'c')));
        CHECK(c.wait_closed());
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("max_inflight is our Receive Maximum: announced, and one more unreleased QoS 2 "
              "message gets DISCONNECT 0x93") {
        emqxd_process broker{{"--set", "mqtt.max_inflight=4"}};
        raw_client pub{broker.port()};
        pub.send(wire::connect_v5("rm4"));
        CHECK(hex(pub.receive_packet()) ==
              hex("\x20\x0e\x00\x00\x0b\x21\x00\x04\x22\x00\x40\x27\x00\x10\x00\x00"s));
        for (std::uint16_t id = 1; id <= 4; ++id) {
            pub.send(wire::publish("rm/4", "x", 0x04, id, true));
            CHECK(hex(pub.receive_packet()) == hex("\x50\x03"s + wire::u16(id) + '\x10'));
        }
        pub.send(wire::publish("rm/4", "x", 0x04, 5, true));
        CHECK(hex(pub.receive_packet()) == hex("\xe0\x01\x93"s));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("max_queued_messages bounds an offline session's queue") {
        emqxd_process broker{{"--set", "mqtt.max_queued_messages=5"}};
        {
            raw_client sub = open_session(broker.port(), wire::connect_v311("q5", false));
            sub.send(wire::subscribe(1, "q/5", 0x01, false));
            CHECK(hex(sub.receive_packet()) == hex("\x90\x03\x00\x01\x01"s));
        }
        raw_client pub = open_session(broker.port(), wire::connect_v311("q5-pub"));
        for (std::uint16_t id = 1; id <= 8; ++id) {
            pub.send(wire::publish("q/5", std::to_string(id), 0x02, id, false));
            CHECK(hex(pub.receive_packet()) == hex(wire::ack(0x40, id)));
        }
        raw_client back{broker.port()};
        back.send(wire::connect_v311("q5", false));
        CHECK(hex(back.receive_packet()) == hex("\x20\x02\x01\x00"s));
        for (std::uint16_t id = 1; id <= 5; ++id) {
            CHECK(hex(back.receive_packet()) ==
                  hex(wire::publish("q/5", std::to_string(id), 0x02, id, false)));
        }
        CHECK(back.quiet_for(std::chrono::milliseconds{300}));
    }

    TEST_CASE("max_topic_levels applies to PUBLISH (0x90) and SUBSCRIBE (0x8F)") {
        emqxd_process broker{{"--set", "mqtt.max_topic_levels=3"}};
        raw_client sub = open_session(broker.port(), wire::connect_v5("levels"));
        sub.send(wire::subscribe(1, "a/b/c/d", 0x00, true));
        CHECK(hex(sub.receive_packet()) == hex("\x90\x04\x00\x01\x00\x8f"s));
        sub.send(wire::subscribe(2, "a/b/c", 0x00, true));
        CHECK(hex(sub.receive_packet()) == hex("\x90\x04\x00\x02\x00\x00"s));
        sub.send(wire::publish("a/b/c", "x", 0x00, 0, true));
        CHECK(hex(sub.receive_packet()) == hex(wire::publish("a/b/c", "x", 0x00, 0, true)));
        sub.send(wire::publish("a/b/c/d", "x", 0x00, 0, true));
        CHECK(hex(sub.receive_packet()) == hex("\xe0\x01\x90"s));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("max_subscriptions: a filter beyond the limit gets 0x97 (v5) or 0x80 (3.1.1); "
              "renewing a held one is fine") {
        emqxd_process broker{{"--set", "mqtt.max_subscriptions=2"}};
        raw_client v5 = open_session(broker.port(), wire::connect_v5("subs5"));
        raw_client v3 = open_session(broker.port(), wire::connect_v311("subs3"));
        std::uint16_t id = 0;
        for (const std::string filter : {"s/1", "s/2", "s/3", "s/1"}) {
            CAPTURE(filter);
            ++id;
            const char v5_reason = filter == "s/3" ? '\x97' : '\x00';
            const char v3_code = filter == "s/3" ? '\x80' : '\x00';
            v5.send(wire::subscribe(id, filter, 0x00, true));
            CHECK(hex(v5.receive_packet()) == hex("\x90\x04"s + wire::u16(id) + '\x00' + v5_reason));
            v3.send(wire::subscribe(id, filter, 0x00, false));
            CHECK(hex(v3.receive_packet()) == hex("\x90\x03"s + wire::u16(id) + v3_code));
        }
    }

    TEST_CASE("max_connections: one more connection is closed at once; a freed slot is reused") {
        emqxd_process broker{{"--set", "mqtt.max_connections=3"}};
        std::vector<raw_client> three = connect_many(broker.port(), 3);
        for (auto& c : three) {
            CHECK(c.quiet_for(std::chrono::milliseconds{50}));
        }
        raw_client fourth{broker.port()};
        CHECK(fourth.wait_closed());
        CHECK(hex(fourth.pending()) == hex(""s));
        three.pop_back(); // two slots free: enough for the round trip's two clients
        three.pop_back();
        std::this_thread::sleep_for(std::chrono::milliseconds{200}); // the broker sees the closes
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("max_topic_alias 0: any Topic Alias is refused with 0x94 [MQTT-3.3.2-9]") {
        emqxd_process broker{{"--set", "mqtt.max_topic_alias=0"}};
        raw_client c{broker.port()};
        c.send(wire::connect_v5("no-alias"));
        const auto ack = c.receive_packet();
        // Topic Alias Maximum 0 may be sent or left out (absent means 0, 3.2.2.3.8).
        const std::string with_zero =
            "\x20\x0e\x00\x00\x0b\x21\x00\x80\x22\x00\x00\x27\x00\x10\x00\x00"s;
        const std::string without = "\x20\x0b\x00\x00\x08\x21\x00\x80\x27\x00\x10\x00\x00"s;
        CHECK((hex(ack) == hex(with_zero) || hex(ack) == hex(without)));
        c.send(wire::publish("t/a", "x", 0x00, 0, true, "\x23\x00\x01"s));
        CHECK(hex(c.receive_packet()) == hex("\xe0\x01\x94"s));
    }

    TEST_CASE("a client id longer than max_clientid_len is refused: v5 0x85, 3.1.1 code 2 "
              "[MQTT-3.1.3-8]") {
        emqxd_process broker{{"--set", "mqtt.max_clientid_len=23"}};
        raw_client v5{broker.port()};
        v5.send(wire::connect_v5(std::string(24, 'i')));
        CHECK(hex(v5.receive_packet()) == hex("\x20\x03\x00\x85\x00"s));
        CHECK(v5.wait_closed());
        raw_client v3{broker.port()};
        v3.send(wire::connect_v311(std::string(24, 'i')));
        CHECK(hex(v3.receive_packet()) == hex("\x20\x02\x00\x02"s));
        CHECK(v3.wait_closed());
        raw_client ok = open_session(broker.port(), wire::connect_v311(std::string(23, 'i')));
        CHECK(round_trip_error(broker.port()) == "");
    }
}

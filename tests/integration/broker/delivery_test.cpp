// v5 delivery rules through the real emqxd, byte-exact: No Local, Subscription Identifiers,
// overlapping subscriptions, shared subscriptions, topic aliases and the client's Receive
// Maximum and Maximum Packet Size.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace emqx::test;
using namespace std::string_literals;

namespace {

// A 5.0 session subscribed to `filter` with `options` (SUBACK checked).
raw_client subscriber_v5(std::uint16_t port, const std::string& id, const std::string& filter,
                         std::uint8_t options, const std::string& connect_props = {}) {
    raw_client c = open_session(port, wire::connect_v5(id, connect_props));
    c.send(wire::subscribe(1, filter, options, true));
    const char granted = static_cast<char>(options & 0x03U);
    REQUIRE(hex(c.receive_packet()) == hex("\x90\x04\x00\x01\x00"s + granted));
    return c;
}

} // namespace

TEST_SUITE("integration::delivery") {
    TEST_CASE("No Local: a client does not get its own messages on that subscription "
              "[MQTT-3.8.3-3]") {
        emqxd_process broker;
        raw_client self = subscriber_v5(broker.port(), "nl", "nl/1", 0x04);
        self.send("\x30\x07\x00\x04nl/1\x00"s);
        CHECK(self.quiet_for(std::chrono::milliseconds{300}));
        raw_client other = open_session(broker.port(), wire::connect_v5("nl-other"));
        other.send("\x30\x08\x00\x04nl/1\x00x"s);
        CHECK(hex(self.receive_packet()) == hex("\x30\x08\x00\x04nl/1\x00x"s));
    }

    TEST_CASE("a Subscription Identifier given on SUBSCRIBE comes back on each matching PUBLISH "
              "[MQTT-3.3.4-3]") {
        emqxd_process broker;
        raw_client sub = open_session(broker.port(), wire::connect_v5("sid"));
        // Packet id 3, properties: Subscription Identifier 5; "s/1" QoS 0.
        sub.send("\x82\x0b\x00\x03\x02\x0b\x05\x00\x03s/1\x00"s);
        CHECK(hex(sub.receive_packet()) == hex("\x90\x04\x00\x03\x00\x00"s));
        raw_client pub = open_session(broker.port(), wire::connect_v311("sid-pub"));
        pub.send("\x30\x07\x00\x03s/1hi"s);
        CHECK(hex(sub.receive_packet()) == hex("\x30\x0a\x00\x03s/1\x02\x0b\x05hi"s));
    }

    TEST_CASE("the largest Subscription Identifier, 268,435,455, comes back unchanged "
              "(3.8.2.1.2)") {
        emqxd_process broker;
        raw_client sub = open_session(broker.port(), wire::connect_v5("sid-max"));
        // Properties: Subscription Identifier 0xFF 0xFF 0xFF 0x7F; "m/1" QoS 0.
        sub.send("\x82\x0e\x00\x01\x05\x0b\xff\xff\xff\x7f\x00\x03m/1\x00"s);
        CHECK(hex(sub.receive_packet()) == hex("\x90\x04\x00\x01\x00\x00"s));
        raw_client pub = open_session(broker.port(), wire::connect_v311("sid-max-pub"));
        pub.send("\x30\x07\x00\x03m/1hi"s);
        CHECK(hex(sub.receive_packet()) ==
              hex("\x30\x0d\x00\x03m/1\x05\x0b\xff\xff\xff\x7fhi"s));
    }

    TEST_CASE("invalid shared subscription filters are refused in the SUBACK (4.8.2)") {
        emqxd_process broker;
        raw_client sub = open_session(broker.port(), wire::connect_v5("share-bad"));
        std::uint16_t id = 0;
        for (const std::string filter : {"$share/g", "$share/g/", "$share//t", "$share/+/t",
                                         "$share/g#/t", "$share/a/b/#/c"}) {
            CAPTURE(filter);
            sub.send(wire::subscribe(++id, filter, 0x00, true));
            CHECK(hex(sub.receive_packet()) == hex("\x90\x04"s + wire::u16(id) + "\x00\x8f"s));
        }
        sub.send(wire::subscribe(++id, "$share/g/#", 0x00, true));
        CHECK(hex(sub.receive_packet()) == hex("\x90\x04"s + wire::u16(id) + "\x00\x00"s));
    }

    TEST_CASE("overlapping subscriptions give one delivery at the highest QoS with every "
              "Subscription Identifier [MQTT-3.3.4-2] [MQTT-3.3.4-3]") {
        emqxd_process broker;
        raw_client sub = open_session(broker.port(), wire::connect_v5("ov"));
        sub.send("\x82\x0b\x00\x01\x02\x0b\x01\x00\x03o/+\x00"s); // id 1, QoS 0
        CHECK(hex(sub.receive_packet()) == hex("\x90\x04\x00\x01\x00\x00"s));
        sub.send("\x82\x0b\x00\x02\x02\x0b\x02\x00\x03o/#\x01"s); // id 2, QoS 1
        CHECK(hex(sub.receive_packet()) == hex("\x90\x04\x00\x02\x00\x01"s));
        raw_client pub = open_session(broker.port(), wire::connect_v311("ov-pub"));
        pub.send("\x32\x09\x00\x03o/x\x00\x01hi"s);
        const auto got = sub.receive_packet();
        // The order of the identifiers is not specified.
        const std::string ids_12 = "\x32\x0e\x00\x03o/x\x00\x01\x04\x0b\x01\x0b\x02hi"s;
        const std::string ids_21 = "\x32\x0e\x00\x03o/x\x00\x01\x04\x0b\x02\x0b\x01hi"s;
        CHECK((hex(got) == hex(ids_12) || hex(got) == hex(ids_21)));
        sub.send("\x40\x02\x00\x01"s);
        CHECK(sub.quiet_for(std::chrono::milliseconds{300}));
    }

    TEST_CASE("a shared subscription gives each message to exactly one member (4.8.2)") {
        emqxd_process broker;
        raw_client a = subscriber_v5(broker.port(), "sh-a", "$share/g/sh/t", 0x00);
        raw_client b = subscriber_v5(broker.port(), "sh-b", "$share/g/sh/t", 0x00);
        raw_client pub = open_session(broker.port(), wire::connect_v311("sh-pub"));
        for (char i = '0'; i < '8'; ++i) {
            pub.send("\x30\x07\x00\x04sh/t"s + i);
        }
        std::multiset<std::string> seen;
        int from_a = 0;
        int from_b = 0;
        for (auto* member : {&a, &b}) {
            while (auto p = member->receive_packet(std::chrono::milliseconds{400})) {
                seen.insert(*p);
                ++(member == &a ? from_a : from_b);
            }
        }
        CHECK(seen.size() == 8);
        for (char i = '0'; i < '8'; ++i) {
            CHECK(seen.count("\x30\x08\x00\x04sh/t\x00"s + i) == 1);
        }
        CHECK(from_a > 0);
        CHECK(from_b > 0);
    }

    TEST_CASE("a filter starting with a wildcard does not match topics starting with '$' "
              "[MQTT-4.7.2-1]") {
        emqxd_process broker;
        raw_client all = subscriber_v5(broker.port(), "all", "#", 0x00);
        raw_client plus = subscriber_v5(broker.port(), "plus", "+/x", 0x00);
        raw_client dollar = subscriber_v5(broker.port(), "dollar", "$sys/#", 0x00);
        raw_client pub = open_session(broker.port(), wire::connect_v311("dollar-pub"));
        pub.send("\x30\x08\x00\x06$sys/x"s);
        CHECK(hex(dollar.receive_packet()) == hex("\x30\x09\x00\x06$sys/x\x00"s));
        CHECK(all.quiet_for(std::chrono::milliseconds{200}));
        CHECK(plus.quiet_for(std::chrono::milliseconds{100}));
    }

    TEST_CASE("a shared subscription prefers connected members (4.8.2)") {
        emqxd_process broker;
        {
            // Session Expiry 60: the member stays in the group while offline.
            raw_client away =
                subscriber_v5(broker.port(), "away", "$share/g/pref", 0x01, "\x11\x00\x00\x00\x3c"s);
        }
        raw_client here = subscriber_v5(broker.port(), "here", "$share/g/pref", 0x01);
        raw_client pub = open_session(broker.port(), wire::connect_v311("pref-pub"));
        for (std::uint16_t id = 1; id <= 4; ++id) {
            pub.send(wire::publish("pref", "m", 0x02, id, false));
            CHECK(hex(pub.receive_packet()) == hex(wire::ack(0x40, id)));
        }
        for (std::uint16_t id = 1; id <= 4; ++id) {
            CHECK(hex(here.receive_packet()) == hex(wire::publish("pref", "m", 0x02, id, true)));
        }
    }

    TEST_CASE("a Topic Alias set with a topic is then used with an empty topic (3.3.2.3.4)") {
        emqxd_process broker;
        raw_client sub = open_session(broker.port(), wire::connect_v311("al-sub"));
        sub.send(wire::subscribe(1, "al/#", 0, false));
        CHECK(hex(sub.receive_packet()) == hex("\x90\x03\x00\x01\x00"s));
        raw_client pub = open_session(broker.port(), wire::connect_v5("al-pub"));
        // Topic "al/1", properties: Topic Alias 1; payload "a". Then no topic, alias 1, "b".
        pub.send("\x30\x0b\x00\x04"
                 "al/1\x03\x23\x00\x01"
                 "a"s);
        pub.send("\x30\x07\x00\x00\x03\x23\x00\x01"
                 "b"s);
        CHECK(hex(sub.receive_packet()) ==
              hex("\x30\x07\x00\x04"
                  "al/1a"s));
        CHECK(hex(sub.receive_packet()) ==
              hex("\x30\x07\x00\x04"
                  "al/1b"s));
    }

    TEST_CASE("a subscriber's Receive Maximum bounds unacknowledged QoS 1 deliveries "
              "[MQTT-3.3.4-9]") {
        emqxd_process broker;
        // CONNECT properties: Receive Maximum 2.
        raw_client sub = subscriber_v5(broker.port(), "rm", "rm/1", 0x01, "\x21\x00\x02"s);
        raw_client pub = open_session(broker.port(), wire::connect_v311("rm-pub"));
        for (std::uint16_t id = 1; id <= 3; ++id) {
            pub.send(wire::publish("rm/1", "m", 0x02, id, false));
            CHECK(hex(pub.receive_packet()) == hex("\x40\x02"s + wire::u16(id)));
        }
        CHECK(hex(sub.receive_packet()) == hex("\x32\x0a\x00\x04rm/1\x00\x01\x00m"s));
        CHECK(hex(sub.receive_packet()) == hex("\x32\x0a\x00\x04rm/1\x00\x02\x00m"s));
        CHECK(sub.quiet_for(std::chrono::milliseconds{300})); // the third waits
        sub.send("\x40\x02\x00\x01"s);
        CHECK(hex(sub.receive_packet()) == hex("\x32\x0a\x00\x04rm/1\x00\x03\x00m"s));
    }

    TEST_CASE("a message larger than the subscriber's Maximum Packet Size is not sent to it "
              "[MQTT-3.1.2-24]") {
        emqxd_process broker;
        // CONNECT properties: Maximum Packet Size 20.
        raw_client small =
            subscriber_v5(broker.port(), "mps", "mp/1", 0x00, "\x27\x00\x00\x00\x14"s);
        raw_client pub = open_session(broker.port(), wire::connect_v311("mps-pub"));
        pub.send(wire::publish("mp/1", std::string(40, 'x'), 0x00, 0, false));
        pub.send(wire::publish("mp/1", "ok", 0x00, 0, false));
        CHECK(hex(small.receive_packet()) == hex("\x30\x09\x00\x04mp/1\x00ok"s));
    }
}

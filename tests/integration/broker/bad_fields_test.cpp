// Bad field contents against the real emqxd: ill-formed UTF-8 and U+0000, wildcards and empty
// topics, packet id 0, duplicated, disallowed and out-of-range v5 properties, thousands of user
// properties, Topic Alias misuse. After each, the broker must still serve other clients.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace emqx::test;
using namespace std::string_literals;

namespace {

struct bad_input {
    const char* what;
    std::string bytes;
    char reason; ///< the v5 reason code expected
};

// Topics and client ids that are not well-formed MQTT UTF-8 [MQTT-1.5.4-1] [MQTT-1.5.4-2].
const std::vector<std::pair<const char*, std::string>> bad_strings{
    {"a lone continuation byte", "t/\x80"s},
    {"a truncated two-byte sequence", "t/\xc3"s},
    {"an overlong '/'", "t\xc0\xaf"s},
    {"an encoded surrogate U+D800", "t/\xed\xa0\x80"s},
    {"a byte 0xFF", "t/\xff"s},
    {"U+0000", std::string{"t/\0x", 4}},
};

// A v5 client sends a CONNECT: it must get CONNACK with `reason` and be closed.
void expect_connack(std::uint16_t port, const std::string& connect, char reason) {
    raw_client c{port};
    c.send(connect);
    CHECK(hex(c.receive_packet()) == hex("\x20\x03\x00"s + reason + '\x00'));
    CHECK(c.wait_closed());
}

// A connected v5 client sends `bytes`: it must get DISCONNECT `reason` and be closed.
void expect_disconnect(std::uint16_t port, const std::string& bytes, char reason) {
    raw_client c = open_session(port, wire::connect_v5("bad-field"));
    c.send(bytes);
    CHECK(hex(c.receive_packet()) == hex("\xe0\x01"s + reason));
    CHECK(c.wait_closed());
}

// A 3.1.1 client's CONNECT must not be accepted, and the connection must close.
void expect_v3_refused(std::uint16_t port, const std::string& connect) {
    raw_client c{port};
    c.send(connect);
    const auto ack = c.receive_packet(std::chrono::milliseconds{1'000});
    CHECK((!ack || (ack->size() == 4 && (*ack)[3] != '\x00')));
    CHECK(c.wait_closed());
}

} // namespace

TEST_SUITE("integration::bad_fields") {
    TEST_CASE("an ill-formed client id gets CONNACK 0x81 in v5 and a close in 3.1.1 "
              "[MQTT-1.5.4-1] [MQTT-1.5.4-2]") {
        emqxd_process broker;
        for (const auto& [what, id] : bad_strings) {
            CAPTURE(what);
            expect_connack(broker.port(), wire::connect_v5(id), '\x81');
            CHECK(round_trip_error(broker.port()) == "");
            expect_v3_refused(broker.port(), wire::connect_v311(id));
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("an ill-formed topic in PUBLISH or SUBSCRIBE gets DISCONNECT 0x81 "
              "[MQTT-1.5.4-1] [MQTT-1.5.4-2]") {
        emqxd_process broker;
        for (const auto& [what, topic] : bad_strings) {
            CAPTURE(what);
            expect_disconnect(broker.port(), wire::publish(topic, "x", 0x00, 0, true), '\x81');
            CHECK(round_trip_error(broker.port()) == "");
            expect_disconnect(broker.port(), wire::subscribe(1, topic, 0x00, true), '\x81');
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("an ill-formed will topic gets CONNACK 0x81 [MQTT-1.5.4-1] [MQTT-1.5.4-2]") {
        emqxd_process broker;
        for (const auto& [what, topic] : bad_strings) {
            CAPTURE(what);
            expect_connack(broker.port(), wire::connect_with_will(true, "w", {topic, "x"}),
                           '\x81');
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("a wildcard in a PUBLISH topic gets DISCONNECT 0x90 (v5) or a close (3.1.1) "
              "[MQTT-3.3.2-2]") {
        emqxd_process broker;
        for (const std::string topic : {"t/+", "t/#", "+", "#", "a/+/b"}) {
            CAPTURE(topic);
            expect_disconnect(broker.port(), wire::publish(topic, "x", 0x00, 0, true), '\x90');
            CHECK(round_trip_error(broker.port()) == "");
            raw_client c = open_session(broker.port(), wire::connect_v311("wild3"));
            c.send(wire::publish(topic, "x", 0x00, 0, false));
            CHECK(c.wait_closed());
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("a wildcard in a will topic refuses the CONNECT [MQTT-3.3.2-2]") {
        emqxd_process broker;
        expect_connack(broker.port(), wire::connect_with_will(true, "w5", {"w/#", "x"}), '\x90');
        CHECK(round_trip_error(broker.port()) == "");
        expect_v3_refused(broker.port(), wire::connect_with_will(false, "w3", {"w/+", "x"}));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("an empty topic without a Topic Alias is a protocol error (3.3.2.3.4) "
              "[MQTT-4.7.3-1]") {
        emqxd_process broker;
        expect_disconnect(broker.port(), wire::publish("", "x", 0x00, 0, true), '\x82');
        CHECK(round_trip_error(broker.port()) == "");
        raw_client c = open_session(broker.port(), wire::connect_v311("empty3"));
        c.send(wire::publish("", "x", 0x00, 0, false));
        CHECK(c.wait_closed());
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("packet id 0 is a protocol error in PUBLISH QoS 1/2, SUBSCRIBE and UNSUBSCRIBE "
              "[MQTT-2.2.1-3]") {
        emqxd_process broker;
        const std::vector<bad_input> rows{
            {"PUBLISH QoS 1", "\x32\x08\x00\x03t/x\x00\x00\x00"s, '\x82'},
            {"PUBLISH QoS 2", "\x34\x08\x00\x03t/x\x00\x00\x00"s, '\x82'},
            {"SUBSCRIBE", "\x82\x09\x00\x00\x00\x00\x03t/x\x00"s, '\x82'},
            {"UNSUBSCRIBE", "\xa2\x08\x00\x00\x00\x00\x03t/x"s, '\x82'},
        };
        for (const auto& row : rows) {
            CAPTURE(row.what);
            expect_disconnect(broker.port(), row.bytes, row.reason);
            CHECK(round_trip_error(broker.port()) == "");
        }
        raw_client c = open_session(broker.port(), wire::connect_v311("id0"));
        c.send("\x32\x07\x00\x03t/x\x00\x00"s);
        CHECK(c.wait_closed());
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("a property given twice is a protocol error; one not allowed in the packet is "
              "malformed (2.2.2.2)") {
        emqxd_process broker;
        const std::vector<bad_input> rows{
            {"PUBLISH with Message Expiry twice",
             wire::publish("t/x", "x", 0, 0, true, "\x02\x00\x00\x00\x05\x02\x00\x00\x00\x06"s),
             '\x82'},
            {"PUBLISH with Content Type twice",
             wire::publish("t/x", "x", 0, 0, true, "\x03\x00\x01z\x03\x00\x01z"s), '\x82'},
            {"PUBLISH with Session Expiry Interval",
             wire::publish("t/x", "x", 0, 0, true, "\x11\x00\x00\x00\x05"s), '\x81'},
            {"PUBLISH with Receive Maximum",
             wire::publish("t/x", "x", 0, 0, true, "\x21\x00\x05"s), '\x81'},
            {"PUBLISH with an undefined property 0x7F",
             wire::publish("t/x", "x", 0, 0, true, "\x7f\x00"s), '\x81'},
            {"SUBSCRIBE with Message Expiry",
             wire::subscribe(1, "t/x", 0, true, "\x02\x00\x00\x00\x05"s), '\x81'},
            {"SUBSCRIBE with Subscription Identifier 0",
             wire::subscribe(1, "t/x", 0, true, "\x0b\x00"s), '\x82'},
            {"SUBSCRIBE with Retain Handling 3", wire::subscribe(1, "t/x", 0x30, true), '\x82'},
            {"No Local on a shared subscription [MQTT-3.8.3-4]",
             wire::subscribe(1, "$share/g/t", 0x04, true), '\x82'},
            {"PUBLISH with a Subscription Identifier [MQTT-3.3.4-6]",
             wire::publish("t/x", "x", 0, 0, true, "\x0b\x05"s), '\x82'},
            {"DISCONNECT with Session Expiry after 0 on CONNECT [MQTT-3.14.2-2]",
             "\xe0\x07\x00\x05\x11\x00\x00\x00\x0a"s, '\x82'},
        };
        for (const auto& row : rows) {
            CAPTURE(row.what);
            expect_disconnect(broker.port(), row.bytes, row.reason);
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("bad CONNECT properties refuse the connection with the matching CONNACK") {
        emqxd_process broker;
        const std::vector<bad_input> rows{
            {"Session Expiry twice",
             wire::connect_v5("p", "\x11\x00\x00\x00\x05\x11\x00\x00\x00\x05"s), '\x82'},
            {"Receive Maximum 0 (3.1.2.11.3)", wire::connect_v5("p", "\x21\x00\x00"s), '\x82'},
            {"Maximum Packet Size 0 (3.1.2.11.4)",
             wire::connect_v5("p", "\x27\x00\x00\x00\x00"s), '\x82'},
            {"Topic Alias (not a CONNECT property)", wire::connect_v5("p", "\x23\x00\x01"s),
             '\x81'},
            {"Will Delay twice in the will properties",
             wire::connect_with_will(true, "p",
                                     {"w/1", "x", 0, "\x18\x00\x00\x00\x01\x18\x00\x00\x00\x01"s}),
             '\x82'},
        };
        for (const auto& row : rows) {
            CAPTURE(row.what);
            expect_connack(broker.port(), row.bytes, row.reason);
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("bad will flags in a 5.0 CONNECT are malformed: CONNACK 0x81 [MQTT-3.1.2-11] "
              "[MQTT-3.1.2-12] [MQTT-3.1.2-13]") {
        emqxd_process broker;
        const std::vector<bad_input> rows{
            {"Will QoS 3", wire::connect_with_will(true, "wq", {"w/1", "x", 0x18}), '\x81'},
            {"Will QoS 1 without the Will Flag",
             "\x10\x0f\x00\x04MQTT\x05\x0a\x00\x3c\x00\x00\x02wf"s, '\x81'},
            {"Will Retain without the Will Flag",
             "\x10\x0f\x00\x04MQTT\x05\x22\x00\x3c\x00\x00\x02wr"s, '\x81'},
        };
        for (const auto& row : rows) {
            CAPTURE(row.what);
            expect_connack(broker.port(), row.bytes, row.reason);
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("10,000 user properties are forwarded unaltered and in order [MQTT-3.3.2-17] "
              "[MQTT-3.3.2-18]") {
        emqxd_process broker;
        std::string props;
        for (int i = 0; i < 10'000; ++i) {
            // Appended: '&' + text makes GCC 12 -O3 warn (-Wrestrict).
            std::string key = "k";
            key += std::to_string(i);
            props += '\x26';
            props += wire::str(key);
            props += wire::str("v");
        }
        raw_client sub = open_session(broker.port(), wire::connect_v5("up-sub", props));
        sub.send(wire::subscribe(1, "up/1", 0x00, true));
        CHECK(hex(sub.receive_packet()) == hex("\x90\x04\x00\x01\x00\x00"s));
        raw_client pub = open_session(broker.port(), wire::connect_v5("up-pub"));
        const std::string publish = wire::publish("up/1", "x", 0x00, 0, true, props);
        pub.send(publish);
        const auto got = sub.receive_packet();
        REQUIRE(got);
        CHECK(got->size() == publish.size());
        CHECK((*got == publish));
        CHECK(round_trip_error(broker.port()) == "");
    }

    TEST_CASE("Topic Alias misuse: 0 or above our maximum is 0x94, an alias never set is 0x82 "
              "[MQTT-3.3.2-8] [MQTT-3.3.2-9]") {
        emqxd_process broker;
        const std::vector<bad_input> rows{
            {"alias 0", wire::publish("t/x", "x", 0, 0, true, "\x23\x00\x00"s), '\x94'},
            {"alias 65 (our maximum is 64)",
             wire::publish("t/x", "x", 0, 0, true, "\x23\x00\x41"s), '\x94'},
            {"alias 65535 with an empty topic",
             wire::publish("", "x", 0, 0, true, "\x23\xff\xff"s), '\x94'},
            {"alias 1 never set, empty topic",
             wire::publish("", "x", 0, 0, true, "\x23\x00\x01"s), '\x82'},
            {"alias twice", wire::publish("t/x", "x", 0, 0, true, "\x23\x00\x01\x23\x00\x02"s),
             '\x82'},
        };
        for (const auto& row : rows) {
            CAPTURE(row.what);
            expect_disconnect(broker.port(), row.bytes, row.reason);
            CHECK(round_trip_error(broker.port()) == "");
        }
    }

    TEST_CASE("a Topic Alias does not carry over to a new connection [MQTT-3.3.2-7]") {
        emqxd_process broker;
        {
            raw_client c = open_session(broker.port(), wire::connect_v5("alias-keep"));
            c.send(wire::publish("t/x", "x", 0, 0, true, "\x23\x00\x01"s));
            c.send("\xc0\x00"s);
            CHECK(hex(c.receive_packet()) == hex("\xd0\x00"s));
        }
        expect_disconnect(broker.port(), wire::publish("", "x", 0, 0, true, "\x23\x00\x01"s),
                          '\x82');
        CHECK(round_trip_error(broker.port()) == "");
    }
}

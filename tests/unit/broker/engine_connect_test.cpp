// The engine's CONNECT handling (3.1, 3.2): what is refused and how, client identifiers, keep
// alive, the CONNECT timeout, the CONNACK's properties, and shutdown.
#include "engine_harness.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::broker;
using namespace emqx::broker::test;
using namespace std::string_literals;
using mqtt::reason_code;

TEST_SUITE("broker::engine::connect") {
    TEST_CASE("a first packet other than CONNECT closes the connection with nothing sent "
              "[MQTT-3.1.0-1]") {
        engine_harness h;
        const client_handle c = h.open();
        std::string bytes;
        SUBCASE("PINGREQ") {
            bytes = "\xC0\x00"s;
        }
        SUBCASE("PUBLISH") {
            bytes = "\x30\x04\x00\x01t!"s;
        }
        SUBCASE("SUBSCRIBE") {
            bytes = "\x82\x06\x00\x01\x00\x01t\x00"s;
        }
        SUBCASE("DISCONNECT") {
            bytes = "\xE0\x00"s;
        }
        h.send_bytes(c, bytes);
        CHECK(h.closed(c));
        CHECK(h.take_bytes(c).empty());
        CHECK(protocol_errors(h.core(), reason_code::protocol_error) == 1);
        CHECK(h.core().session_count() == 0);
    }

    TEST_CASE("a second CONNECT closes the connection, with DISCONNECT 0x82 in v5 "
              "[MQTT-3.1.0-2]") {
        engine_harness h;
        const client_handle c5 = h.connect("c5", v5);
        h.send(c5, engine_harness::connect_packet("c5", v5, {}));
        CHECK(h.disconnect_reason(c5) == reason_code::protocol_error);
        CHECK(h.closed(c5));

        const client_handle c3 = h.connect("c3", v3);
        h.send(c3, engine_harness::connect_packet("c3", v3, {}));
        CHECK(h.take_bytes(c3).empty()); // 3.1.1 has no DISCONNECT from the server
        CHECK(h.closed(c3));
        CHECK(protocol_errors(h.core(), reason_code::protocol_error) == 2);
    }

    TEST_CASE("a CONNECT with an unknown protocol level gets CONNACK return code 1 and is "
              "closed [MQTT-3.1.2-2]") {
        engine_harness h;
        const client_handle c = h.open();
        // "MQTT", level 6, Clean Session, keep alive 0, client id "c"
        h.send_bytes(c,
                     "\x10\x0D\x00\x04MQTT\x06\x02\x00\x00\x00\x01"
                     "c"s);
        CHECK(h.take_bytes(c) == "\x20\x02\x00\x01"s);
        CHECK(h.closed(c));
        CHECK(h.core().session_count() == 0);
    }

    TEST_CASE("a malformed v5 CONNECT gets a CONNACK with the reason, then close "
              "[MQTT-3.1.4-1] [MQTT-3.2.2-7]") {
        engine_harness h;
        const client_handle c = h.open();
        std::string expected;
        SUBCASE("reserved flag set: 0x81") {
            // level 5, flags 0x03 (bit 0 reserved), keep alive 0, no properties, id "c"
            h.send_bytes(c,
                         "\x10\x0E\x00\x04MQTT\x05\x03\x00\x00\x00\x00\x01"
                         "c"s);
            expected = "\x20\x03\x00\x81\x00"s;
        }
        SUBCASE("Receive Maximum 0: 0x82") {
            h.send_bytes(c,
                         "\x10\x11\x00\x04MQTT\x05\x02\x00\x00\x03\x21\x00\x00\x00\x01"
                         "c"s);
            expected = "\x20\x03\x00\x82\x00"s;
        }
        SUBCASE("protocol name not MQTT: 0x84 [MQTT-3.1.2-1]") {
            h.send_bytes(c,
                         "\x10\x0E\x00\x04MQTX\x05\x02\x00\x00\x00\x00\x01"
                         "c"s);
            expected = "\x20\x03\x00\x84\x00"s;
        }
        SUBCASE("wildcard in the Will Topic: 0x90 [MQTT-3.3.2-2]") {
            // flags 0x06: Clean Start + Will; will properties none, topic "a/#", payload "x"
            h.send_bytes(c,
                         "\x10\x17\x00\x04MQTT\x05\x06\x00\x00\x00\x00\x01"
                         "c\x00\x00\x03"
                         "a/#\x00\x01x"s);
            expected = "\x20\x03\x00\x90\x00"s;
        }
        CHECK(h.take_bytes(c) == expected);
        CHECK(h.closed(c));
        CHECK(h.core().session_count() == 0);
    }

    TEST_CASE("a malformed 3.1.1 CONNECT is closed without a CONNACK") {
        engine_harness h;
        const client_handle c = h.open();
        h.send_bytes(c,
                     "\x10\x0D\x00\x04MQTT\x04\x03\x00\x00\x00\x01"
                     "c"s);
        CHECK(h.take_bytes(c).empty());
        CHECK(h.closed(c));
        CHECK(protocol_errors(h.core(), reason_code::malformed_packet) == 1);
    }

    TEST_CASE("a 3.1.1 CONNECT with a protocol name other than MQTT gets return code 1 "
              "[MQTT-3.1.2-1]") {
        engine_harness h;
        const client_handle c = h.open();
        h.send_bytes(c,
                     "\x10\x0D\x00\x04MQTX\x04\x02\x00\x00\x00\x01"
                     "c"s);
        CHECK(h.take_bytes(c) == "\x20\x02\x00\x01"s);
        CHECK(h.closed(c));
    }

    TEST_CASE("packets after a refused CONNECT are not processed [MQTT-3.1.4-6]") {
        engine_harness h;
        const client_handle c = h.open();
        h.send_bytes(c,
                     "\x10\x0D\x00\x04MQTT\x06\x02\x00\x00\x00\x01"
                     "c"s);
        h.send_bytes(c, "\x82\x06\x00\x01\x00\x01t\x00"s);
        h.send_bytes(c, "\xC0\x00"s);
        CHECK(h.take_bytes(c) == "\x20\x02\x00\x01"s);
        CHECK(h.core().subscription_count() == 0);
    }

    TEST_CASE("an empty v5 client id gets an unused Assigned Client Identifier "
              "[MQTT-3.1.3-6] [MQTT-3.1.3-7] [MQTT-3.2.2-16]") {
        engine_harness h;
        (void)h.connect("emqxd-1", v5); // an id a client chose that looks like ours
        connect_options o;
        SUBCASE("clean start 1") {
            o.clean_start = true;
        }
        SUBCASE("clean start 0") {
            o.clean_start = false;
        }
        (void)h.connect("", v5, o);
        const auto first = h.last_connack().props.assigned_client_identifier;
        REQUIRE(first.has_value());
        CHECK(first->starts_with("emqxd-"));
        CHECK(*first != "emqxd-1");
        const std::string first_id{*first};
        (void)h.connect("", v5, o);
        REQUIRE(h.last_connack().props.assigned_client_identifier.has_value());
        CHECK(*h.last_connack().props.assigned_client_identifier != first_id);
        CHECK(h.core().session_count() == 3);
    }

    TEST_CASE("a 3.1.1 empty client id with Clean Session 1 is accepted [MQTT-3.1.3-6]") {
        engine_harness h;
        const client_handle c = h.connect("", v3);
        CHECK_FALSE(h.closed(c));
        CHECK(h.core().session_count() == 1);
        CHECK(h.exchange(c, mqtt::pingreq{}) == packets{mqtt::pingresp{}});
    }

    TEST_CASE("a 3.1.1 empty client id with Clean Session 0 gets return code 2 [MQTT-3.1.3-8]") {
        engine_harness h;
        const client_handle c = h.open();
        h.send(c, engine_harness::connect_packet("", v3, persistent()));
        CHECK(h.take_bytes(c) == "\x20\x02\x00\x02"s);
        CHECK(h.closed(c));
        CHECK(h.core().session_count() == 0);
    }

    TEST_CASE("an MQTT 3.1 (MQIsdp) client is accepted, but not with an empty client id") {
        engine_harness h;
        const client_handle ok = h.open();
        h.send(ok, engine_harness::connect_packet("old", protocol_version::v3_1, {}));
        CHECK(h.take_bytes(ok) == "\x20\x02\x00\x00"s);
        CHECK_FALSE(h.closed(ok));

        const client_handle empty = h.open();
        h.send(empty, engine_harness::connect_packet("", protocol_version::v3_1, {}));
        CHECK(h.take_bytes(empty) == "\x20\x02\x00\x02"s);
        CHECK(h.closed(empty));
    }

    TEST_CASE("a client id longer than max_clientid_len is refused [MQTT-3.1.3-8] "
              "[MQTT-3.1.3-9]") {
        limits l;
        l.max_clientid_len = 5;
        engine_harness h{l};
        const client_handle c5 = h.open();
        h.send(c5, engine_harness::connect_packet("sixsix", v5, {}));
        CHECK(h.take_bytes(c5) == "\x20\x03\x00\x85\x00"s);
        CHECK(h.closed(c5));
        const client_handle c3 = h.open();
        h.send(c3, engine_harness::connect_packet("sixsix", v3, {}));
        CHECK(h.take_bytes(c3) == "\x20\x02\x00\x02"s);
        CHECK(h.closed(c3));
        (void)h.connect("fivee", v5);
    }

    TEST_CASE("a 3.1.1 CONNACK is exactly four bytes: flags 0, return code 0 "
              "[MQTT-3.2.2-1]") {
        engine_harness h;
        const client_handle c = h.open();
        h.send(c, engine_harness::connect_packet("c", v3, {}));
        CHECK(h.take_bytes(c) == "\x20\x02\x00\x00"s);
    }

    TEST_CASE("the v5 CONNACK announces Receive Maximum, Maximum Packet Size and Topic Alias "
              "Maximum from the limits") {
        limits l;
        l.max_inflight = 7;
        l.max_packet_size = 4096;
        l.max_topic_alias = 3;
        engine_harness h{l};
        connect_options o;
        o.keep_alive = 60;
        (void)h.connect("c", v5, o);
        const auto& props = h.last_connack().props;
        CHECK(props.receive_maximum == std::optional<std::uint16_t>{7});
        CHECK(props.maximum_packet_size == std::optional<std::uint32_t>{4096});
        CHECK(props.topic_alias_maximum == std::optional<std::uint16_t>{3});
        CHECK_FALSE(props.assigned_client_identifier.has_value()); // the client chose one
        CHECK_FALSE(props.server_keep_alive.has_value());          // 60 was accepted
        CHECK_FALSE(props.authentication_method.has_value());      // [MQTT-4.12.0-6]
    }

    TEST_CASE("a v5 keep alive above max_keepalive is capped with Server Keep Alive, which is "
              "then enforced [MQTT-3.2.2-21] [MQTT-3.1.2-22]") {
        limits l;
        l.max_keepalive = 30;
        engine_harness h{l};
        connect_options o;
        o.keep_alive = 60;
        const client_handle c = h.connect("c", v5, o);
        CHECK(h.last_connack().props.server_keep_alive == std::optional<std::uint16_t>{30});
        h.advance(44s);
        CHECK_FALSE(h.closed(c));
        h.advance(2s); // 46 s > 1.5 x 30 s
        CHECK(h.closed(c));
        CHECK(h.disconnect_reason(c) == reason_code::keep_alive_timeout);
    }

    TEST_CASE("a 3.1.1 keep alive above max_keepalive gets CONNACK return code 3") {
        limits l;
        l.max_keepalive = 30;
        engine_harness h{l};
        const client_handle c = h.open();
        connect_options o;
        o.keep_alive = 31;
        h.send(c, engine_harness::connect_packet("c", v3, o));
        CHECK(h.take_bytes(c) == "\x20\x02\x00\x03"s);
        CHECK(h.closed(c));
    }

    TEST_CASE("no packet within 1.5 times the keep alive closes the connection, with "
              "DISCONNECT 0x8D in v5 [MQTT-3.1.2-22]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1 [MQTT-3.1.2-24]") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        connect_options o;
        o.keep_alive = 10;
        const client_handle c = h.connect("c", v, o);
        h.advance(14s);
        CHECK_FALSE(h.closed(c));
        h.advance(2s);
        CHECK(h.closed(c));
        if (v == v5) {
            CHECK(h.disconnect_reason(c) == reason_code::keep_alive_timeout);
        } else {
            CHECK(h.take_bytes(c).empty());
        }
    }

    TEST_CASE("any packet, PINGREQ included, restarts the keep alive period [MQTT-3.12.4-1]") {
        engine_harness h;
        connect_options o;
        o.keep_alive = 10;
        const client_handle c = h.connect("c", v5, o);
        for (int i = 0; i < 5; ++i) {
            h.advance(10s);
            CHECK(h.exchange(c, mqtt::pingreq{}) == packets{mqtt::pingresp{}});
        }
        h.advance(10s);
        (void)h.exchange(c, pub("t", "x"));
        h.advance(14s);
        CHECK_FALSE(h.closed(c));
    }

    TEST_CASE("keep alive 0 never times out") {
        engine_harness h;
        const client_handle c = h.connect("c", v5);
        h.advance(std::chrono::hours{24});
        CHECK_FALSE(h.closed(c));
    }

    TEST_CASE("a connection that sends no CONNECT within connect_timeout is closed silently") {
        limits l;
        l.connect_timeout = 5s;
        engine_harness h{l};
        const client_handle c = h.open();
        h.advance(4s);
        CHECK_FALSE(h.closed(c));
        h.advance(1s);
        CHECK(h.closed(c));
        CHECK(h.take_bytes(c).empty());
        const client_handle late = h.open();
        h.advance(4s);
        h.send(late, engine_harness::connect_packet("late", v5, {}));
        h.advance(4s); // connected now: the CONNECT timeout no longer applies
        CHECK_FALSE(h.closed(late));
    }

    TEST_CASE("an Authentication Method is refused with CONNACK 0x8C [MQTT-4.12.0-1]") {
        engine_harness h;
        const client_handle c = h.open();
        connect_options o;
        o.props.authentication_method = "SCRAM-SHA-1";
        h.send(c, engine_harness::connect_packet("c", v5, o));
        CHECK(h.take_bytes(c) == "\x20\x03\x00\x8C\x00"s);
        CHECK(h.closed(c));
        CHECK(h.core().session_count() == 0);
    }

    TEST_CASE("AUTH from a connected v5 client is a protocol error: DISCONNECT 0x82") {
        engine_harness h;
        const client_handle c = h.connect("c", v5);
        h.send_bytes(c, "\xF0\x00"s); // AUTH, reason 0x00 implied
        CHECK(h.disconnect_reason(c) == reason_code::protocol_error);
        CHECK(h.closed(c));
    }

    TEST_CASE("Session Present is 0 with Clean Start 1 and 1 when a session is resumed "
              "[MQTT-3.2.2-2] [MQTT-3.2.2-3]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1 [MQTT-3.2.2-1] [MQTT-3.2.2-2]") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        h.disconnect(h.connect("c", v, persistent(3600, false))); // no session yet: 0
        h.disconnect(h.connect("c", v, persistent(3600, true)));  // resumed: 1
        connect_options clean;
        clean.clean_start = true;
        h.disconnect(h.connect("c", v, clean)); // discarded: 0 [MQTT-3.1.2-4]
        h.disconnect(h.connect("c", v, persistent(3600, false)));
    }

    TEST_CASE("connection_count and connections_total follow opens and closes") {
        engine_harness h;
        const client_handle a = h.connect("a", v5);
        const client_handle b = h.open();
        CHECK(h.core().connection_count() == 2);
        h.drop(b);
        h.drop(a);
        CHECK(h.core().connection_count() == 0);
        CHECK(h.core().stats().connections_total == 2);
        CHECK(h.core().session_count() == 0);
    }

    TEST_CASE("shutdown sends v5 clients DISCONNECT 0x8B and closes everyone") {
        engine_harness h;
        const client_handle c5 = h.connect("c5", v5);
        const client_handle c3 = h.connect("c3", v3);
        const client_handle idle = h.open();
        h.core().shutdown(h.now);
        CHECK(h.disconnect_reason(c5) == reason_code::server_shutting_down);
        CHECK(h.take_bytes(c3).empty());
        CHECK(h.take_bytes(idle).empty());
        CHECK(h.closed(c5));
        CHECK(h.closed(c3));
        CHECK(h.closed(idle));
    }
}

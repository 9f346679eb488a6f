// PUBLISH from a client (3.3, 4.3): the acknowledgements, exactly-once forwarding, topic
// aliases, and the protocol errors a client's packets can commit.
#include "engine_harness.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::broker;
using namespace emqx::broker::test;
using namespace std::string_literals;
using mqtt::reason_code;

namespace {

mqtt::publish with_alias(std::string_view topic, std::uint16_t alias, std::string_view payload) {
    mqtt::publish p = pub(topic, payload);
    p.props.topic_alias = alias;
    return p;
}

} // namespace

TEST_SUITE("broker::engine::publish") {
    TEST_CASE("a QoS 0 PUBLISH is forwarded and not acknowledged [MQTT-4.3.1-1]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle sub = h.connect("sub", v);
        (void)h.subscribe(sub, "a/b", qos0);
        const client_handle p = h.connect("pub", v);
        CHECK(h.exchange(p, pub("a/b", "hello")).empty());
        const auto& got = only<mqtt::publish>(h.received(sub));
        CHECK(got.topic == "a/b");
        CHECK(got.payload == "hello");
        CHECK(got.qos == qos0);
        CHECK_FALSE(got.dup);
        CHECK(got.packet_id == 0);
    }

    TEST_CASE("an MQTT 3.1 (MQIsdp) client publishes and receives like a 3.1.1 one") {
        engine_harness h;
        const client_handle old = h.connect("old", protocol_version::v3_1);
        (void)h.subscribe(old, "t", qos1);
        const client_handle p = h.connect("pub", v5);
        (void)h.exchange(p, pub("t", "x", qos1, 1));
        const auto got = only<mqtt::publish>(h.received(old));
        CHECK(got.payload == "x");
        CHECK(got.qos == qos1);
        h.send(old, pub("t", "y", qos1, 0x0102));
        const auto packets_back = h.received(old);
        REQUIRE(packets_back.size() == 2); // its own message comes back, then the PUBACK
        CHECK(as<mqtt::publish>(packets_back[0]).payload == "y");
        CHECK(as<mqtt::puback>(packets_back[1]).packet_id == 0x0102);
    }

    TEST_CASE("a QoS 1 PUBLISH is acknowledged with a PUBACK carrying its packet id "
              "[MQTT-4.3.2-4] [MQTT-2.2.1-5]") {
        engine_harness h;
        const client_handle sub5 = h.connect("sub", v5);
        (void)h.subscribe(sub5, "t", qos1);
        const client_handle p3 = h.connect("p3", v3);
        h.send(p3, pub("t", "x", qos1, 0x1234));
        CHECK(h.take_bytes(p3) == "\x40\x02\x12\x34"s);
        const client_handle p5 = h.connect("p5", v5);
        h.send(p5, pub("t", "y", qos1, 7));
        CHECK(h.take_bytes(p5) == "\x40\x02\x00\x07"s); // success and no properties: short form
        CHECK(payloads(h.received(sub5)) == std::vector<std::string>{"x", "y"});
    }

    TEST_CASE("the DUP flag of an incoming PUBLISH is not passed on [MQTT-3.3.1-3]") {
        engine_harness h;
        const client_handle sub = h.connect("sub", v5);
        (void)h.subscribe(sub, "t", qos1);
        const client_handle p = h.connect("pub", v5);
        mqtt::publish m = pub("t", "x", qos1, 1);
        m.dup = true;
        (void)h.exchange(p, m);
        CHECK_FALSE(only<mqtt::publish>(h.received(sub)).dup);
    }

    TEST_CASE("a v5 PUBACK says 0x10 when no subscription matched; 3.1.1 has no reason") {
        engine_harness h;
        const client_handle p5 = h.connect("p5", v5);
        const auto& ack5 = only<mqtt::puback>(h.exchange(p5, pub("nobody", "x", qos1, 3)));
        CHECK(ack5.packet_id == 3);
        CHECK(ack5.reason == reason_code::no_matching_subscribers);
        const client_handle p3 = h.connect("p3", v3);
        h.send(p3, pub("nobody", "x", qos1, 4));
        CHECK(h.take_bytes(p3) == "\x40\x02\x00\x04"s);
        CHECK(dropped(h.core(), drop_reason::no_subscribers) == 2);
        const auto& rec5 = only<mqtt::pubrec>(h.exchange(p5, pub("nobody", "x", qos2, 5)));
        CHECK(rec5.reason == reason_code::no_matching_subscribers);
    }

    TEST_CASE("a QoS 2 PUBLISH gets PUBREC, is forwarded once, and PUBREL gets PUBCOMP "
              "[MQTT-4.3.3-8] [MQTT-4.3.3-11]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle sub = h.connect("sub", v);
        (void)h.subscribe(sub, "t", qos2);
        const client_handle p = h.connect("pub", v);
        const auto& rec = only<mqtt::pubrec>(h.exchange(p, pub("t", "once", qos2, 9)));
        CHECK(rec.packet_id == 9);
        CHECK(rec.reason == reason_code::success);
        CHECK(payloads(h.received(sub)) == std::vector<std::string>{"once"});
        const auto& comp = only<mqtt::pubcomp>(h.exchange(p, ack<mqtt::pubrel>(9)));
        CHECK(comp.packet_id == 9);
        CHECK(comp.reason == reason_code::success);
    }

    TEST_CASE("a QoS 2 PUBLISH re-sent many times before PUBREL is acknowledged each time and "
              "forwarded once [MQTT-4.3.3-10]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle sub = h.connect("sub", v);
        (void)h.subscribe(sub, "t", qos2);
        const client_handle p = h.connect("pub", v);
        (void)h.exchange(p, pub("t", "exactly once", qos2, 42));
        for (int i = 0; i < 20; ++i) {
            mqtt::publish again = pub("t", "exactly once", qos2, 42);
            again.dup = true;
            CHECK(only<mqtt::pubrec>(h.exchange(p, again)).packet_id == 42);
        }
        CHECK(publishes(h.received(sub)).size() == 1);
        (void)h.exchange(p, ack<mqtt::pubrel>(42));
        CHECK(h.received(sub).empty());
        CHECK_FALSE(h.closed(p));
    }

    TEST_CASE("after PUBCOMP the same QoS 2 packet id starts a new message [MQTT-4.3.3-12]") {
        engine_harness h;
        const client_handle sub = h.connect("sub", v5);
        (void)h.subscribe(sub, "t", qos2);
        const client_handle p = h.connect("pub", v5);
        (void)h.exchange(p, pub("t", "first", qos2, 1));
        (void)h.exchange(p, ack<mqtt::pubrel>(1));
        (void)h.exchange(p, pub("t", "second", qos2, 1));
        CHECK(payloads(h.received(sub)) == std::vector<std::string>{"first", "second"});
    }

    TEST_CASE("a QoS 1 packet id used again after PUBACK is a new message [MQTT-4.3.2-5]") {
        engine_harness h;
        const client_handle sub = h.connect("sub", v5);
        (void)h.subscribe(sub, "t", qos0);
        const client_handle p = h.connect("pub", v5);
        for (int i = 0; i < 3; ++i) {
            mqtt::publish again = pub("t", "x", qos1, 5);
            again.dup = i > 0;
            CHECK(only<mqtt::puback>(h.exchange(p, again)).packet_id == 5);
        }
        CHECK(payloads(h.received(sub)).size() == 3);
    }

    TEST_CASE("a QoS 2 id awaiting PUBREL survives a reconnect: the client's re-sent PUBLISH is "
              "not forwarded again [MQTT-4.4.0-1] [MQTT-4.3.3-10]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle sub = h.connect("sub", v);
        (void)h.subscribe(sub, "t", qos2);
        const client_handle p = h.connect("pub", v, persistent());
        (void)h.exchange(p, pub("t", "once", qos2, 77));
        h.drop(p); // connection lost before the client sent PUBREL
        const client_handle again = h.connect("pub", v, persistent(3600, true));
        mqtt::publish resent = pub("t", "once", qos2, 77);
        resent.dup = true;
        CHECK(only<mqtt::pubrec>(h.exchange(again, resent)).packet_id == 77);
        CHECK(only<mqtt::pubcomp>(h.exchange(again, ack<mqtt::pubrel>(77))).reason ==
              reason_code::success);
        CHECK(payloads(h.received(sub)) == std::vector<std::string>{"once"});
    }

    TEST_CASE("more unreleased QoS 2 messages than our Receive Maximum: DISCONNECT 0x93") {
        limits l;
        SUBCASE("max_inflight 2") {
            l.max_inflight = 2;
        }
        SUBCASE("max_awaiting_rel 2") {
            l.max_awaiting_rel = 2;
        }
        engine_harness h{l};
        const client_handle p = h.connect("pub", v5);
        (void)h.exchange(p, pub("t", "1", qos2, 1));
        (void)h.exchange(p, pub("t", "2", qos2, 2));
        CHECK_FALSE(h.closed(p));
        h.send(p, pub("t", "3", qos2, 3));
        CHECK(h.disconnect_reason(p) == reason_code::receive_maximum_exceeded);
        CHECK(h.closed(p));
        CHECK(dropped(h.core(), drop_reason::awaiting_rel_full) == 1);
        CHECK(protocol_errors(h.core(), reason_code::receive_maximum_exceeded) == 1);
    }

    TEST_CASE("a 3.1.1 client with too many unreleased QoS 2 messages is closed without a "
              "word") {
        limits l;
        l.max_awaiting_rel = 1;
        engine_harness h{l};
        const client_handle p = h.connect("pub", v3);
        (void)h.exchange(p, pub("t", "1", qos2, 1));
        h.send(p, pub("t", "2", qos2, 2));
        CHECK(h.take_bytes(p).empty());
        CHECK(h.closed(p));
    }

    TEST_CASE("releasing QoS 2 messages makes room under our Receive Maximum") {
        limits l;
        l.max_inflight = 2;
        engine_harness h{l};
        const client_handle p = h.connect("pub", v5);
        for (std::uint16_t id = 1; id <= 10; ++id) {
            CHECK(only<mqtt::pubrec>(h.exchange(p, pub("t", "x", qos2, id))).packet_id == id);
            CHECK(only<mqtt::pubcomp>(h.exchange(p, ack<mqtt::pubrel>(id))).packet_id == id);
        }
        CHECK_FALSE(h.closed(p));
    }

    TEST_CASE("PUBREL for an unknown packet id gets PUBCOMP (0x92 in v5) and the connection "
              "survives") {
        engine_harness h;
        const client_handle p5 = h.connect("p5", v5);
        const auto& comp = only<mqtt::pubcomp>(h.exchange(p5, ack<mqtt::pubrel>(9)));
        CHECK(comp.packet_id == 9);
        CHECK(comp.reason == reason_code::packet_identifier_not_found);
        CHECK(h.exchange(p5, mqtt::pingreq{}) == packets{mqtt::pingresp{}});
        const client_handle p3 = h.connect("p3", v3);
        h.send(p3, ack<mqtt::pubrel>(9));
        CHECK(h.take_bytes(p3) == "\x70\x02\x00\x09"s);
        CHECK_FALSE(h.closed(p3));
    }

    TEST_CASE("a PUBLISH from a client with a Subscription Identifier: DISCONNECT 0x82 "
              "[MQTT-3.3.4-6]") {
        engine_harness h;
        const client_handle sub = h.connect("sub", v5);
        (void)h.subscribe(sub, "t", qos0);
        const client_handle p = h.connect("pub", v5);
        mqtt::publish bad = pub("t", "x");
        bad.props.subscription_identifiers = {5};
        h.send(p, bad);
        CHECK(h.disconnect_reason(p) == reason_code::protocol_error);
        CHECK(h.received(sub).empty());
    }

    TEST_CASE("a Topic Alias set with a topic name stands for it in later PUBLISH packets, "
              "and may be remapped [MQTT-3.3.2-12]") {
        engine_harness h;
        const client_handle sub = h.connect("sub", v5);
        (void)h.subscribe(sub, "#", qos0);
        const client_handle p = h.connect("pub", v5);
        h.send(p, with_alias("a/b", 1, "1"));
        h.send(p, with_alias("", 1, "2"));
        h.send(p, with_alias("c", 1, "3"));
        h.send(p, with_alias("", 1, "4"));
        h.send(p, with_alias("max", 64, "5"));
        h.send(p, with_alias("", 64, "6"));
        CHECK_FALSE(h.closed(p));
        std::vector<std::string> topics;
        for (const auto& got : publishes(h.received(sub))) {
            topics.emplace_back(got.topic);
        }
        CHECK(topics == std::vector<std::string>{"a/b", "a/b", "c", "c", "max", "max"});
    }

    TEST_CASE("Topic Alias 0 is refused with DISCONNECT 0x94 [MQTT-3.3.2-8]") {
        engine_harness h;
        const client_handle p = h.connect("pub", v5);
        h.send_bytes(p, "\x30\x08\x00\x01t\x03\x23\x00\x00x"s);
        CHECK(h.disconnect_reason(p) == reason_code::topic_alias_invalid);
    }

    TEST_CASE("a Topic Alias above our Topic Alias Maximum is refused with DISCONNECT 0x94 "
              "[MQTT-3.3.2-9] [MQTT-3.2.2-18]") {
        limits l;
        std::uint16_t alias = 0;
        SUBCASE("65 with the default maximum 64") {
            alias = 65;
        }
        SUBCASE("1 with aliases disabled") {
            l.max_topic_alias = 0;
            alias = 1;
        }
        engine_harness h{l};
        const client_handle p = h.connect("pub", v5);
        h.send(p, with_alias("t", alias, "x"));
        CHECK(h.disconnect_reason(p) == reason_code::topic_alias_invalid);
        CHECK(protocol_errors(h.core(), reason_code::topic_alias_invalid) == 1);
    }

    TEST_CASE("a Topic Alias never set is a protocol error, also when it was set on an earlier "
              "connection [MQTT-3.3.2-7]") {
        engine_harness h;
        const client_handle first = h.connect("pub", v5, persistent());
        h.send(first, with_alias("t", 2, "x"));
        h.disconnect(first);
        const client_handle p = h.connect("pub", v5, persistent(3600, true));
        h.send(p, with_alias("", 2, "x"));
        CHECK(h.disconnect_reason(p) == reason_code::protocol_error);
    }

    TEST_CASE("a topic with more levels than max_topic_levels: DISCONNECT 0x90") {
        limits l;
        l.max_topic_levels = 3;
        engine_harness h{l};
        const client_handle p = h.connect("pub", v5);
        CHECK(h.exchange(p, pub("a/b/c", "x")).empty());
        h.send(p, pub("a/b/c/d", "x"));
        CHECK(h.disconnect_reason(p) == reason_code::topic_name_invalid);
    }

    TEST_CASE("a v5 PUBLISH with an empty topic and no Topic Alias is a protocol error "
              "(3.3.2.1)") {
        engine_harness h;
        const client_handle sub = h.connect("sub", v5);
        (void)h.subscribe(sub, "#", qos0);
        const client_handle p = h.connect("pub", v5);
        h.send_bytes(p, "\x30\x04\x00\x00\x00x"s);
        CHECK(h.disconnect_reason(p) == reason_code::protocol_error);
        CHECK(h.received(sub).empty());
    }

    TEST_CASE("a 3.1.1 PUBLISH with an empty topic closes the connection [MQTT-4.7.3-1]") {
        engine_harness h;
        const client_handle sub = h.connect("sub", v3);
        (void)h.subscribe(sub, "#", qos0);
        const client_handle p = h.connect("pub", v3);
        h.send_bytes(p, "\x30\x03\x00\x00x"s);
        CHECK(h.closed(p));
        CHECK(h.take_bytes(p).empty());
        CHECK(h.received(sub).empty());
    }

    TEST_CASE("a wildcard in a PUBLISH topic: DISCONNECT 0x90 [MQTT-3.3.2-2]") {
        engine_harness h;
        const client_handle p = h.connect("pub", v5);
        h.send_bytes(p, "\x30\x05\x00\x01#\x00x"s);
        CHECK(h.disconnect_reason(p) == reason_code::topic_name_invalid);
    }

    TEST_CASE("packet id 0 where one is required is a protocol error [MQTT-2.2.1-3]") {
        engine_harness h;
        const client_handle p5 = h.connect("p5", v5);
        std::string bytes;
        SUBCASE("QoS 1 PUBLISH") {
            bytes = "\x32\x06\x00\x01t\x00\x00\x00"s;
        }
        SUBCASE("QoS 2 PUBLISH") {
            bytes = "\x34\x06\x00\x01t\x00\x00\x00"s;
        }
        SUBCASE("SUBSCRIBE") {
            bytes = "\x82\x07\x00\x00\x00\x00\x01t\x00"s;
        }
        SUBCASE("UNSUBSCRIBE") {
            bytes = "\xA2\x06\x00\x00\x00\x00\x01t"s;
        }
        h.send_bytes(p5, bytes);
        CHECK(h.disconnect_reason(p5) == reason_code::protocol_error);
        CHECK(h.closed(p5));
    }

    TEST_CASE("a 3.1.1 QoS 1 PUBLISH with packet id 0 closes the connection without a word "
              "[MQTT-2.3.1-1]") {
        engine_harness h;
        const client_handle p = h.connect("p", v3);
        h.send_bytes(p, "\x32\x05\x00\x01t\x00\x00"s);
        CHECK(h.take_bytes(p).empty());
        CHECK(h.closed(p));
    }

    TEST_CASE("every server-only packet from a v5 client gets DISCONNECT 0x82") {
        engine_harness h;
        const client_handle c = h.connect("c", v5);
        std::string bytes;
        SUBCASE("CONNACK") {
            bytes = "\x20\x03\x00\x00\x00"s;
        }
        SUBCASE("SUBACK") {
            bytes = "\x90\x04\x00\x01\x00\x00"s;
        }
        SUBCASE("UNSUBACK") {
            bytes = "\xB0\x04\x00\x01\x00\x00"s;
        }
        SUBCASE("PINGRESP") {
            bytes = "\xD0\x00"s;
        }
        h.send_bytes(c, bytes);
        CHECK(h.disconnect_reason(c) == reason_code::protocol_error);
        CHECK(h.closed(c));
        CHECK(protocol_errors(h.core(), reason_code::protocol_error) == 1);
    }

    TEST_CASE("every server-only packet from a 3.1.1 client closes the connection without a "
              "word") {
        engine_harness h;
        const client_handle c = h.connect("c", v3);
        std::string bytes;
        SUBCASE("CONNACK") {
            bytes = "\x20\x02\x00\x00"s;
        }
        SUBCASE("SUBACK") {
            bytes = "\x90\x03\x00\x01\x00"s;
        }
        SUBCASE("UNSUBACK") {
            bytes = "\xB0\x02\x00\x01"s;
        }
        SUBCASE("PINGRESP") {
            bytes = "\xD0\x00"s;
        }
        h.send_bytes(c, bytes);
        CHECK(h.take_bytes(c).empty());
        CHECK(h.closed(c));
    }

    TEST_CASE("a malformed packet after CONNECT: v5 DISCONNECT 0x81") {
        engine_harness h;
        const client_handle c = h.connect("c", v5);
        h.send_bytes(c, "\x36\x05\x00\x01t\x00x"s); // QoS 3 [MQTT-3.3.1-4]
        CHECK(h.disconnect_reason(c) == reason_code::malformed_packet);
        CHECK(protocol_errors(h.core(), reason_code::malformed_packet) == 1);
    }

    TEST_CASE("a broken byte stream closes the connection with the split's reason") {
        engine_harness h;
        const client_handle c5 = h.connect("c5", v5);
        h.core().on_stream_error(c5, reason_code::packet_too_large, h.now);
        CHECK(h.disconnect_reason(c5) == reason_code::packet_too_large);
        CHECK(h.closed(c5));
        const client_handle c3 = h.connect("c3", v3);
        h.core().on_stream_error(c3, reason_code::malformed_packet, h.now);
        CHECK(h.take_bytes(c3).empty());
        CHECK(h.closed(c3));
        const client_handle fresh = h.open();
        h.core().on_stream_error(fresh, reason_code::malformed_packet, h.now);
        CHECK(h.take_bytes(fresh).empty()); // no DISCONNECT before CONNACK [MQTT-3.14.0-1]
        CHECK(h.closed(fresh));
        CHECK(protocol_errors(h.core(), reason_code::packet_too_large) == 1);
        CHECK(protocol_errors(h.core(), reason_code::malformed_packet) == 2);
    }

    TEST_CASE("protocol errors are counted by reason code in stats()") {
        engine_harness h;
        const client_handle a = h.connect("a", v5);
        h.send_bytes(a, "\xD0\x00"s); // PINGRESP: 0x82
        const client_handle b = h.connect("b", v5);
        h.send(b, with_alias("", 3, "x")); // alias never set: 0x82
        const client_handle c = h.connect("c", v5);
        h.send(c, with_alias("t", 99, "x")); // 0x94
        const client_handle d = h.open();
        h.send_bytes(d, "\xC0\x00"s); // not CONNECT first: 0x82
        CHECK(protocol_errors(h.core(), reason_code::protocol_error) == 3);
        CHECK(protocol_errors(h.core(), reason_code::topic_alias_invalid) == 1);
        CHECK(protocol_errors(h.core(), reason_code::malformed_packet) == 0);
    }

    TEST_CASE("nothing a client sends after DISCONNECT is processed [MQTT-3.14.4-1]") {
        engine_harness h;
        const client_handle sub = h.connect("sub", v5);
        (void)h.subscribe(sub, "t", qos0);
        const client_handle p = h.connect("pub", v5);
        h.send(p, mqtt::disconnect{});
        h.send(p, pub("t", "late"));
        h.send(p, mqtt::pingreq{});
        CHECK(h.take_bytes(p).empty());
        CHECK(h.received(sub).empty());
    }
}

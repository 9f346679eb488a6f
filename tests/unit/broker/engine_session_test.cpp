// Sessions (4.1, 3.1.2.4, 3.1.2.11.2): how long they last, what an offline session keeps,
// redelivery when it is resumed, and session takeover.
#include "engine_harness.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::broker;
using namespace emqx::broker::test;
using namespace std::string_literals;
using mqtt::reason_code;

namespace {

using strings = std::vector<std::string>;

/// Publishes `payload` on "t" at `qos` from a fresh connection "pub" that then disconnects.
void publish_once(engine_harness& h,
                  std::string_view payload,
                  mqtt::qos qos = qos1,
                  std::uint16_t id = 1) {
    const client_handle p = h.connect("pub", v5);
    h.send(p, pub("t", payload, qos, qos == qos0 ? 0 : id));
    if (qos == qos2) {
        (void)h.received(p);
        h.send(p, ack<mqtt::pubrel>(id));
    }
    h.disconnect(p);
}

} // namespace

TEST_SUITE("broker::engine::session") {
    TEST_CASE("a v5 session without Session Expiry Interval ends with its connection, "
              "subscriptions included") {
        engine_harness h;
        const client_handle c = h.connect("c", v5);
        (void)h.subscribe(c, "t", qos1);
        CHECK(h.core().subscription_count() == 1);
        h.drop(c);
        CHECK(h.core().session_count() == 0);
        CHECK(h.core().subscription_count() == 0);
        (void)h.connect("c", v5, persistent(3600, false)); // nothing to resume
    }

    TEST_CASE("a session lasts its Session Expiry Interval after the connection closes, then "
              "is discarded with its subscriptions [MQTT-3.1.2-23] [MQTT-4.1.0-2]") {
        engine_harness h;
        const client_handle c = h.connect("c", v5, persistent(10));
        (void)h.subscribe(c, "t", qos1);
        h.drop(c);
        h.advance(9s);
        CHECK(h.core().session_count() == 1);
        CHECK(h.core().subscription_count() == 1);
        h.advance(2s);
        CHECK(h.core().session_count() == 0);
        CHECK(h.core().subscription_count() == 0);
        const client_handle p = h.connect("p", v5);
        CHECK(only<mqtt::puback>(h.exchange(p, pub("t", "x", qos1, 1))).reason ==
              reason_code::no_matching_subscribers);
        (void)h.connect("c", v5, persistent(10, false));
    }

    TEST_CASE("a resumed session is there with its subscriptions until it expires") {
        engine_harness h;
        h.disconnect(h.connect("c", v5, persistent(10)));
        h.advance(8s);
        const client_handle c = h.connect("c", v5, persistent(10, true));
        h.advance(60s); // connected: no expiry while the connection is open [MQTT-4.1.0-1]
        CHECK(h.core().session_count() == 1);
        h.drop(c);
        h.advance(11s);
        CHECK(h.core().session_count() == 0);
    }

    TEST_CASE("a 3.1.1 session with Clean Session 0 is kept without limit") {
        engine_harness h;
        const client_handle c = h.connect("c", v3, persistent());
        (void)h.subscribe(c, "t", qos1);
        h.drop(c);
        h.advance(std::chrono::hours{24 * 400});
        CHECK(h.core().session_count() == 1);
        CHECK(h.core().subscription_count() == 1);
        (void)h.connect("c", v3, persistent(0, true));
    }

    TEST_CASE("Session Expiry Interval 0xFFFFFFFF never expires") {
        engine_harness h;
        h.disconnect(h.connect("c", v5, persistent(UINT32_MAX)));
        h.advance(std::chrono::hours{24 * 400});
        CHECK(h.core().session_count() == 1);
    }

    TEST_CASE("Clean Start 1 discards an existing session, its subscriptions and queued "
              "messages [MQTT-3.1.2-4]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1 [MQTT-3.1.2-6]") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle c = h.connect("c", v, persistent());
        (void)h.subscribe(c, "t", qos1);
        h.drop(c);
        publish_once(h, "queued");
        const client_handle fresh = h.connect("c", v);
        CHECK(h.received(fresh).empty());
        CHECK(h.core().subscription_count() == 0);
        publish_once(h, "after");
        CHECK(h.received(fresh).empty());
    }

    TEST_CASE("an offline session keeps QoS 1 and 2 messages and drops QoS 0; they arrive in "
              "order on resume") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle c = h.connect("c", v, persistent());
        (void)h.subscribe(c, "t", qos2);
        h.drop(c);
        publish_once(h, "one", qos1);
        publish_once(h, "zero", qos0);
        publish_once(h, "two", qos2);
        const client_handle again = h.connect("c", v, persistent(3600, true));
        const auto got = publishes(h.received(again));
        REQUIRE(got.size() == 2);
        CHECK(got[0].payload == "one");
        CHECK(got[0].qos == qos1);
        CHECK_FALSE(got[0].dup); // never sent before [MQTT-3.3.1-3]
        CHECK(got[1].payload == "two");
        CHECK(got[1].qos == qos2);
        CHECK(got[0].packet_id != got[1].packet_id);
    }

    TEST_CASE("an offline session queues at most max_queued_messages; more are dropped and "
              "counted") {
        limits l;
        l.max_queued_messages = 3;
        engine_harness h{l};
        const client_handle c = h.connect("c", v5, persistent());
        (void)h.subscribe(c, "t", qos1);
        h.drop(c);
        const client_handle p = h.connect("p", v5);
        for (int i = 0; i < 5; ++i) {
            const std::string payload = std::to_string(i);
            (void)h.exchange(p, pub("t", payload, qos1, 1));
        }
        CHECK(dropped(h.core(), drop_reason::queue_full) == 2);
        const client_handle again = h.connect("c", v5, persistent(3600, true));
        CHECK(payloads(h.received(again)) == strings{"0", "1", "2"});
    }

    TEST_CASE("unacknowledged QoS 1 messages are re-sent with DUP 1 and their packet ids on "
              "resume [MQTT-4.4.0-1] [MQTT-3.3.1-1]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle c = h.connect("c", v, persistent());
        (void)h.subscribe(c, "t", qos1);
        publish_once(h, "a");
        publish_once(h, "b");
        const auto first = publishes(h.received(c));
        REQUIRE(first.size() == 2);
        CHECK(h.exchange(c, ack<mqtt::puback>(first[0].packet_id)).empty());
        h.drop(c); // "b" was never acknowledged
        const client_handle again = h.connect("c", v, persistent(3600, true));
        const auto resent = publishes(h.received(again));
        REQUIRE(resent.size() == 1);
        CHECK(resent[0].payload == "b");
        CHECK(resent[0].dup);
        CHECK(resent[0].qos == qos1);
        CHECK(resent[0].packet_id == first[1].packet_id);
        CHECK(h.exchange(again, ack<mqtt::puback>(resent[0].packet_id)).empty());
        h.drop(again);
        const client_handle third = h.connect("c", v, persistent(3600, true));
        CHECK(h.received(third).empty()); // acknowledged: never sent again [MQTT-4.4.0-1]
    }

    TEST_CASE("a QoS 2 message PUBREC'd before the connection broke gets PUBREL, not PUBLISH, "
              "on resume [MQTT-4.4.0-1] [MQTT-4.3.3-6]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle c = h.connect("c", v, persistent());
        (void)h.subscribe(c, "t", qos2);
        publish_once(h, "received", qos2, 1);
        publish_once(h, "unanswered", qos2, 2);
        const auto first = publishes(h.received(c));
        REQUIRE(first.size() == 2);
        (void)h.exchange(c, ack<mqtt::pubrec>(first[0].packet_id));
        h.drop(c);
        const client_handle again = h.connect("c", v, persistent(3600, true));
        const auto got = h.received(again);
        REQUIRE(got.size() == 2);
        CHECK(as<mqtt::pubrel>(got[0]).packet_id == first[0].packet_id);
        const auto& dup = as<mqtt::publish>(got[1]);
        CHECK(dup.payload == "unanswered");
        CHECK(dup.dup);
        CHECK(dup.packet_id == first[1].packet_id);
        CHECK(h.exchange(again, ack<mqtt::pubcomp>(first[0].packet_id)).empty());
    }

    TEST_CASE("on resume in-flight messages come first, then queued ones, within the Receive "
              "Maximum [MQTT-4.6.0-5] [MQTT-3.3.4-9]") {
        engine_harness h;
        connect_options o = persistent();
        o.props.receive_maximum = 2;
        const client_handle c = h.connect("c", v5, o);
        (void)h.subscribe(c, "t", qos1);
        for (const char* payload : {"1", "2", "3", "4", "5"}) {
            publish_once(h, payload);
        }
        CHECK(payloads(h.received(c)) == strings{"1", "2"});
        h.drop(c);
        o.expect_present = true;
        const client_handle again = h.connect("c", v5, o);
        const auto resent = publishes(h.received(again));
        REQUIRE(resent.size() == 2);
        CHECK(resent[0].payload == "1");
        CHECK(resent[0].dup);
        CHECK(resent[1].payload == "2");
        CHECK(payloads(h.exchange(again, ack<mqtt::puback>(resent[0].packet_id))) == strings{"3"});
        CHECK(payloads(h.exchange(again, ack<mqtt::puback>(resent[1].packet_id))) == strings{"4"});
    }

    TEST_CASE("on resume no more in-flight messages are re-sent than the new connection's "
              "Receive Maximum [MQTT-3.3.4-9]") {
        engine_harness h;
        connect_options o = persistent();
        o.props.receive_maximum = 3;
        const client_handle c = h.connect("c", v5, o);
        (void)h.subscribe(c, "t", qos1);
        for (const char* payload : {"1", "2", "3"}) {
            publish_once(h, payload);
        }
        const auto first = publishes(h.received(c));
        REQUIRE(first.size() == 3);
        h.drop(c);
        o.props.receive_maximum = 1;
        o.expect_present = true;
        const client_handle again = h.connect("c", v5, o);
        const auto resent = publishes(h.received(again));
        REQUIRE(resent.size() == 1);
        CHECK(resent[0].payload == "1");
        CHECK(resent[0].dup);
        const auto next = publishes(h.exchange(again, ack<mqtt::puback>(resent[0].packet_id)));
        REQUIRE(next.size() == 1);
        CHECK(next[0].payload == "2");
        CHECK(next[0].dup);
        CHECK(next[0].packet_id == first[1].packet_id);
    }

    TEST_CASE("a 3.1.1 CONNACK for a resumed session is 20 02 01 00 [MQTT-3.2.2-2]") {
        engine_harness h;
        h.drop(h.connect("c", v3, persistent()));
        const client_handle c = h.open();
        h.send(c, engine_harness::connect_packet("c", v3, persistent()));
        CHECK(h.take_bytes(c) == "\x20\x02\x01\x00"s);
    }

    TEST_CASE("a takeover closes the old connection, with DISCONNECT 0x8E in v5, and resumes "
              "the session [MQTT-3.1.4-3] [MQTT-3.1.2-5]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1 [MQTT-3.1.4-2]") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle old = h.connect("c", v, persistent());
        (void)h.subscribe(old, "t", qos1);
        publish_once(h, "in flight");
        CHECK(payloads(h.received(old)) == strings{"in flight"});
        const client_handle fresh = h.connect("c", v, persistent(3600, true));
        CHECK(h.closed(old));
        if (v == v5) {
            CHECK(h.disconnect_reason(old) == reason_code::session_taken_over);
        } else {
            CHECK(h.take_bytes(old).empty());
        }
        const auto resent = publishes(h.received(fresh));
        REQUIRE(resent.size() == 1);
        CHECK(resent[0].dup);
        h.drop(old); // the shell closes the old socket afterwards: the session stays
        CHECK(h.core().session_count() == 1);
        publish_once(h, "later");
        CHECK(payloads(h.received(fresh)) == strings{"later"});
        CHECK(h.core().connection_count() == 1);
    }

    TEST_CASE("a client that reconnects before the shell closed its DISCONNECTed connection "
              "resumes the session; the old connection gets no DISCONNECT") {
        engine_harness h;
        const client_handle old = h.connect("c", v5, persistent());
        (void)h.subscribe(old, "t", qos1);
        h.send(old, mqtt::disconnect{});
        REQUIRE(h.closed(old));
        const client_handle fresh = h.connect("c", v5, persistent(3600, true));
        CHECK(h.take_bytes(old).empty());
        h.drop(old);
        publish_once(h, "x");
        CHECK(payloads(h.received(fresh)) == strings{"x"});
    }

    TEST_CASE("a refused CONNECT does not take over the connected client with that id") {
        engine_harness h;
        const client_handle old = h.connect("c", v5, persistent());
        const client_handle bad = h.open();
        connect_options o = persistent();
        o.props.authentication_method = "GS2-KRB5";
        h.send(bad, engine_harness::connect_packet("c", v5, o));
        CHECK(only<mqtt::connack>(h.received(bad)).reason ==
              reason_code::bad_authentication_method);
        CHECK_FALSE(h.closed(old));
        CHECK(h.take_bytes(old).empty());
        CHECK(h.exchange(old, mqtt::pingreq{}) == packets{mqtt::pingresp{}});
    }

    TEST_CASE("a takeover with Clean Start 1 starts a new session [MQTT-3.1.2-4]") {
        engine_harness h;
        const client_handle old = h.connect("c", v5, persistent());
        (void)h.subscribe(old, "t", qos1);
        const client_handle fresh = h.connect("c", v5);
        CHECK(h.disconnect_reason(old) == reason_code::session_taken_over);
        CHECK(h.core().subscription_count() == 0);
        h.drop(old);
        publish_once(h, "x");
        CHECK(h.received(fresh).empty());
    }

    TEST_CASE("a takeover of a session with expiry 0 starts a new one") {
        engine_harness h;
        const client_handle old = h.connect("c", v5);
        (void)h.subscribe(old, "t", qos1);
        connect_options resume = persistent(60, false); // the old session ended with takeover
        const client_handle fresh = h.connect("c", v5, resume);
        CHECK(h.closed(old));
        CHECK(h.core().subscription_count() == 0);
        h.drop(old);
        h.drop(fresh);
        CHECK(h.core().session_count() == 1); // the new one, expiry 60
    }

    TEST_CASE("DISCONNECT may shorten the Session Expiry Interval to 0: the session ends "
              "[MQTT-3.14.2-2]") {
        engine_harness h;
        const client_handle c = h.connect("c", v5, persistent(3600));
        (void)h.subscribe(c, "t", qos1);
        mqtt::disconnect d;
        d.props.session_expiry_interval = 0;
        h.disconnect(c, d);
        CHECK(h.core().session_count() == 0);
        CHECK(h.core().subscription_count() == 0);
    }

    TEST_CASE("DISCONNECT may lengthen a non-zero Session Expiry Interval") {
        engine_harness h;
        const client_handle c = h.connect("c", v5, persistent(5));
        mqtt::disconnect d;
        d.props.session_expiry_interval = 100;
        h.disconnect(c, d);
        h.advance(50s);
        CHECK(h.core().session_count() == 1);
        h.advance(51s);
        CHECK(h.core().session_count() == 0);
    }

    TEST_CASE("a non-zero Session Expiry Interval on DISCONNECT after 0 on CONNECT is a "
              "protocol error: DISCONNECT 0x82 (3.14.2.2.2)") {
        engine_harness h;
        const client_handle c = h.connect("c", v5);
        mqtt::disconnect d;
        d.props.session_expiry_interval = 100;
        h.send(c, d);
        CHECK(h.disconnect_reason(c) == reason_code::protocol_error);
        CHECK(h.closed(c));
        h.drop(c);
        CHECK(h.core().session_count() == 0);
    }

    TEST_CASE("session_count counts online and offline sessions") {
        engine_harness h;
        const client_handle a = h.connect("a", v5, persistent());
        const client_handle b = h.connect("b", v3, persistent());
        (void)h.connect("c", v5);
        CHECK(h.core().session_count() == 3);
        h.drop(a);
        h.drop(b);
        CHECK(h.core().session_count() == 3);
        CHECK(h.core().connection_count() == 1);
    }
}

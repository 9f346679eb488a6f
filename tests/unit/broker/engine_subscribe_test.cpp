// SUBSCRIBE and UNSUBSCRIBE (3.8-3.11) and what subscriptions deliver: per-filter results,
// overlapping subscriptions, Subscription Identifiers, No Local, $ topics.
#include "engine_harness.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace emqx::broker;
using namespace emqx::broker::test;
using namespace std::string_literals;
using mqtt::reason_code;

namespace {

using strings = std::vector<std::string>;

mqtt::subscribe subscribe_packet(std::uint16_t id, std::vector<mqtt::subscription> subs) {
    mqtt::subscribe s;
    s.packet_id = id;
    s.subscriptions = std::move(subs);
    return s;
}

mqtt::subscription entry(std::string_view filter, mqtt::qos qos) {
    return {.filter = filter, .options = sub_options(qos)};
}

mqtt::unsubscribe unsubscribe_packet(std::uint16_t id, std::vector<std::string_view> filters) {
    mqtt::unsubscribe u;
    u.packet_id = id;
    u.filters = std::move(filters);
    return u;
}

} // namespace

TEST_SUITE("broker::engine::subscribe") {
    TEST_CASE("SUBACK has one result per filter in order: the granted QoS, or 0x8F for an "
              "invalid filter while the others are still granted [MQTT-3.8.4-5] "
              "[MQTT-3.8.4-6] [MQTT-3.9.3-1]") {
        engine_harness h;
        const client_handle c = h.connect("c", v5);
        const auto ack = only<mqtt::suback>(h.exchange(c,
                                                       subscribe_packet(10,
                                                                        {entry("a/+", qos2),
                                                                         entry("a/#/b", qos1),
                                                                         entry("b", qos0),
                                                                         entry("$share/g", qos1),
                                                                         entry("c/d+", qos1),
                                                                         entry("d", qos1)})));
        CHECK(ack.packet_id == 10); // [MQTT-3.8.4-2]
        CHECK(ack.reasons == std::vector<reason_code>{reason_code::granted_qos_2,
                                                      reason_code::topic_filter_invalid,
                                                      reason_code::success,
                                                      reason_code::topic_filter_invalid,
                                                      reason_code::topic_filter_invalid,
                                                      reason_code::granted_qos_1});
        CHECK(h.core().subscription_count() == 3);
        CHECK_FALSE(h.closed(c));
    }

    TEST_CASE("a 3.1.1 SUBACK says 0x80 for an invalid filter [MQTT-3.9.3-2]") {
        engine_harness h;
        const client_handle c = h.connect("c", v3);
        h.send(c, subscribe_packet(0x0102, {entry("ok", qos1), entry("bad#", qos1)}));
        CHECK(h.take_bytes(c) == "\x90\x04\x01\x02\x01\x80"s);
    }

    TEST_CASE("a filter with more levels than max_topic_levels is refused with 0x8F") {
        limits l;
        l.max_topic_levels = 2;
        engine_harness h{l};
        const client_handle c = h.connect("c", v5);
        const auto ack =
            only<mqtt::suback>(h.exchange(c, subscribe_packet(1, {entry("a/b/c", qos0)})));
        CHECK(ack.reasons == std::vector<reason_code>{reason_code::topic_filter_invalid});
    }

    TEST_CASE("subscriptions beyond max_subscriptions are refused with 0x97 (3.1.1: 0x80), "
              "but replacing a held one is allowed") {
        limits l;
        l.max_subscriptions = 2;
        engine_harness h{l};
        const client_handle c = h.connect("c", v5);
        const auto ack = only<mqtt::suback>(h.exchange(
            c,
            subscribe_packet(
                1, {entry("a", qos0), entry("b", qos0), entry("c", qos0), entry("a", qos1)})));
        CHECK(ack.reasons == std::vector<reason_code>{reason_code::success,
                                                      reason_code::success,
                                                      reason_code::quota_exceeded,
                                                      reason_code::granted_qos_1});
        const client_handle c3 = h.connect("c3", v3);
        h.send(c3, subscribe_packet(2, {entry("a", qos0), entry("b", qos0), entry("c", qos0)}));
        CHECK(h.take_bytes(c3) == "\x90\x05\x00\x02\x00\x00\x80"s);
    }

    TEST_CASE("UNSUBACK says 0x00 for a filter held and 0x11 for one not held; 3.1.1 UNSUBACK "
              "has no payload [MQTT-3.10.4-5] [MQTT-3.11.3-1]") {
        engine_harness h;
        const client_handle c5 = h.connect("c5", v5);
        (void)h.subscribe(c5, "a/#", qos1);
        const auto ack = only<mqtt::unsuback>(
            h.exchange(c5, unsubscribe_packet(3, {"nope", "a/#", "a/#", "a/+"})));
        CHECK(ack.packet_id == 3);
        CHECK(ack.reasons == std::vector<reason_code>{reason_code::no_subscription_existed,
                                                      reason_code::success,
                                                      reason_code::no_subscription_existed,
                                                      reason_code::no_subscription_existed});
        const client_handle c3 = h.connect("c3", v3);
        h.send(c3, unsubscribe_packet(0x0A0B, {"never"}));
        CHECK(h.take_bytes(c3) == "\xB0\x02\x0A\x0B"s);
        CHECK(h.core().subscription_count() == 0);
    }

    TEST_CASE("after UNSUBSCRIBE no new messages are delivered for the filter; in-flight ones "
              "complete [MQTT-3.10.4-2] [MQTT-3.10.4-3]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle s = h.connect("s", v);
        (void)h.subscribe(s, "t", qos1);
        const client_handle p = h.connect("p", v);
        (void)h.exchange(p, pub("t", "before", qos1, 1));
        const auto before = publishes(h.received(s));
        REQUIRE(before.size() == 1);
        (void)h.exchange(s, unsubscribe_packet(2, {"t"}));
        (void)h.exchange(p, pub("t", "after", qos1, 2));
        CHECK(h.received(s).empty());
        CHECK(h.exchange(s, ack<mqtt::puback>(before[0].packet_id)).empty());
        CHECK_FALSE(h.closed(s));
    }

    TEST_CASE("subscribing again to the same filter replaces the subscription "
              "[MQTT-3.8.4-3]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle s = h.connect("s", v);
        (void)h.subscribe(s, "t", qos2);
        (void)h.subscribe(s, "t", qos0);
        CHECK(h.core().subscription_count() == 1);
        const client_handle p = h.connect("p", v);
        (void)h.exchange(p, pub("t", "x", qos2, 1));
        const auto& got = only<mqtt::publish>(h.received(s));
        CHECK(got.qos == qos0);
    }

    TEST_CASE("overlapping subscriptions of one client get one copy at the highest QoS "
              "[MQTT-3.3.4-2]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1 [MQTT-3.3.5-1]") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle s = h.connect("s", v);
        (void)h.subscribe(s, "a/+", qos0);
        (void)h.subscribe(s, "a/b", qos1);
        (void)h.subscribe(s, "#", qos0);
        const client_handle p = h.connect("p", v);
        (void)h.exchange(p, pub("a/b", "x", qos2, 1));
        const auto& got = only<mqtt::publish>(h.received(s));
        CHECK(got.qos == qos1);
    }

    TEST_CASE("a message matching several subscriptions carries all their Subscription "
              "Identifiers [MQTT-3.3.4-3] [MQTT-3.3.4-4]") {
        engine_harness h;
        const client_handle s = h.connect("s", v5);
        (void)h.subscribe(s, "a/+", sub_options(qos1), 7);
        (void)h.subscribe(s, "a/#", sub_options(qos0), 268'435'455);
        (void)h.subscribe(s, "+/b", sub_options(qos0)); // no identifier
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, pub("a/b", "x"));
        const auto& got = only<mqtt::publish>(h.received(s));
        auto sub_ids = got.props.subscription_identifiers;
        std::sort(sub_ids.begin(), sub_ids.end());
        CHECK(sub_ids == std::vector<std::uint32_t>{7, 268'435'455});
        (void)h.exchange(p, pub("c/b", "y"));
        CHECK(only<mqtt::publish>(h.received(s)).props.subscription_identifiers.empty());
    }

    TEST_CASE("a SUBSCRIBE's Subscription Identifier applies to each of its filters, and "
              "subscribing again without one removes it [MQTT-3.8.4-3]") {
        engine_harness h;
        const client_handle s = h.connect("s", v5);
        mqtt::subscribe two = subscribe_packet(1, {entry("x", qos0), entry("y", qos0)});
        two.props.subscription_identifiers = {42};
        (void)h.exchange(s, two);
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, pub("y", "1"));
        CHECK(only<mqtt::publish>(h.received(s)).props.subscription_identifiers ==
              std::vector<std::uint32_t>{42});
        (void)h.subscribe(s, "y", qos0);
        (void)h.exchange(p, pub("y", "2"));
        CHECK(only<mqtt::publish>(h.received(s)).props.subscription_identifiers.empty());
    }

    TEST_CASE("No Local: a client's own messages are not sent back to it [MQTT-3.8.3-3]") {
        engine_harness h;
        const client_handle self = h.connect("self", v5);
        mqtt::subscribe_options o = sub_options(qos1);
        o.no_local = true;
        (void)h.subscribe(self, "t", o);
        const client_handle other = h.connect("other", v5);
        (void)h.subscribe(other, "t", qos1);
        (void)h.exchange(self, pub("t", "mine"));
        CHECK(h.received(self).empty());
        CHECK(payloads(h.received(other)) == strings{"mine"});
        (void)h.exchange(other, pub("t", "theirs"));
        CHECK(payloads(h.received(self)) == strings{"theirs"});
    }

    TEST_CASE("No Local on a shared subscription is a protocol error [MQTT-3.8.3-4]") {
        engine_harness h;
        const client_handle c = h.connect("c", v5);
        mqtt::subscribe_options o = sub_options(qos1);
        o.no_local = true;
        h.send(c, subscribe_packet(1, {{.filter = "$share/g/t", .options = o}}));
        CHECK(h.disconnect_reason(c) == reason_code::protocol_error);
        CHECK(h.core().subscription_count() == 0);
    }

    TEST_CASE("filters starting with a wildcard do not match topics starting with $ "
              "[MQTT-4.7.2-1]") {
        engine_harness h;
        const client_handle s = h.connect("s", v5);
        (void)h.subscribe(s, "#", qos0);
        (void)h.subscribe(s, "+/info", qos0);
        const client_handle sys = h.connect("sys", v5);
        (void)h.subscribe(sys, "$SYS/#", qos0);
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, pub("$SYS/info", "x"));
        CHECK(h.received(s).empty());
        CHECK(payloads(h.received(sys)) == strings{"x"});
    }

    TEST_CASE("a message reaches every subscribing client once, and only matching ones "
              "[MQTT-4.5.0-1] [MQTT-3.3.2-3]") {
        engine_harness h;
        const client_handle a = h.connect("a", v5);
        (void)h.subscribe(a, "sport/+/player1", qos0);
        const client_handle b = h.connect("b", v3);
        (void)h.subscribe(b, "sport/#", qos0);
        const client_handle c = h.connect("c", v5);
        (void)h.subscribe(c, "sport/tennis", qos0);
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, pub("sport/tennis/player1", "ace"));
        CHECK(only<mqtt::publish>(h.received(a)).topic == "sport/tennis/player1");
        CHECK(payloads(h.received(b)) == strings{"ace"});
        CHECK(h.received(c).empty());
    }

    TEST_CASE("SUBSCRIBE is answered even while the Receive Maximum window is full "
              "[MQTT-3.8.4-1]") {
        engine_harness h;
        connect_options o;
        o.props.receive_maximum = 1;
        const client_handle s = h.connect("s", v5, o);
        (void)h.subscribe(s, "t", qos1);
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, pub("t", "1", qos1, 1));
        (void)h.exchange(p, pub("t", "2", qos1, 2));
        CHECK(publishes(h.received(s)).size() == 1);
        CHECK(h.subscribe(s, "u", qos1).empty());
    }
}

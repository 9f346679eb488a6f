// Message Expiry Interval (3.3.2.3.3): what remains of it is sent on; messages that expire
// while queued or retained are not sent; messages already sent are not expired.
#include "engine_harness.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::broker;
using namespace emqx::broker::test;
using namespace std::string_literals;
using mqtt::reason_code;

namespace {

using strings = std::vector<std::string>;

mqtt::publish expiring(std::string_view payload,
                       std::uint32_t seconds,
                       mqtt::qos qos = qos1,
                       std::uint16_t id = 1) {
    mqtt::publish p = pub("t", payload, qos, qos == qos0 ? 0 : id);
    p.props.message_expiry_interval = seconds;
    return p;
}

/// Sends `p` from a short-lived connection "pub", completing its QoS 2 exchange.
void publish_from(engine_harness& h, const mqtt::publish& p) {
    const client_handle c = h.connect("pub", v5);
    (void)h.exchange(c, p);
    if (p.qos == qos2) {
        (void)h.exchange(c, ack<mqtt::pubrel>(p.packet_id));
    }
    h.disconnect(c);
}

std::optional<std::uint32_t> expiry_of(const mqtt::publish& p) {
    return p.props.message_expiry_interval;
}

} // namespace

TEST_SUITE("broker::engine::expiry") {
    TEST_CASE("a message delivered at once carries its Message Expiry Interval as received "
              "[MQTT-3.3.2-6]") {
        engine_harness h;
        const client_handle s = h.connect("s", v5);
        (void)h.subscribe(s, "t", qos1);
        publish_from(h, expiring("x", 120));
        CHECK(expiry_of(only<mqtt::publish>(h.received(s))) == std::optional<std::uint32_t>{120});
    }

    TEST_CASE("a queued message is sent with what remains of its Message Expiry Interval "
              "[MQTT-3.3.2-6]") {
        engine_harness h;
        h.drop([&] {
            const client_handle s = h.connect("s", v5, persistent());
            (void)h.subscribe(s, "t", qos1);
            return s;
        }());
        publish_from(h, expiring("x", 60));
        h.advance(20s);
        const client_handle s = h.connect("s", v5, persistent(3600, true));
        CHECK(expiry_of(only<mqtt::publish>(h.received(s))) == std::optional<std::uint32_t>{40});
    }

    TEST_CASE("a message queued for an offline session and expired before it reconnects is "
              "not sent, and counted [MQTT-3.3.2-5]") {
        engine_harness h;
        h.drop([&] {
            const client_handle s = h.connect("s", v5, persistent());
            (void)h.subscribe(s, "t", qos2);
            return s;
        }());
        publish_from(h, expiring("short", 10, qos1, 1));
        publish_from(h, expiring("long", 100, qos2, 2));
        publish_from(h, pub("t", "forever", qos1, 3));
        h.advance(30s);
        const client_handle s = h.connect("s", v5, persistent(3600, true));
        const auto got = publishes(h.received(s));
        REQUIRE(got.size() == 2);
        CHECK(got[0].payload == "long");
        CHECK(expiry_of(got[0]) == std::optional<std::uint32_t>{70});
        CHECK(got[1].payload == "forever");
        CHECK_FALSE(expiry_of(got[1]).has_value());
        CHECK(dropped(h.core(), drop_reason::expired) == 1);
    }

    TEST_CASE("a message waiting behind a full Receive Maximum window expires there "
              "[MQTT-3.3.2-5]") {
        engine_harness h;
        connect_options o;
        o.props.receive_maximum = 1;
        const client_handle s = h.connect("s", v5, o);
        (void)h.subscribe(s, "t", qos1);
        publish_from(h, pub("t", "first", qos1, 1));
        publish_from(h, expiring("waits", 5));
        publish_from(h, pub("t", "last", qos1, 3));
        const auto first = publishes(h.received(s));
        REQUIRE(first.size() == 1);
        h.advance(10s);
        CHECK(payloads(h.exchange(s, ack<mqtt::puback>(first[0].packet_id))) == strings{"last"});
        CHECK(dropped(h.core(), drop_reason::expired) == 1);
    }

    TEST_CASE("a retained message is sent with what remains of its expiry interval") {
        engine_harness h;
        mqtt::publish r = expiring("state", 100, qos0);
        r.retain = true;
        publish_from(h, r);
        h.advance(30s);
        const client_handle s = h.connect("s", v5);
        const auto got = only<mqtt::publish>(h.subscribe(s, "t", qos0));
        CHECK(got.retain);
        CHECK(expiry_of(got) == std::optional<std::uint32_t>{70});
    }

    TEST_CASE("an expired retained message is not sent and is removed [MQTT-3.3.2-5]") {
        engine_harness h;
        mqtt::publish r = expiring("state", 10, qos0);
        r.retain = true;
        publish_from(h, r);
        mqtt::publish keep = pub("u", "kept");
        keep.retain = true;
        publish_from(h, keep);
        CHECK(h.core().retained_count() == 2);
        h.now += 11s; // no tick yet: the SUBSCRIBE itself must not send it
        const client_handle s = h.connect("s", v5);
        CHECK(h.subscribe(s, "t", qos0).empty());
        h.advance(1s);
        CHECK(h.core().retained_count() == 1);
        CHECK(payloads(h.subscribe(s, "u", qos0)) == strings{"kept"});
    }

    TEST_CASE("a 3.1.1 subscriber gets an expiring message while it lasts, without the "
              "property") {
        engine_harness h;
        h.drop([&] {
            const client_handle s = h.connect("s", v3, persistent());
            (void)h.subscribe(s, "t", qos1);
            return s;
        }());
        publish_from(h, expiring("soon", 10, qos1, 1));
        publish_from(h, expiring("later", 100, qos1, 2));
        h.advance(20s);
        const client_handle s = h.connect("s", v3, persistent(0, true));
        CHECK(payloads(h.received(s)) == strings{"later"});
    }

    // Once sent, a message is no longer expired: the exchange must complete, and a message
    // left unsent in the window would block everything queued behind it.
    TEST_CASE("a message already sent is re-sent on resume even if its expiry has passed "
              "[MQTT-4.3.3-7] [MQTT-4.4.0-1]") {
        mqtt::qos qos = qos1;
        SUBCASE("QoS 1") {
            qos = qos1;
        }
        SUBCASE("QoS 2") {
            qos = qos2;
        }
        engine_harness h;
        connect_options o = persistent();
        o.props.receive_maximum = 1;
        const client_handle s = h.connect("s", v5, o);
        (void)h.subscribe(s, "t", qos2);
        publish_from(h, expiring("sent", 10, qos, 1));
        publish_from(h, pub("t", "behind", qos1, 2));
        const auto first = publishes(h.received(s));
        REQUIRE(first.size() == 1);
        h.drop(s);
        h.advance(30s);
        o.expect_present = true;
        const client_handle again = h.connect("s", v5, o);
        const auto resent = publishes(h.received(again));
        REQUIRE(resent.size() == 1);
        CHECK(resent[0].payload == "sent");
        CHECK(resent[0].dup);
        CHECK(resent[0].packet_id == first[0].packet_id);
        packets next;
        if (qos == qos1) {
            next = h.exchange(again, ack<mqtt::puback>(first[0].packet_id));
        } else {
            (void)h.exchange(again, ack<mqtt::pubrec>(first[0].packet_id));
            next = h.exchange(again, ack<mqtt::pubcomp>(first[0].packet_id));
        }
        CHECK(payloads(next) == strings{"behind"});
    }

    TEST_CASE("a PUBREL owed for an expired message is still sent on resume [MQTT-4.3.3-5]") {
        engine_harness h;
        const client_handle s = h.connect("s", v5, persistent());
        (void)h.subscribe(s, "t", qos2);
        publish_from(h, expiring("x", 5, qos2, 1));
        const auto first = publishes(h.received(s));
        REQUIRE(first.size() == 1);
        (void)h.exchange(s, ack<mqtt::pubrec>(first[0].packet_id));
        h.drop(s);
        h.advance(10s);
        const client_handle again = h.connect("s", v5, persistent(3600, true));
        CHECK(only<mqtt::pubrel>(h.received(again)).packet_id == first[0].packet_id);
    }
}

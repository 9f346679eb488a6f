// What reaches a subscriber and in what form: properties passed through, no outgoing topic
// aliases, the client's Maximum Packet Size, slow consumers, and the shell's dirty list.
#include "engine_harness.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace emqx::broker;
using namespace emqx::broker::test;
using namespace std::literals;
using mqtt::reason_code;

namespace {

using strings = std::vector<std::string>;

} // namespace

TEST_SUITE("broker::engine::flow") {
    TEST_CASE("user properties, content type, response topic, correlation data and payload "
              "format indicator are passed through unchanged [MQTT-3.3.2-4] [MQTT-3.3.2-15] "
              "[MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-18] [MQTT-3.3.2-20]") {
        engine_harness h;
        const client_handle s = h.connect("s", v5);
        (void)h.subscribe(s, "t", qos1);
        const client_handle p = h.connect("p", v5);
        mqtt::publish m = pub("t", "\x00\xFFpayload"sv, qos1, 1);
        m.props.payload_format_indicator = 0;
        m.props.content_type = "application/json";
        m.props.response_topic = "reply/to/me";
        m.props.correlation_data = "\x00\x01\x02\xFE"sv;
        m.props.user_properties = {{"z", "1"}, {"a", "2"}, {"z", "0"}, {"", ""}};
        (void)h.exchange(p, m);
        const auto& got = only<mqtt::publish>(h.received(s));
        CHECK(got.payload == "\x00\xFFpayload"sv);
        CHECK(got.props.payload_format_indicator == std::optional<std::uint8_t>{0});
        CHECK(got.props.content_type == std::optional<std::string_view>{"application/json"});
        CHECK(got.props.response_topic == std::optional<std::string_view>{"reply/to/me"});
        CHECK(got.props.correlation_data == std::optional<std::string_view>{"\x00\x01\x02\xFE"sv});
        CHECK(got.props.user_properties == m.props.user_properties); // order kept
        CHECK_FALSE(got.props.message_expiry_interval.has_value());
    }

    TEST_CASE("a 3.1.1 subscriber gets a v5 message's topic and payload, without properties") {
        engine_harness h;
        const client_handle s = h.connect("s", v3);
        (void)h.subscribe(s, "t", qos0);
        const client_handle p = h.connect("p", v5);
        mqtt::publish m = pub("t", "body");
        m.props.user_properties = {{"k", "v"}};
        m.props.content_type = "text/plain";
        (void)h.exchange(p, m);
        CHECK(h.take_bytes(s) == "\x30\x07\x00\x01tbody"s);
    }

    TEST_CASE("the broker never sends topic aliases, even to a client that accepts them "
              "[MQTT-3.1.2-26] [MQTT-3.1.2-27]") {
        engine_harness h;
        connect_options o;
        o.props.topic_alias_maximum = 10;
        const client_handle s = h.connect("s", v5, o);
        (void)h.subscribe(s, "long/topic/name", qos0);
        const client_handle p = h.connect("p", v5);
        for (int i = 0; i < 3; ++i) {
            (void)h.exchange(p, pub("long/topic/name", "x"));
        }
        for (const auto& got : publishes(h.received(s))) {
            CHECK(got.topic == "long/topic/name");
            CHECK_FALSE(got.props.topic_alias.has_value());
        }
    }

    TEST_CASE("a topic alias the publisher used is not passed on to subscribers") {
        engine_harness h;
        const client_handle s = h.connect("s", v5);
        (void)h.subscribe(s, "t", qos0);
        const client_handle p = h.connect("p", v5);
        mqtt::publish m = pub("t", "x");
        m.props.topic_alias = 1;
        (void)h.exchange(p, m);
        const auto& got = only<mqtt::publish>(h.received(s));
        CHECK(got.topic == "t");
        CHECK_FALSE(got.props.topic_alias.has_value());
    }

    TEST_CASE("a message larger than the client's Maximum Packet Size is not sent, is counted, "
              "and the next one is [MQTT-3.1.2-24] [MQTT-3.1.2-25]") {
        engine_harness h;
        connect_options o;
        o.props.maximum_packet_size = 32;
        const client_handle s = h.connect("s", v5, o);
        (void)h.subscribe(s, "t", qos0);
        const client_handle p = h.connect("p", v5);
        const std::string big(100, 'b');
        (void)h.exchange(p, pub("t", big));
        CHECK(h.received(s).empty());
        CHECK(dropped(h.core(), drop_reason::too_large) == 1);
        // 2 (fixed header) + 3 (topic) + 1 (property length) + 27 = 33 > 32
        (void)h.exchange(p, pub("t", std::string(27, 'x')));
        CHECK(h.received(s).empty());
        // 2 + 3 + 1 + 26 = 32: exactly the maximum, which is allowed
        (void)h.exchange(p, pub("t", std::string(26, 's')));
        const auto got = payloads(h.received(s));
        CHECK(got == strings{std::string(26, 's')});
        CHECK(dropped(h.core(), drop_reason::too_large) == 2);
        CHECK_FALSE(h.closed(s));
    }

    TEST_CASE("a QoS 1 message too large for the client does not take a place in the "
              "Receive Maximum window [MQTT-3.1.2-25]") {
        engine_harness h;
        connect_options o;
        o.props.maximum_packet_size = 64;
        o.props.receive_maximum = 1;
        const client_handle s = h.connect("s", v5, o);
        (void)h.subscribe(s, "t", qos1);
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, pub("t", std::string(200, 'b'), qos1, 1));
        (void)h.exchange(p, pub("t", "small", qos1, 2));
        CHECK(payloads(h.received(s)) == strings{"small"});
    }

    TEST_CASE("an in-flight message too large for the resumed connection's Maximum Packet Size "
              "is discarded and does not block the window [MQTT-3.1.2-25]") {
        engine_harness h;
        connect_options o = persistent();
        o.props.receive_maximum = 1;
        const client_handle s = h.connect("s", v5, o);
        (void)h.subscribe(s, "t", qos1);
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, pub("t", std::string(200, 'b'), qos1, 1));
        (void)h.exchange(p, pub("t", "small", qos1, 2));
        REQUIRE(publishes(h.received(s)).size() == 1);
        h.drop(s);
        o.props.maximum_packet_size = 64;
        o.expect_present = true;
        const client_handle again = h.connect("s", v5, o);
        CHECK(payloads(h.received(again)) == strings{"small"});
        CHECK(dropped(h.core(), drop_reason::too_large) == 1);
    }

    TEST_CASE("bytes the shell is still writing count toward max_outbox_bytes until "
              "on_written") {
        limits l;
        l.max_outbox_bytes = 100;
        engine_harness h{l};
        const client_handle s = h.connect("s", v5);
        (void)h.subscribe(s, "t", qos0);
        const client_handle p = h.connect("p", v5);
        h.core().client_at(s).writing = 150; // the shell took 150 bytes and is writing them
        (void)h.exchange(p, pub("t", "x"));
        CHECK(h.received(s).empty());
        CHECK(dropped(h.core(), drop_reason::slow_consumer) == 1);
        h.core().on_written(s, 150);
        (void)h.exchange(p, pub("t", "y"));
        CHECK(payloads(h.received(s)) == strings{"y"});
    }

    TEST_CASE("a slow consumer loses QoS 0 messages beyond max_outbox_bytes; the drops are "
              "counted and other subscribers are unaffected") {
        limits l;
        l.max_outbox_bytes = 100;
        engine_harness h{l};
        const client_handle slow = h.connect("slow", v5);
        (void)h.subscribe(slow, "t", qos1);
        const client_handle fast = h.connect("fast", v5);
        (void)h.subscribe(fast, "t", qos0);
        const client_handle p = h.connect("p", v5);
        const std::string payload(30, 'x'); // a 36-byte PUBLISH
        for (int i = 0; i < 10; ++i) {
            (void)h.exchange(p, pub("t", payload));
            CHECK(publishes(h.received(fast)).size() == 1); // the fast one drains
        }
        // 36, 72, 108 bytes queued; from then on the outbox is over 100: dropped.
        CHECK(h.unsent(slow) == 108);
        CHECK(dropped(h.core(), drop_reason::slow_consumer) == 7);
        (void)h.exchange(p, pub("t", payload, qos1, 1)); // QoS 1 is not dropped
        CHECK(h.unsent(slow) > 108);
        const auto got = publishes(h.received(slow)); // the shell writes at last
        CHECK(got.size() == 4);
        CHECK(got.back().qos == qos1);
        (void)h.exchange(p, pub("t", payload));
        CHECK(publishes(h.received(slow)).size() == 1); // drained: QoS 0 flows again
        CHECK_FALSE(h.closed(slow));
    }

    TEST_CASE("dirty() lists each client with new output once until clear_dirty()") {
        engine_harness h;
        const client_handle a = h.connect("a", v5);
        (void)h.subscribe(a, "t", qos0);
        const client_handle b = h.connect("b", v5);
        (void)h.subscribe(b, "t", qos0);
        h.core().clear_dirty();
        CHECK(h.core().dirty().empty());
        const client_handle p = h.connect("p", v5);
        h.core().clear_dirty();
        (void)h.exchange(p, pub("t", "1"));
        (void)h.exchange(p, pub("t", "2"));
        auto dirty = h.core().dirty();
        std::sort(dirty.begin(), dirty.end());
        auto expected = std::vector<client_handle>{a, b};
        std::sort(expected.begin(), expected.end());
        CHECK(dirty == expected);
        h.core().clear_dirty();
        h.send(p, mqtt::disconnect{});
        CHECK(h.core().dirty() == std::vector<client_handle>{p}); // asked to close
    }

    TEST_CASE("stats() counts messages and packets in and out") {
        engine_harness h;
        const client_handle s = h.connect("s", v5);
        (void)h.subscribe(s, "t", qos1);
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, pub("t", "a", qos1, 1));
        (void)h.exchange(p, pub("t", "b"));
        (void)h.exchange(p, pub("nobody", "c"));
        const auto& st = h.core().stats();
        CHECK(st.messages_received_total == 3);
        CHECK(st.messages_sent_total == 2);
        const auto at = [](const auto& counts, mqtt::packet_type t) {
            return counts[static_cast<std::size_t>(t)];
        };
        CHECK(at(st.packets_received, mqtt::packet_type::connect) == 2);
        CHECK(at(st.packets_received, mqtt::packet_type::publish) == 3);
        CHECK(at(st.packets_received, mqtt::packet_type::subscribe) == 1);
        CHECK(at(st.packets_sent, mqtt::packet_type::connack) == 2);
        CHECK(at(st.packets_sent, mqtt::packet_type::puback) == 1);
        CHECK(at(st.packets_sent, mqtt::packet_type::publish) == 2);
        CHECK(st.bytes_received_total > 0);
        CHECK(st.bytes_sent_total > 0);
        CHECK(dropped(h.core(), drop_reason::no_subscribers) == 1);
    }
}

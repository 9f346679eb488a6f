// The Will Message (3.1.2.5, 3.1.3.2): when it is published, when it is discarded, the will
// delay, and what it carries.
#include "engine_harness.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::broker;
using namespace emqx::broker::test;
using namespace std::literals;
using mqtt::reason_code;

namespace {

using strings = std::vector<std::string>;

/// A client subscribed to every will topic ("will/#") at QoS 2.
client_handle watcher(engine_harness& h) {
    const client_handle w = h.connect("watcher", v5);
    (void)h.subscribe(w, "will/#", qos2);
    return w;
}

/// Options for a client whose will is "gone" on "will/c" at QoS 1, with `delay` and a session
/// of `session_expiry` seconds.
connect_options with_will(std::uint32_t delay = 0, std::uint32_t session_expiry = 0) {
    connect_options o;
    if (session_expiry != 0) {
        o = persistent(session_expiry);
    }
    o.will = will("will/c", "gone", qos1);
    if (delay != 0) {
        o.will->props.will_delay_interval = delay;
    }
    return o;
}

strings will_payloads(engine_harness& h, client_handle w) {
    return payloads(h.received(w));
}

} // namespace

TEST_SUITE("broker::engine::will") {
    TEST_CASE("the will is published when the connection closes without DISCONNECT "
              "[MQTT-3.1.2-8] [MQTT-3.1.2-14]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle w = watcher(h);
        const client_handle c = h.connect("c", v, with_will());
        CHECK(h.received(w).empty());
        h.drop(c);
        const auto& got = only<mqtt::publish>(h.received(w));
        CHECK(got.topic == "will/c");
        CHECK(got.payload == "gone");
        CHECK(got.qos == qos1);
        CHECK_FALSE(got.retain);
        CHECK(h.core().retained_count() == 0);
    }

    TEST_CASE("a normal DISCONNECT discards the will [MQTT-3.14.4-3] [MQTT-3.1.2-10]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle w = watcher(h);
        h.disconnect(h.connect("c", v, with_will(0, 60)));
        h.advance(120s); // not at session end either
        CHECK(h.received(w).empty());
    }

    TEST_CASE("v5 DISCONNECT 0x04 asks for the will to be published") {
        engine_harness h;
        const client_handle w = watcher(h);
        mqtt::disconnect d;
        d.reason = reason_code::disconnect_with_will_message;
        h.disconnect(h.connect("c", v5, with_will()), d);
        CHECK(will_payloads(h, w) == strings{"gone"});
    }

    TEST_CASE("v5 DISCONNECT with an error reason keeps the will, which is then published "
              "[MQTT-3.1.2-8]") {
        engine_harness h;
        const client_handle w = watcher(h);
        mqtt::disconnect d;
        d.reason = reason_code::unspecified_error;
        h.disconnect(h.connect("c", v5, with_will()), d);
        CHECK(will_payloads(h, w) == strings{"gone"});
    }

    TEST_CASE("v5 DISCONNECT 0x04 with a Will Delay Interval publishes the will after the "
              "delay") {
        engine_harness h;
        const client_handle w = watcher(h);
        mqtt::disconnect d;
        d.reason = reason_code::disconnect_with_will_message;
        h.disconnect(h.connect("c", v5, with_will(10, 100)), d);
        h.advance(5s);
        CHECK(h.received(w).empty());
        h.advance(6s);
        CHECK(will_payloads(h, w) == strings{"gone"});
    }

    TEST_CASE("a will with Will Retain 1 is published as a retained message [MQTT-3.1.2-15]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        connect_options o = with_will();
        o.will->retain = true;
        h.drop(h.connect("c", v, o));
        CHECK(h.core().retained_count() == 1);
        const client_handle late = h.connect("late", v);
        const auto retained = h.subscribe(late, "will/c", qos1);
        const auto& got = only<mqtt::publish>(retained);
        CHECK(got.payload == "gone");
        CHECK(got.retain);
    }

    TEST_CASE("the will carries its properties to subscribers unchanged [MQTT-3.3.2-4] "
              "[MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-20]") {
        engine_harness h;
        const client_handle w = watcher(h);
        connect_options o = with_will();
        auto& props = o.will->props;
        props.payload_format_indicator = 1;
        props.content_type = "text/plain";
        props.response_topic = "reply/c";
        props.correlation_data = "\x00\x01\xFF"sv;
        props.user_properties = {{"k", "v1"}, {"k", "v2"}, {"a", ""}};
        props.message_expiry_interval = 300;
        h.drop(h.connect("c", v5, o));
        const auto& got = only<mqtt::publish>(h.received(w));
        CHECK(got.props.payload_format_indicator == std::optional<std::uint8_t>{1});
        CHECK(got.props.content_type == std::optional<std::string_view>{"text/plain"});
        CHECK(got.props.response_topic == std::optional<std::string_view>{"reply/c"});
        CHECK(got.props.correlation_data == std::optional<std::string_view>{"\x00\x01\xFF"sv});
        CHECK(got.props.user_properties == props.user_properties);
        CHECK(got.props.message_expiry_interval == std::optional<std::uint32_t>{300});
        CHECK_FALSE(got.props.will_delay_interval.has_value());
    }

    TEST_CASE("a keep alive timeout publishes the will [MQTT-3.1.2-8]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle w = watcher(h);
        connect_options o = with_will();
        o.keep_alive = 10;
        const client_handle c = h.connect("c", v, o);
        h.advance(16s);
        REQUIRE(h.closed(c));
        h.drop(c); // the shell closes the connection it was asked to close
        CHECK(will_payloads(h, w) == strings{"gone"});
    }

    TEST_CASE("a protocol error publishes the will [MQTT-3.1.2-8]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle w = watcher(h);
        const client_handle c = h.connect("c", v, with_will());
        h.send_bytes(c, "\xD0\x00"s); // PINGRESP from a client
        REQUIRE(h.closed(c));
        h.drop(c);
        CHECK(will_payloads(h, w) == strings{"gone"});
    }

    TEST_CASE("without a will nothing is published when the connection breaks "
              "[MQTT-3.1.2-8]") {
        engine_harness h;
        const client_handle w = watcher(h);
        h.drop(h.connect("c", v5, persistent()));
        h.advance(10s);
        CHECK(h.received(w).empty());
    }

    TEST_CASE("a will with a Will Delay Interval is published when the delay has passed "
              "(3.1.3.2.2)") {
        engine_harness h;
        const client_handle w = watcher(h);
        h.drop(h.connect("c", v5, with_will(10, 100)));
        h.advance(9s);
        CHECK(h.received(w).empty());
        h.advance(2s);
        CHECK(will_payloads(h, w) == strings{"gone"});
        h.advance(200s); // once only, also when the session ends later [MQTT-3.1.2-10]
        CHECK(h.received(w).empty());
        CHECK(h.core().session_count() == 1); // the watcher's
    }

    TEST_CASE("reconnecting within the Will Delay Interval cancels the will [MQTT-3.1.3-9]") {
        engine_harness h;
        const client_handle w = watcher(h);
        h.drop(h.connect("c", v5, with_will(10, 100)));
        h.advance(5s);
        const client_handle again = h.connect("c", v5, persistent(100, true));
        h.advance(20s);
        CHECK(h.received(w).empty());
        h.drop(again); // the new connection has no will of its own
        h.advance(200s);
        CHECK(h.received(w).empty());
    }

    TEST_CASE("a takeover within the Will Delay Interval, resuming the session, cancels the "
              "old connection's will [MQTT-3.1.3-9]") {
        engine_harness h;
        const client_handle w = watcher(h);
        const client_handle old = h.connect("c", v5, with_will(10, 100));
        const client_handle fresh = h.connect("c", v5, persistent(100, true));
        h.drop(old);
        h.advance(20s);
        CHECK(h.received(w).empty());
        CHECK_FALSE(h.closed(fresh));
    }

    TEST_CASE("the will is published when the session expires before the Will Delay Interval "
              "[MQTT-3.1.2-8]") {
        engine_harness h;
        const client_handle w = watcher(h);
        h.drop(h.connect("c", v5, with_will(100, 10)));
        h.advance(9s);
        CHECK(h.received(w).empty());
        h.advance(2s);
        CHECK(will_payloads(h, w) == strings{"gone"});
        h.advance(100s);
        CHECK(h.received(w).empty());
    }

    TEST_CASE("a will delay with Session Expiry 0 is published at once: the session ends with "
              "the connection [MQTT-3.1.2-8]") {
        engine_harness h;
        const client_handle w = watcher(h);
        h.drop(h.connect("c", v5, with_will(30, 0)));
        CHECK(will_payloads(h, w) == strings{"gone"});
    }

    TEST_CASE("reconnecting with Clean Start 1 during the will delay ends the session, so the "
              "will is published [MQTT-3.1.2-8]") {
        engine_harness h;
        const client_handle w = watcher(h);
        h.drop(h.connect("c", v5, with_will(30, 100)));
        h.advance(5s);
        (void)h.connect("c", v5);
        CHECK(will_payloads(h, w) == strings{"gone"});
    }

    TEST_CASE("a takeover publishes the old connection's will when its delay is 0 "
              "[MQTT-3.1.4-3]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle w = watcher(h);
        const client_handle old = h.connect("c", v, with_will(0, 100));
        const client_handle fresh = h.connect("c", v, persistent(100, true));
        CHECK(will_payloads(h, w) == strings{"gone"});
        h.drop(old);
        CHECK(h.received(w).empty()); // not a second time when the old socket closes
        CHECK_FALSE(h.closed(fresh));
    }

    TEST_CASE("a takeover with Clean Start 1 ends the old session, so the old connection's "
              "delayed will is published at once [MQTT-3.1.2-8]") {
        engine_harness h;
        const client_handle w = watcher(h);
        const client_handle old = h.connect("c", v5, with_will(30, 100));
        const client_handle fresh = h.connect("c", v5);
        CHECK(will_payloads(h, w) == strings{"gone"});
        h.drop(old);
        h.advance(60s);
        CHECK(h.received(w).empty());
        CHECK_FALSE(h.closed(fresh));
    }

    TEST_CASE("the will's Message Expiry Interval runs from when it is published") {
        engine_harness h;
        connect_options o = with_will(10, 100);
        o.will->retain = true;
        o.will->props.message_expiry_interval = 30;
        h.drop(h.connect("c", v5, o));
        h.advance(11s); // published now
        h.advance(20s);
        const client_handle late = h.connect("late", v5);
        const auto& got = only<mqtt::publish>(h.subscribe(late, "will/c", qos1));
        CHECK(got.props.message_expiry_interval == std::optional<std::uint32_t>{10});
    }
}

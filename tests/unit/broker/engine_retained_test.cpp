// Retained messages (3.3.1.3): storing, replacing and clearing them, the RETAIN flag on
// delivery, Retain Handling and Retain As Published.
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

mqtt::publish retained(std::string_view topic,
                       std::string_view payload,
                       mqtt::qos qos = qos0,
                       std::uint16_t id = 0) {
    mqtt::publish p = pub(topic, payload, qos, id);
    p.retain = true;
    return p;
}

mqtt::subscribe_options handling(mqtt::retain_handling rh) {
    mqtt::subscribe_options o = sub_options(qos1);
    o.retain_handling = rh;
    return o;
}

} // namespace

TEST_SUITE("broker::engine::retained") {
    TEST_CASE("a retained message is sent to a new subscriber with RETAIN 1 "
              "[MQTT-3.3.1-5] [MQTT-3.3.1-9]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1 [MQTT-3.3.1-8]") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle p = h.connect("p", v);
        (void)h.exchange(p, retained("a/b", "state", qos1, 1));
        CHECK(h.core().retained_count() == 1);
        const client_handle s = h.connect("s", v);
        const auto got = h.subscribe(s, "a/+", qos2);
        const auto& m = only<mqtt::publish>(got);
        CHECK(m.topic == "a/b");
        CHECK(m.payload == "state");
        CHECK(m.retain);
        CHECK(m.qos == qos1); // min(published 1, granted 2)
    }

    TEST_CASE("a retained message is delivered at the minimum of its QoS and the granted QoS "
              "[MQTT-3.8.4-8]") {
        engine_harness h;
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, retained("t", "x", qos2, 1));
        const client_handle s = h.connect("s", v5);
        CHECK(only<mqtt::publish>(h.subscribe(s, "t", qos0)).qos == qos0);
    }

    TEST_CASE("a new retained message replaces the old one on its topic [MQTT-3.3.1-5]") {
        engine_harness h;
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, retained("t", "old"));
        (void)h.exchange(p, retained("t", "new"));
        CHECK(h.core().retained_count() == 1);
        const client_handle s = h.connect("s", v5);
        CHECK(payloads(h.subscribe(s, "t", qos0)) == strings{"new"});
    }

    TEST_CASE("a retained PUBLISH with an empty payload clears the topic, is not stored, and "
              "is still delivered to current subscribers [MQTT-3.3.1-6] [MQTT-3.3.1-7]") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1 [MQTT-3.3.1-10] [MQTT-3.3.1-11]") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        const client_handle p = h.connect("p", v);
        (void)h.exchange(p, retained("t", "state"));
        const client_handle live = h.connect("live", v);
        (void)h.subscribe(live, "t", qos0);
        (void)h.exchange(p, retained("t", ""));
        CHECK(h.core().retained_count() == 0);
        const auto& got = only<mqtt::publish>(h.received(live));
        CHECK(got.payload.empty());
        const client_handle late = h.connect("late", v);
        CHECK(h.subscribe(late, "t", qos0).empty());
    }

    TEST_CASE("a PUBLISH with RETAIN 0 neither stores nor replaces a retained message "
              "[MQTT-3.3.1-8]") {
        engine_harness h;
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, retained("t", "kept"));
        (void)h.exchange(p, pub("t", "passing"));
        (void)h.exchange(p, pub("u", "passing"));
        CHECK(h.core().retained_count() == 1);
        const client_handle s = h.connect("s", v5);
        CHECK(payloads(h.subscribe(s, "#", qos0)) == strings{"kept"});
    }

    TEST_CASE("on a live delivery RETAIN is 0 unless the subscription asked for Retain As "
              "Published [MQTT-3.3.1-12] [MQTT-3.3.1-13]") {
        engine_harness h;
        const client_handle plain = h.connect("plain", v5);
        (void)h.subscribe(plain, "t", qos0);
        const client_handle rap = h.connect("rap", v5);
        mqtt::subscribe_options o = sub_options(qos0);
        o.retain_as_published = true;
        (void)h.subscribe(rap, "t", o);
        const client_handle old = h.connect("old", v3);
        (void)h.subscribe(old, "t", qos0);
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, retained("t", "r"));
        (void)h.exchange(p, pub("t", "n"));
        const auto plain_got = publishes(h.received(plain));
        const auto rap_got = publishes(h.received(rap));
        const auto old_got = publishes(h.received(old));
        REQUIRE(plain_got.size() == 2);
        REQUIRE(rap_got.size() == 2);
        REQUIRE(old_got.size() == 2);
        CHECK_FALSE(plain_got[0].retain);
        CHECK_FALSE(old_got[0].retain); // 3.1.1 [MQTT-3.3.1-9]
        CHECK(rap_got[0].retain);
        CHECK_FALSE(rap_got[1].retain);
    }

    TEST_CASE("Retain Handling 0 sends retained messages on every SUBSCRIBE [MQTT-3.3.1-9] "
              "[MQTT-3.8.4-4]") {
        engine_harness h;
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, retained("t", "r"));
        const client_handle s = h.connect("s", v5);
        const auto o = handling(mqtt::retain_handling::send_on_subscribe);
        CHECK(payloads(h.subscribe(s, "t", o)) == strings{"r"});
        CHECK(payloads(h.subscribe(s, "t", o)) == strings{"r"});
    }

    TEST_CASE("a 3.1.1 SUBSCRIBE repeated for a held filter re-sends the retained messages "
              "[MQTT-3.8.4-3]") {
        engine_harness h;
        const client_handle p = h.connect("p", v3);
        (void)h.exchange(p, retained("t", "r"));
        const client_handle s = h.connect("s", v3);
        CHECK(payloads(h.subscribe(s, "t", qos0)) == strings{"r"});
        CHECK(payloads(h.subscribe(s, "t", qos0)) == strings{"r"});
    }

    TEST_CASE("Retain Handling 1 sends retained messages only for a new subscription "
              "[MQTT-3.3.1-10]") {
        engine_harness h;
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, retained("t", "r"));
        const client_handle s = h.connect("s", v5);
        const auto o = handling(mqtt::retain_handling::send_if_new_subscription);
        CHECK(payloads(h.subscribe(s, "t", o)) == strings{"r"});
        CHECK(h.subscribe(s, "t", o).empty());
        (void)h.exchange(s, mqtt::unsubscribe{.packet_id = 77, .props = {}, .filters = {"t"}});
        CHECK(payloads(h.subscribe(s, "t", o)) == strings{"r"});
    }

    TEST_CASE("Retain Handling 2 never sends retained messages [MQTT-3.3.1-11]") {
        engine_harness h;
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, retained("t", "r"));
        const client_handle s = h.connect("s", v5);
        CHECK(h.subscribe(s, "t", handling(mqtt::retain_handling::do_not_send)).empty());
    }

    TEST_CASE("a shared subscription never gets retained messages (4.8.2)") {
        engine_harness h;
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, retained("t", "r"));
        const client_handle s = h.connect("s", v5);
        CHECK(h.subscribe(s, "$share/g/t", qos1).empty());
    }

    TEST_CASE("retained messages for a wildcard subscription: every match, each with the "
              "subscription's identifier") {
        engine_harness h;
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, retained("a/1", "one"));
        (void)h.exchange(p, retained("a/2", "two"));
        (void)h.exchange(p, retained("b/1", "other"));
        const client_handle s = h.connect("s", v5);
        const auto got = publishes(h.subscribe(s, "a/+", sub_options(qos0), 5));
        REQUIRE(got.size() == 2);
        strings found;
        for (const auto& m : got) {
            found.emplace_back(m.payload);
            CHECK(m.props.subscription_identifiers == std::vector<std::uint32_t>{5});
        }
        std::sort(found.begin(), found.end());
        CHECK(found == strings{"one", "two"});
    }

    TEST_CASE("retained messages go after the SUBACK") {
        engine_harness h;
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, retained("t", "r"));
        const client_handle s = h.connect("s", v5);
        mqtt::subscribe sub;
        sub.packet_id = 4;
        sub.subscriptions.push_back({.filter = "t", .options = sub_options(qos0)});
        const auto got = h.exchange(s, sub);
        REQUIRE(got.size() == 2);
        CHECK(as<mqtt::suback>(got[0]).packet_id == 4);
        CHECK(as<mqtt::publish>(got[1]).payload == "r");
    }
}

// Messages the broker sends (4.3, 4.6, 4.9): delivered QoS, packet identifiers, the QoS 1 and
// QoS 2 exchanges, the client's Receive Maximum, ordering, and stray acknowledgements.
#include "engine_harness.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <initializer_list>
#include <string>

using namespace emqx::broker;
using namespace emqx::broker::test;
using namespace std::string_literals;
using mqtt::reason_code;

namespace {

/// A v5 subscriber to "t" at `granted` with Receive Maximum `receive_maximum`.
client_handle
subscriber(engine_harness& h, std::uint16_t receive_maximum, mqtt::qos granted = qos1) {
    connect_options o;
    o.props.receive_maximum = receive_maximum;
    const client_handle c = h.connect("sub", v5, o);
    (void)h.subscribe(c, "t", granted);
    return c;
}

/// Publishes `n` messages "0", "1", ... on "t" at `qos` from `p`.
void publish_numbered(engine_harness& h, client_handle p, int n, mqtt::qos qos = qos1) {
    for (int i = 0; i < n; ++i) {
        const std::string payload = std::to_string(i);
        h.send(p, pub("t", payload, qos, static_cast<std::uint16_t>(i + 1)));
        (void)h.received(p);
    }
}

std::vector<std::uint16_t> ids(const std::vector<mqtt::publish>& ps) {
    std::vector<std::uint16_t> out;
    for (const auto& p : ps) {
        out.push_back(p.packet_id);
    }
    return out;
}

} // namespace

TEST_SUITE("broker::engine::qos") {
    TEST_CASE("the delivered QoS is the minimum of the published and the granted QoS "
              "[MQTT-3.8.4-8] [MQTT-4.8.2-3]") {
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1") {
            v = v3;
        }
        SUBCASE("MQTT 5.0") {
            v = v5;
        }
        for (const auto granted : {qos0, qos1, qos2}) {
            for (const auto published : {qos0, qos1, qos2}) {
                INFO("granted ",
                     static_cast<int>(granted),
                     " published ",
                     static_cast<int>(published));
                engine_harness h;
                const client_handle s = h.connect("s", v);
                (void)h.subscribe(s, "t", granted);
                const client_handle p = h.connect("p", v);
                h.send(p, pub("t", "x", published, published == qos0 ? 0 : 1));
                const auto& got = only<mqtt::publish>(h.received(s));
                CHECK(got.qos == std::min(granted, published));
                CHECK((got.packet_id == 0) == (got.qos == qos0)); // [MQTT-2.2.1-2]
            }
        }
    }

    TEST_CASE("QoS 1 messages to a client use packet ids 1, 2, 3... with DUP 0, and PUBACK "
              "completes them [MQTT-2.2.1-4] [MQTT-4.3.2-2]") {
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
        publish_numbered(h, p, 3);
        const auto got = publishes(h.received(s));
        CHECK(ids(got) == std::vector<std::uint16_t>{1, 2, 3});
        for (const auto& m : got) {
            CHECK(m.qos == qos1);
            CHECK_FALSE(m.dup);
        }
        for (std::uint16_t id = 1; id <= 3; ++id) {
            CHECK(h.exchange(s, ack<mqtt::puback>(id)).empty());
        }
        publish_numbered(h, p, 1);
        CHECK(ids(publishes(h.received(s))) == std::vector<std::uint16_t>{4});
    }

    TEST_CASE("a QoS 2 message to a client: PUBLISH, PUBREC answered by PUBREL with the same "
              "id, PUBCOMP ends it [MQTT-4.3.3-2] [MQTT-4.3.3-4]") {
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
        const client_handle p = h.connect("p", v);
        publish_numbered(h, p, 2, qos2);
        const auto got = publishes(h.received(s));
        CHECK(ids(got) == std::vector<std::uint16_t>{1, 2});
        CHECK(got.at(0).qos == qos2);
        CHECK_FALSE(got.at(0).dup);
        const auto& rel = only<mqtt::pubrel>(h.exchange(s, ack<mqtt::pubrec>(2)));
        CHECK(rel.packet_id == 2);
        CHECK(rel.reason == reason_code::success);
        CHECK(h.exchange(s, ack<mqtt::pubcomp>(2)).empty());
        CHECK(only<mqtt::pubrel>(h.exchange(s, ack<mqtt::pubrec>(1))).packet_id == 1);
        CHECK(h.exchange(s, ack<mqtt::pubcomp>(1)).empty());
        CHECK_FALSE(h.closed(s));
    }

    TEST_CASE("no more QoS 1 messages in flight than the client's Receive Maximum "
              "[MQTT-3.3.4-9] [MQTT-4.9.0-2]") {
        constexpr std::uint16_t n = 4;
        engine_harness h;
        const client_handle s = subscriber(h, n);
        const client_handle p = h.connect("p", v5);
        publish_numbered(h, p, n + 5);
        CHECK(payloads(h.received(s)) == std::vector<std::string>{"0", "1", "2", "3"});
        publish_numbered(h, p, 1); // still full: queued behind the others
        CHECK(h.received(s).empty());
        CHECK(payloads(h.exchange(s, ack<mqtt::puback>(1))) == std::vector<std::string>{"4"});
        CHECK(payloads(h.exchange(s, ack<mqtt::puback>(3))) == std::vector<std::string>{"5"});
        CHECK(h.exchange(s, ack<mqtt::puback>(3)).empty()); // a duplicate frees nothing
    }

    TEST_CASE("exactly N of N + 5 messages are in flight until acknowledged, then all arrive "
              "in order [MQTT-3.3.4-9] [MQTT-4.6.0-5]") {
        for (const std::uint16_t n : std::initializer_list<std::uint16_t>{1, 2, 10}) {
            INFO("Receive Maximum ", n);
            engine_harness h;
            const client_handle s = subscriber(h, n);
            const client_handle p = h.connect("p", v5);
            publish_numbered(h, p, n + 5);
            std::vector<std::string> all;
            auto got = publishes(h.received(s));
            CHECK(got.size() == n);
            while (!got.empty()) {
                for (const auto& m : got) {
                    all.emplace_back(m.payload);
                }
                const auto first = got.front().packet_id;
                std::vector<mqtt::publish> next;
                for (const auto& m : got) {
                    for (auto& more : publishes(h.exchange(s, ack<mqtt::puback>(m.packet_id)))) {
                        next.push_back(more);
                    }
                }
                CHECK(first != 0);
                CHECK(next.size() <= n);
                got = next;
            }
            std::vector<std::string> expected;
            for (int i = 0; i < n + 5; ++i) {
                expected.push_back(std::to_string(i));
            }
            CHECK(all == expected);
        }
    }

    TEST_CASE("behind a full window at most max_queued_messages wait; more are dropped and "
              "counted") {
        limits l;
        l.max_queued_messages = 2;
        engine_harness h{l};
        const client_handle s = subscriber(h, 1);
        const client_handle p = h.connect("p", v5);
        publish_numbered(h, p, 5);
        const auto first = publishes(h.received(s));
        REQUIRE(first.size() == 1);
        CHECK(dropped(h.core(), drop_reason::queue_full) == 2);
        CHECK(payloads(h.exchange(s, ack<mqtt::puback>(first[0].packet_id))) ==
              std::vector<std::string>{"1"});
    }

    TEST_CASE("a QoS 2 message holds its place in the window until PUBCOMP, not PUBREC "
              "[MQTT-4.9.0-2]") {
        engine_harness h;
        const client_handle s = subscriber(h, 1, qos2);
        const client_handle p = h.connect("p", v5);
        publish_numbered(h, p, 2, qos2);
        CHECK(payloads(h.received(s)) == std::vector<std::string>{"0"});
        const auto after_rec = h.exchange(s, ack<mqtt::pubrec>(1));
        CHECK(only<mqtt::pubrel>(after_rec).packet_id == 1);
        CHECK(payloads(h.exchange(s, ack<mqtt::pubcomp>(1))) == std::vector<std::string>{"1"});
    }

    TEST_CASE("a 3.1.1 client, which has no Receive Maximum, gets many messages in flight") {
        engine_harness h;
        const client_handle s = h.connect("s", v3);
        (void)h.subscribe(s, "t", qos1);
        const client_handle p = h.connect("p", v3);
        publish_numbered(h, p, 300);
        CHECK(publishes(h.received(s)).size() == 300);
    }

    TEST_CASE("QoS 0 messages and other packets are not held back by a full window "
              "[MQTT-3.3.4-10] [MQTT-4.9.0-3]") {
        engine_harness h;
        const client_handle s = subscriber(h, 1, qos1);
        (void)h.subscribe(s, "zero", qos0);
        const client_handle p = h.connect("p", v5);
        publish_numbered(h, p, 3);
        CHECK(payloads(h.received(s)).size() == 1);
        h.send(p, pub("zero", "fast"));
        CHECK(payloads(h.received(s)) == std::vector<std::string>{"fast"});
        CHECK(h.exchange(s, mqtt::pingreq{}) == packets{mqtt::pingresp{}});
        mqtt::subscribe more;
        more.packet_id = 50;
        more.subscriptions.push_back({.filter = "other", .options = sub_options(qos1)});
        CHECK(only<mqtt::suback>(h.exchange(s, more)).packet_id == 50);
    }

    TEST_CASE("messages from one publisher on one topic arrive in publish order, at every "
              "QoS [MQTT-4.6.0-5] [MQTT-4.6.0-6]") {
        for (const auto qos : {qos0, qos1, qos2}) {
            INFO("QoS ", static_cast<int>(qos));
            engine_harness h;
            const client_handle s = subscriber(h, 3, qos);
            const client_handle p = h.connect("p", v5);
            std::vector<std::string> all;
            for (int i = 0; i < 30; ++i) {
                const std::string payload = std::to_string(i);
                h.send(p, pub("t", payload, qos, static_cast<std::uint16_t>(i + 1)));
                for (const auto& ack_packet : h.received(p)) {
                    if (std::holds_alternative<mqtt::pubrec>(ack_packet)) {
                        (void)h.exchange(p, ack<mqtt::pubrel>(static_cast<std::uint16_t>(i + 1)));
                    }
                }
                // The subscriber acknowledges one message per publish, so the queue builds up.
                const auto got = publishes(h.received(s));
                for (const auto& m : got) {
                    all.emplace_back(m.payload);
                }
                if (qos == qos1 && !got.empty()) {
                    (void)h.exchange(s, ack<mqtt::puback>(got.front().packet_id));
                }
            }
            // Drain: acknowledge everything still in flight until nothing more comes.
            for (std::uint16_t id = 1; id <= 30 && qos != qos0; ++id) {
                packets more;
                if (qos == qos1) {
                    more = h.exchange(s, ack<mqtt::puback>(id));
                } else {
                    (void)h.exchange(s, ack<mqtt::pubrec>(id));
                    more = h.exchange(s, ack<mqtt::pubcomp>(id));
                }
                for (const auto& m : publishes(more)) {
                    all.emplace_back(m.payload);
                }
            }
            REQUIRE(all.size() == 30);
            for (int i = 0; i < 30; ++i) {
                CHECK(all[static_cast<std::size_t>(i)] == std::to_string(i));
            }
        }
    }

    TEST_CASE("PUBREC for a packet id not in flight gets PUBREL 0x92 [MQTT-2.2.1-5]") {
        engine_harness h;
        const client_handle s = h.connect("s", v5);
        const auto& rel = only<mqtt::pubrel>(h.exchange(s, ack<mqtt::pubrec>(33)));
        CHECK(rel.packet_id == 33);
        CHECK(rel.reason == reason_code::packet_identifier_not_found);
        CHECK_FALSE(h.closed(s));
    }

    TEST_CASE("PUBACK and PUBCOMP for unknown packet ids are ignored and the connection "
              "survives") {
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
        publish_numbered(h, p, 1);
        CHECK(publishes(h.received(s)).size() == 1);
        CHECK(h.exchange(s, ack<mqtt::puback>(500)).empty());
        CHECK(h.exchange(s, ack<mqtt::pubcomp>(1)).empty()); // QoS 1 message: not a PUBCOMP's
        CHECK(h.exchange(s, ack<mqtt::pubcomp>(501)).empty());
        CHECK(h.exchange(s, mqtt::pingreq{}) == packets{mqtt::pingresp{}});
        CHECK(h.exchange(s, ack<mqtt::puback>(1)).empty());
        CHECK_FALSE(h.closed(s));
    }

    TEST_CASE("a PUBACK with a failure reason completes the message: it is not re-sent "
              "[MQTT-4.4.0-2]") {
        engine_harness h;
        connect_options o = persistent();
        o.props.receive_maximum = 1;
        const client_handle s = h.connect("s", v5, o);
        (void)h.subscribe(s, "t", qos1);
        const client_handle p = h.connect("p", v5);
        publish_numbered(h, p, 2);
        CHECK(payloads(h.received(s)) == std::vector<std::string>{"0"});
        const auto next = h.exchange(s, ack<mqtt::puback>(1, reason_code::unspecified_error));
        CHECK(payloads(next) == std::vector<std::string>{"1"});
        h.drop(s);
        const client_handle again = h.connect("s", v5, persistent(3600, true));
        CHECK(payloads(h.received(again)) == std::vector<std::string>{"1"});
    }

    TEST_CASE("a PUBREC with a failure reason ends the QoS 2 exchange: no PUBREL "
              "[MQTT-4.3.3-4] [MQTT-4.4.0-2]") {
        engine_harness h;
        const client_handle s = subscriber(h, 1, qos2);
        const client_handle p = h.connect("p", v5);
        publish_numbered(h, p, 2, qos2);
        CHECK(payloads(h.received(s)) == std::vector<std::string>{"0"});
        const auto next = h.exchange(s, ack<mqtt::pubrec>(1, reason_code::unspecified_error));
        CHECK(payloads(next) == std::vector<std::string>{"1"});
        CHECK(publishes(next).size() == next.size()); // no PUBREL among them
    }

    TEST_CASE("packet ids wrap from 65535 to 1, never 0 [MQTT-2.2.1-4]") {
        engine_harness h;
        const client_handle s = h.connect("s", v5);
        (void)h.subscribe(s, "t", qos1);
        const client_handle p = h.connect("p", v5);
        std::uint16_t last = 0;
        int zero_ids = 0;
        int not_one_publish = 0;
        for (int i = 0; i < 65'537; ++i) {
            h.send(p, pub("t", "", qos1, 1));
            (void)h.received(p);
            const auto got = publishes(h.received(s));
            if (got.size() != 1) {
                ++not_one_publish;
                continue;
            }
            last = got.front().packet_id;
            zero_ids += last == 0 ? 1 : 0;
            (void)h.exchange(s, ack<mqtt::puback>(last));
        }
        CHECK(not_one_publish == 0);
        CHECK(zero_ids == 0);
        CHECK(last == 2); // 65'535 ids, then 1, then 2
    }

    TEST_CASE("when every packet id is in flight the next QoS 1 message waits for one "
              "[MQTT-2.2.1-4]") {
        engine_harness h;
        const client_handle s = h.connect("s", v3); // no Receive Maximum to stop it first
        (void)h.subscribe(s, "t", qos1);
        const client_handle p = h.connect("p", v3);
        for (int i = 0; i < 65'536; ++i) {
            h.send(p, pub("t", "", qos1, 1));
        }
        (void)h.received(p);
        const auto got = publishes(h.received(s));
        CHECK(got.size() == 65'535);
        CHECK(got.back().packet_id == 65'535);
        const auto next = publishes(h.exchange(s, ack<mqtt::puback>(1)));
        REQUIRE(next.size() == 1);
        CHECK(next.front().packet_id == 1);
    }
}

// Shared subscriptions (4.8.2): one member of a group per message, spread round robin over
// the members, preferring connected ones; members joining and leaving.
#include "engine_harness.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace emqx::broker;
using namespace emqx::broker::test;
using namespace std::string_literals;
using mqtt::reason_code;

namespace {

using strings = std::vector<std::string>;

/// Publishes "0" ... "n-1" on "t" at QoS 1 from a connection "pub".
void publish_n(engine_harness& h, int n) {
    const client_handle p = h.connect("pub", v5);
    for (int i = 0; i < n; ++i) {
        const std::string payload = std::to_string(i);
        (void)h.exchange(p, pub("t", payload, qos1, 1));
    }
    h.disconnect(p);
}

/// Acknowledges everything received and returns the payloads.
strings take(engine_harness& h, client_handle c) {
    strings out;
    for (const auto& m : publishes(h.received(c))) {
        out.emplace_back(m.payload);
        if (m.qos == qos1) {
            (void)h.exchange(c, ack<mqtt::puback>(m.packet_id));
        }
    }
    return out;
}

} // namespace

TEST_SUITE("broker::engine::shared") {
    TEST_CASE("a shared group gives each message to one member, round robin") {
        engine_harness h;
        protocol_version v = v5;
        SUBCASE("MQTT 3.1.1 clients") {
            v = v3;
        }
        SUBCASE("MQTT 5.0 clients") {
            v = v5;
        }
        std::vector<client_handle> members;
        for (const char* id : {"m1", "m2", "m3"}) {
            members.push_back(h.connect(id, v));
            (void)h.subscribe(members.back(), "$share/g/t", qos1);
        }
        publish_n(h, 9);
        std::size_t total = 0;
        std::map<std::string, int> seen;
        for (const client_handle m : members) {
            const auto got = take(h, m);
            CHECK(got.size() == 3);
            total += got.size();
            for (const auto& payload : got) {
                ++seen[payload];
            }
        }
        CHECK(total == 9);
        CHECK(seen.size() == 9); // nobody got a message twice
    }

    TEST_CASE("each group gets its own copy, and so does a non-shared subscriber") {
        engine_harness h;
        const client_handle a1 = h.connect("a1", v5);
        (void)h.subscribe(a1, "$share/a/t", qos1);
        const client_handle a2 = h.connect("a2", v5);
        (void)h.subscribe(a2, "$share/a/t", qos1);
        const client_handle b1 = h.connect("b1", v5);
        (void)h.subscribe(b1, "$share/b/#", qos1);
        const client_handle plain = h.connect("plain", v5);
        (void)h.subscribe(plain, "t", qos1);
        publish_n(h, 4);
        CHECK(take(h, a1).size() + take(h, a2).size() == 4);
        CHECK(take(h, b1) == strings{"0", "1", "2", "3"});
        CHECK(take(h, plain) == strings{"0", "1", "2", "3"});
    }

    TEST_CASE("messages skip members whose session is offline while others are connected") {
        engine_harness h;
        const client_handle m1 = h.connect("m1", v5);
        (void)h.subscribe(m1, "$share/g/t", qos1);
        const client_handle m2 = h.connect("m2", v5, persistent());
        (void)h.subscribe(m2, "$share/g/t", qos1);
        const client_handle m3 = h.connect("m3", v5);
        (void)h.subscribe(m3, "$share/g/t", qos1);
        h.drop(m2); // its session stays, with the subscription
        CHECK(h.core().subscription_count() == 3);
        publish_n(h, 6);
        CHECK(take(h, m1).size() == 3);
        CHECK(take(h, m3).size() == 3);
        const client_handle back = h.connect("m2", v5, persistent(3600, true));
        CHECK(take(h, back).empty());
        publish_n(h, 3);
        CHECK(take(h, back).size() == 1); // connected again: back in the rotation
    }

    TEST_CASE("when every member is offline a QoS 1 message is kept for one of them, not "
              "lost") {
        engine_harness h;
        h.drop([&] {
            const client_handle m = h.connect("m1", v5, persistent());
            (void)h.subscribe(m, "$share/g/t", qos1);
            return m;
        }());
        h.drop([&] {
            const client_handle m = h.connect("m2", v5, persistent());
            (void)h.subscribe(m, "$share/g/t", qos1);
            return m;
        }());
        publish_n(h, 2);
        const client_handle m1 = h.connect("m1", v5, persistent(3600, true));
        const client_handle m2 = h.connect("m2", v5, persistent(3600, true));
        const auto got1 = take(h, m1);
        const auto got2 = take(h, m2);
        CHECK(got1.size() + got2.size() == 2);
    }

    TEST_CASE("a member that unsubscribes leaves the group; the rest share the messages") {
        engine_harness h;
        const client_handle m1 = h.connect("m1", v5);
        (void)h.subscribe(m1, "$share/g/t", qos1);
        const client_handle m2 = h.connect("m2", v5);
        (void)h.subscribe(m2, "$share/g/t", qos1);
        const client_handle m3 = h.connect("m3", v5);
        (void)h.subscribe(m3, "$share/g/t", qos1);
        const auto ack = only<mqtt::unsuback>(h.exchange(
            m2, mqtt::unsubscribe{.packet_id = 9, .props = {}, .filters = {"$share/g/t"}}));
        CHECK(ack.reasons == std::vector<reason_code>{reason_code::success});
        CHECK(h.core().subscription_count() == 2);
        publish_n(h, 6);
        CHECK(take(h, m2).empty());
        CHECK(take(h, m1).size() == 3);
        CHECK(take(h, m3).size() == 3);
    }

    TEST_CASE("a member whose session ends leaves the group") {
        engine_harness h;
        const client_handle m1 = h.connect("m1", v5);
        (void)h.subscribe(m1, "$share/g/t", qos1);
        const client_handle m2 = h.connect("m2", v5);
        (void)h.subscribe(m2, "$share/g/t", qos1);
        h.disconnect(m2); // Session Expiry 0: the session and its subscription end
        publish_n(h, 4);
        CHECK(take(h, m1).size() == 4);
        CHECK(h.core().subscription_count() == 1);
    }

    TEST_CASE("a shared subscription delivers at its member's granted QoS [MQTT-4.8.2-3]") {
        engine_harness h;
        const client_handle m1 = h.connect("m1", v5);
        (void)h.subscribe(m1, "$share/g/t", qos0);
        publish_n(h, 1);
        const auto& got = only<mqtt::publish>(h.received(m1));
        CHECK(got.qos == qos0);
    }

    TEST_CASE("a QoS 2 message to a member whose connection broke is completed when it "
              "reconnects [MQTT-4.8.2-4]") {
        engine_harness h;
        const client_handle m1 = h.connect("m1", v5, persistent());
        (void)h.subscribe(m1, "$share/g/t", qos2);
        const client_handle m2 = h.connect("m2", v5);
        (void)h.subscribe(m2, "$share/g/t", qos2);
        const client_handle p = h.connect("p", v5);
        (void)h.exchange(p, pub("t", "x", qos2, 1));
        const auto first = publishes(h.received(m1));
        REQUIRE(first.size() == 1);
        h.drop(m1);
        const client_handle back = h.connect("m1", v5, persistent(3600, true));
        const auto again = publishes(h.received(back));
        REQUIRE(again.size() == 1);
        CHECK(again[0].dup);
        CHECK(again[0].packet_id == first[0].packet_id);
        CHECK(h.received(m2).empty());
    }
}

// Retained messages through the real emqxd, byte-exact: set, replace, clear, the RETAIN flag
// on delivery, v5 Retain Handling and Retain As Published, and Message Expiry.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>

using namespace emqx::test;
using namespace std::string_literals;

namespace {

// Subscribes `c` (3.1.1 or 5.0) to `filter` with `options` and checks the SUBACK granted the
// QoS in the low two bits of `options`.
void subscribe(raw_client& c, const std::string& filter, std::uint8_t options, bool v5,
               std::uint16_t packet_id = 1) {
    c.send(wire::subscribe(packet_id, filter, options, v5));
    const char granted = static_cast<char>(options & 0x03U);
    const std::string expected = v5 ? "\x90\x04"s + wire::u16(packet_id) + '\x00' + granted
                                    : "\x90\x03"s + wire::u16(packet_id) + granted;
    REQUIRE(hex(c.receive_packet()) == hex(expected));
}

} // namespace

TEST_SUITE("integration::retained") {
    TEST_CASE("a retained message is sent with RETAIN 1 to a new subscriber, replaced by the "
              "next one, and cleared by an empty one [MQTT-3.3.1-5] [MQTT-3.3.1-8] "
              "[MQTT-3.3.1-10] [MQTT-3.3.1-11]") {
        emqxd_process broker;
        raw_client pub = open_session(broker.port(), wire::connect_v311("r-pub"));
        pub.send("\x31\x07\x00\x03r/1on"s);
        {
            raw_client sub = open_session(broker.port(), wire::connect_v311("r-a"));
            subscribe(sub, "r/#", 0, false);
            CHECK(hex(sub.receive_packet()) == hex("\x31\x07\x00\x03r/1on"s));
        }
        pub.send("\x31\x07\x00\x03r/1v2"s);
        {
            raw_client sub = open_session(broker.port(), wire::connect_v311("r-b"));
            subscribe(sub, "r/#", 0, false);
            CHECK(hex(sub.receive_packet()) == hex("\x31\x07\x00\x03r/1v2"s));
            CHECK(sub.quiet_for(std::chrono::milliseconds{200})); // only the latest is kept
        }
        pub.send("\x31\x05\x00\x03r/1"s);
        raw_client sub = open_session(broker.port(), wire::connect_v311("r-c"));
        subscribe(sub, "r/#", 0, false);
        CHECK(sub.quiet_for(std::chrono::milliseconds{300}));
    }

    TEST_CASE("a retained message forwarded to an existing 3.1.1 subscription has RETAIN 0 "
              "[MQTT-3.3.1-9]") {
        emqxd_process broker;
        raw_client sub = open_session(broker.port(), wire::connect_v311("live"));
        subscribe(sub, "r/live", 0, false);
        raw_client pub = open_session(broker.port(), wire::connect_v311("live-pub"));
        pub.send("\x31\x0a\x00\x06r/liveon"s);
        CHECK(hex(sub.receive_packet()) == hex("\x30\x0a\x00\x06r/liveon"s));
    }

    TEST_CASE("Retain As Published keeps RETAIN 1 on a live delivery; without it RETAIN is 0 "
              "[MQTT-3.3.1-12] [MQTT-3.3.1-13]") {
        emqxd_process broker;
        raw_client rap = open_session(broker.port(), wire::connect_v5("rap"));
        subscribe(rap, "ra/1", 0x08, true);
        raw_client plain = open_session(broker.port(), wire::connect_v5("plain"));
        subscribe(plain, "ra/1", 0x00, true);
        raw_client pub = open_session(broker.port(), wire::connect_v5("ra-pub"));
        pub.send("\x31\x09\x00\x04ra/1\x00on"s);
        CHECK(hex(rap.receive_packet()) == hex("\x31\x09\x00\x04ra/1\x00on"s));
        CHECK(hex(plain.receive_packet()) == hex("\x30\x09\x00\x04ra/1\x00on"s));
    }

    TEST_CASE("Retain Handling 1 sends retained messages only for a new subscription, 2 never "
              "[MQTT-3.3.1-10] [MQTT-3.3.1-11]") {
        emqxd_process broker;
        raw_client pub = open_session(broker.port(), wire::connect_v5("rh-pub"));
        pub.send("\x31\x09\x00\x04rh/1\x00on"s);
        raw_client once = open_session(broker.port(), wire::connect_v5("rh1"));
        subscribe(once, "rh/1", 0x10, true, 1);
        CHECK(hex(once.receive_packet()) == hex("\x31\x09\x00\x04rh/1\x00on"s));
        subscribe(once, "rh/1", 0x10, true, 2);
        CHECK(once.quiet_for(std::chrono::milliseconds{300}));
        raw_client never = open_session(broker.port(), wire::connect_v5("rh2"));
        subscribe(never, "rh/1", 0x20, true);
        CHECK(never.quiet_for(std::chrono::milliseconds{300}));
    }

    TEST_CASE("Retain Handling 0 sends the retained message again on every SUBSCRIBE "
              "[MQTT-3.3.1-9]") {
        emqxd_process broker;
        raw_client pub = open_session(broker.port(), wire::connect_v5("rh0-pub"));
        pub.send("\x31\x09\x00\x04rh/0\x00on"s);
        raw_client sub = open_session(broker.port(), wire::connect_v5("rh0"));
        subscribe(sub, "rh/0", 0x00, true, 1);
        CHECK(hex(sub.receive_packet()) == hex("\x31\x09\x00\x04rh/0\x00on"s));
        subscribe(sub, "rh/0", 0x00, true, 2);
        CHECK(hex(sub.receive_packet()) == hex("\x31\x09\x00\x04rh/0\x00on"s));
    }

    TEST_CASE("a retained message is not sent on a shared subscription (4.8.2)") {
        emqxd_process broker;
        raw_client pub = open_session(broker.port(), wire::connect_v5("sh-pub"));
        pub.send("\x31\x09\x00\x04sh/r\x00on"s);
        raw_client sub = open_session(broker.port(), wire::connect_v5("sh-sub"));
        subscribe(sub, "$share/g/sh/r", 0x00, true);
        CHECK(sub.quiet_for(std::chrono::milliseconds{300}));
    }

    TEST_CASE("a retained message past its Message Expiry Interval is not sent [MQTT-3.3.2-5]") {
        emqxd_process broker;
        raw_client pub = open_session(broker.port(), wire::connect_v5("exp-pub"));
        // Properties: Message Expiry Interval 1 second.
        pub.send("\x31\x0e\x00\x04me/1\x05\x02\x00\x00\x00\x01on"s);
        std::this_thread::sleep_for(std::chrono::milliseconds{2'200});
        raw_client sub = open_session(broker.port(), wire::connect_v5("exp-sub"));
        subscribe(sub, "me/1", 0x00, true);
        CHECK(sub.quiet_for(std::chrono::milliseconds{300}));
    }

    TEST_CASE("a retained message is sent with the remaining Message Expiry Interval "
              "[MQTT-3.3.2-6]") {
        emqxd_process broker;
        raw_client pub = open_session(broker.port(), wire::connect_v5("left-pub"));
        // Message Expiry Interval 100 seconds; delivered well within the first second.
        pub.send("\x31\x0e\x00\x04me/2\x05\x02\x00\x00\x00\x64on"s);
        raw_client sub = open_session(broker.port(), wire::connect_v5("left-sub"));
        subscribe(sub, "me/2", 0x00, true);
        const std::string at_100 = "\x31\x0e\x00\x04me/2\x05\x02\x00\x00\x00\x64on"s;
        const std::string at_99 = "\x31\x0e\x00\x04me/2\x05\x02\x00\x00\x00\x63on"s;
        const auto got = sub.receive_packet();
        CHECK((hex(got) == hex(at_100) || hex(got) == hex(at_99)));
    }
}

// Will messages through the real emqxd: published on an abnormal close, a keep alive timeout,
// a takeover or DISCONNECT 0x04; discarded on a normal DISCONNECT; delayed by v5 Will Delay.
#include "emqxd_process.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::test;
using namespace std::string_literals;

namespace {

// A 3.1.1 subscriber to "w/#" at QoS 1.
raw_client will_watcher(std::uint16_t port, const std::string& id = "watcher") {
    raw_client c = open_session(port, wire::connect_v311(id));
    c.send(wire::subscribe(1, "w/#", 0x01, false));
    REQUIRE(hex(c.receive_packet()) == hex("\x90\x03\x00\x01\x01"s));
    return c;
}

// "w/1" / "gone" at QoS 0, as the watcher receives it.
const std::string will_qos0 = "\x30\x09\x00\x03w/1gone"s;

} // namespace

TEST_SUITE("integration::will") {
    TEST_CASE("the will of a 5.0 client whose connection drops is published [MQTT-3.1.2-8]") {
        emqxd_process broker;
        raw_client watcher = will_watcher(broker.port());
        {
            raw_client dying = open_session(
                broker.port(), wire::connect_with_will(true, "dying5", {"w/1", "gone"}));
        } // closed without DISCONNECT
        CHECK(hex(watcher.receive_packet()) == hex(will_qos0));
    }

    TEST_CASE("the will of a 3.1.1 client whose connection drops is published, at its QoS "
              "[MQTT-3.1.2-8]") {
        emqxd_process broker;
        raw_client watcher = will_watcher(broker.port());
        {
            raw_client dying = open_session(
                broker.port(), wire::connect_with_will(false, "dying3", {"w/1", "gone", 0x08}));
        }
        CHECK(hex(watcher.receive_packet()) == hex("\x32\x0b\x00\x03w/1\x00\x01gone"s));
    }

    // Regression: the close paths once returned without flushing, so the will waited for the
    // next 1-second tick.
    TEST_CASE("the will of a dropped connection is sent at once, not on the next timer tick") {
        emqxd_process broker;
        raw_client watcher = will_watcher(broker.port());
        for (int round = 0; round < 3; ++round) {
            CAPTURE(round);
            raw_client dying = open_session(
                broker.port(), wire::connect_with_will(true, "prompt", {"w/1", "gone"}));
            dying.close();
            const auto start = std::chrono::steady_clock::now();
            CHECK(hex(watcher.receive_packet()) == hex(will_qos0));
            const auto waited = std::chrono::steady_clock::now() - start;
            CHECK(waited < std::chrono::milliseconds{200});
        }
    }

    TEST_CASE("a normal DISCONNECT discards the will [MQTT-3.14.4-3]") {
        emqxd_process broker;
        raw_client watcher = will_watcher(broker.port());
        raw_client polite =
            open_session(broker.port(), wire::connect_with_will(true, "polite", {"w/1", "gone"}));
        polite.send("\xe0\x00"s);
        CHECK(polite.wait_closed());
        CHECK(watcher.quiet_for(std::chrono::milliseconds{500}));
    }

    TEST_CASE("DISCONNECT with reason 0x04 publishes the will (3.14.2.1)") {
        emqxd_process broker;
        raw_client watcher = will_watcher(broker.port());
        raw_client leaving =
            open_session(broker.port(), wire::connect_with_will(true, "leaving", {"w/1", "gone"}));
        leaving.send("\xe0\x01\x04"s);
        CHECK(leaving.wait_closed());
        CHECK(hex(watcher.receive_packet()) == hex(will_qos0));
    }

    TEST_CASE("a Will Retain will is published as a retained message [MQTT-3.1.2-17]") {
        emqxd_process broker;
        {
            raw_client dying = open_session(
                broker.port(), wire::connect_with_will(false, "ret", {"w/1", "gone", 0x20}));
        }
        raw_client later = open_session(broker.port(), wire::connect_v311("later"));
        // Subscribing may race the will: retry until the retained will is there.
        std::optional<std::string> got;
        for (std::uint16_t id = 1; id <= 10 && !got; ++id) {
            later.send(wire::subscribe(id, "w/#", 0x00, false));
            CHECK(hex(later.receive_packet()) == hex("\x90\x03"s + wire::u16(id) + '\x00'));
            got = later.receive_packet(std::chrono::milliseconds{200});
        }
        CHECK(hex(got) == hex("\x31\x09\x00\x03w/1gone"s));
    }

    TEST_CASE("the Will Properties are sent with the will message (3.1.3.2)") {
        emqxd_process broker;
        raw_client watcher = open_session(broker.port(), wire::connect_v5("prop-watcher"));
        watcher.send(wire::subscribe(1, "w/#", 0x00, true));
        REQUIRE(hex(watcher.receive_packet()) == hex("\x90\x04\x00\x01\x00\x00"s));
        // Payload Format Indicator 1, Content Type "text", User Property ("k", "v").
        const std::string will_props = "\x01\x01\x03\x00\x04text\x26\x00\x01k\x00\x01v"s;
        {
            raw_client dying = open_session(
                broker.port(), wire::connect_with_will(true, "props", {"w/1", "gone", 0, will_props}));
        }
        CHECK(hex(watcher.receive_packet()) ==
              hex("\x30\x1a\x00\x03w/1\x10\x01\x01\x03\x00\x04text\x26\x00\x01k\x00\x01vgone"s));
    }

    TEST_CASE("a keep alive timeout publishes the will [MQTT-3.1.2-8]") {
        emqxd_process broker;
        raw_client watcher = will_watcher(broker.port());
        raw_client silent{broker.port()};
        // v5, keep alive 1 s, will "w/1" "gone".
        std::string connect = wire::connect_with_will(true, "silent", {"w/1", "gone"});
        connect[10] = '\x00';
        connect[11] = '\x01';
        silent.send(connect);
        REQUIRE(silent.receive_packet());
        CHECK(hex(silent.receive_packet(std::chrono::milliseconds{3'500})) == hex("\xe0\x01\x8d"s));
        CHECK(hex(watcher.receive_packet()) == hex(will_qos0));
    }

    TEST_CASE("a session taken over publishes the old connection's will (delay 0) "
              "[MQTT-3.1.4-3]") {
        emqxd_process broker;
        raw_client watcher = will_watcher(broker.port());
        raw_client old =
            open_session(broker.port(), wire::connect_with_will(true, "same", {"w/1", "gone"}));
        raw_client fresh = open_session(broker.port(), wire::connect_v5("same"));
        CHECK(hex(old.receive_packet()) == hex("\xe0\x01\x8e"s));
        CHECK(hex(watcher.receive_packet()) == hex(will_qos0));
    }

    TEST_CASE("Will Delay Interval holds the will back until it passes (3.1.3.2.2)") {
        emqxd_process broker;
        raw_client watcher = will_watcher(broker.port());
        {
            // Session Expiry 30 s; Will Delay 2 s.
            raw_client dying = open_session(
                broker.port(),
                wire::connect_with_will(true, "delayed", {"w/1", "gone", 0, "\x18\x00\x00\x00\x02"s},
                                        "\x11\x00\x00\x00\x1e"s));
        }
        CHECK(watcher.quiet_for(std::chrono::milliseconds{1'000}));
        CHECK(hex(watcher.receive_packet(std::chrono::milliseconds{3'000})) == hex(will_qos0));
    }

    TEST_CASE("reconnecting within the Will Delay Interval cancels the will [MQTT-3.1.3-9]") {
        emqxd_process broker;
        raw_client watcher = will_watcher(broker.port());
        const std::string connect = wire::connect_with_will(
            true, "back", {"w/1", "gone", 0, "\x18\x00\x00\x00\x02"s}, "\x11\x00\x00\x00\x1e"s,
            false);
        {
            raw_client dying = open_session(broker.port(), connect);
        }
        raw_client back = open_session(broker.port(), wire::connect_v5("back", "\x11\x00\x00\x00\x1e"s, false));
        CHECK(watcher.quiet_for(std::chrono::milliseconds{3'000}));
    }

    TEST_CASE("the will is published when the session ends before the Will Delay Interval "
              "[MQTT-3.1.2-8]") {
        emqxd_process broker;
        raw_client watcher = will_watcher(broker.port());
        {
            // Session Expiry 1 s; Will Delay 60 s.
            raw_client dying = open_session(
                broker.port(),
                wire::connect_with_will(true, "ending", {"w/1", "gone", 0, "\x18\x00\x00\x00\x3c"s},
                                        "\x11\x00\x00\x00\x01"s));
        }
        CHECK(hex(watcher.receive_packet(std::chrono::milliseconds{3'500})) == hex(will_qos0));
    }
}

// encode(): what it refuses to write (leaving `out` untouched), minimal lengths, appending,
// and the fields each protocol version leaves off the wire.
#include "codec_test_support.hpp"

#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/split.hpp>
#include <emqx/mqtt/types.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace emqx::mqtt;
using namespace std::string_literals;
using namespace std::string_view_literals;
using emqx::mqtt::test::check_round_trip;
using emqx::mqtt::test::hex;
using emqx::mqtt::test::make_subscription;

namespace {

constexpr auto v311 = protocol_version::v3_1_1;
constexpr auto v5 = protocol_version::v5;
constexpr std::size_t too_long = 65'536; // one more than a two-byte length holds (1.5.4)

publish make_publish(std::string_view topic, std::string_view payload) {
    publish p;
    p.topic = topic;
    p.payload = payload;
    return p;
}

connect make_connect(protocol_version version) {
    connect p;
    p.version = version;
    p.keep_alive = 60;
    p.client_id = "c1";
    return p;
}

/// encode() must fail with `expected` and leave what `out` held before.
void check_refused(const packet& p, protocol_version version, reason_code expected) {
    const std::string before = "\x10kept";
    std::string out = before;
    CHECK(encode(p, version, out) == expected);
    CHECK(hex(out) == hex(before));
}

} // namespace

TEST_SUITE("mqtt::encode") {
    TEST_CASE("a string or binary field over 65,535 bytes is malformed and writes nothing "
              "[MQTT-1.5.4-1]") {
        const std::string big(too_long, 'a');
        for (const auto version : {v311, v5}) {
            CAPTURE(static_cast<int>(version));
            check_refused(make_publish(big, "x"), version, reason_code::malformed_packet);

            auto client_id = make_connect(version);
            client_id.client_id = big;
            check_refused(client_id, version, reason_code::malformed_packet);

            auto username = make_connect(version);
            username.username = big;
            check_refused(username, version, reason_code::malformed_packet);

            auto password = make_connect(version);
            password.username = "u";
            password.password = big;
            check_refused(password, version, reason_code::malformed_packet);

            auto will_topic = make_connect(version);
            will_topic.will = will_message{big, "x", qos::at_most_once, false, {}};
            check_refused(will_topic, version, reason_code::malformed_packet);

            auto will_payload = make_connect(version);
            will_payload.will = will_message{"w", big, qos::at_most_once, false, {}};
            check_refused(will_payload, version, reason_code::malformed_packet);

            check_refused(subscribe{1, {}, {make_subscription(big, qos::at_most_once)}},
                          version,
                          reason_code::malformed_packet);
            check_refused(unsubscribe{1, {}, {"a", big}}, version, reason_code::malformed_packet);
        }
    }

    TEST_CASE("a property string over 65,535 bytes is malformed and writes nothing") {
        const std::string big(too_long, 'a');

        auto user_name = make_publish("t", "x");
        user_name.props.user_properties = {{"k", "v"}, {big, "v"}};
        check_refused(user_name, v5, reason_code::malformed_packet);

        auto user_value = make_publish("t", "x");
        user_value.props.user_properties = {{"k", big}};
        check_refused(user_value, v5, reason_code::malformed_packet);

        auto correlation = make_publish("t", "x");
        correlation.props.correlation_data = big;
        check_refused(correlation, v5, reason_code::malformed_packet);

        disconnect reason_string{reason_code::unspecified_error, {}};
        reason_string.props.reason_string = big;
        check_refused(reason_string, v5, reason_code::malformed_packet);

        auto will_props = make_connect(v5);
        will_props.will = will_message{"w", "x", qos::at_most_once, false, {}};
        will_props.will->props.content_type = big;
        check_refused(will_props, v5, reason_code::malformed_packet);
    }

    TEST_CASE("a string of exactly 65,535 bytes is written with length FF FF") {
        const std::string topic(65'535, 'a');
        std::string out;
        REQUIRE(encode(make_publish(topic, ""), v311, out) == reason_code::success);
        // Remaining Length 65,537 = 0x01 + 0x00 * 128 + 4 * 16,384.
        CHECK(hex(out.substr(0, 6)) == hex("\x30\x81\x80\x04\xFF\xFF"s));
        CHECK(out.size() == 6 + topic.size());
        CHECK(out.substr(6) == topic);
    }

    TEST_CASE("a Remaining Length over 268,435,455 is packet_too_large and writes nothing") {
        // 64 KiB of storage viewed many times over: the packet is never built in memory.
        const std::string value(65'535, 'v');
        // Each user property takes 1 + 2 + 1 + 2 + 65,535 = 65,541 bytes; 4,095 of them
        // (268,390,395 bytes) still fit a property length, and with the payload the Remaining
        // Length passes 268,435,455.
        SUBCASE("the property length fits, the Remaining Length does not") {
            auto p = make_publish("t", value);
            p.props.user_properties.assign(4'095, user_property{"k", value});
            check_refused(p, v5, reason_code::packet_too_large);
        }
        // 4,097 properties: the property length itself passes 268,435,455, so the Remaining
        // Length does too.
        SUBCASE("the property length does not fit either") {
            auto p = make_publish("t", "");
            p.props.user_properties.assign(4'097, user_property{"k", value});
            check_refused(p, v5, reason_code::packet_too_large);
        }
    }

    TEST_CASE("AUTH cannot be written before MQTT 5.0") {
        check_refused(auth{}, v311, reason_code::protocol_error);
        check_refused(auth{}, protocol_version::v3_1, reason_code::protocol_error);
        std::string out;
        CHECK(encode(auth{}, v311, out) == reason_code::protocol_error);
        CHECK(out.empty());
    }

    TEST_CASE("SUBSCRIBE or UNSUBSCRIBE without entries is a protocol error "
              "[MQTT-3.8.3-3] [MQTT-3.10.3-2]") {
        for (const auto version : {protocol_version::v3_1, v311, v5}) {
            CAPTURE(static_cast<int>(version));
            check_refused(subscribe{1, {}, {}}, version, reason_code::protocol_error);
            check_refused(unsubscribe{1, {}, {}}, version, reason_code::protocol_error);
        }
    }

    TEST_CASE("the Remaining Length is written in the fewest bytes at each boundary "
              "[MQTT-1.5.5-1]") {
        struct row {
            std::size_t remaining_length;
            std::string fixed_header;
        };
        const row rows[] = {
            {3, "\x30\x03"s},
            {127, "\x30\x7F"s},
            {128, "\x30\x80\x01"s},
            {16'383, "\x30\xFF\x7F"s},
            {16'384, "\x30\x80\x80\x01"s},
            {2'097'151, "\x30\xFF\xFF\x7F"s},
            {2'097'152, "\x30\x80\x80\x80\x01"s},
        };
        for (const auto& r : rows) {
            CAPTURE(r.remaining_length);
            // The topic "t" takes 3 bytes; the payload the rest.
            const std::string payload(r.remaining_length - 3, 'p');
            std::string out;
            REQUIRE(encode(make_publish("t", payload), v311, out) == reason_code::success);
            CHECK(hex(out.substr(0, r.fixed_header.size() + 3)) ==
                  hex(r.fixed_header + "\x00\x01t"s));
            CHECK(out.size() == r.fixed_header.size() + r.remaining_length);
            const auto split = split_packet(out);
            CHECK(split.status == split_status::complete);
            CHECK(split.packet_size == out.size());
        }
        std::string ping;
        REQUIRE(encode(pingreq{}, v311, ping) == reason_code::success);
        CHECK(hex(ping) == hex("\xC0\x00"s));
    }

    TEST_CASE("the property length is written in the fewest bytes at each boundary") {
        struct row {
            std::size_t value_size;
            std::string head; // up to the user property's value
        };
        // Property length = 6 + value size; Remaining Length = 3 + its VBI + property length.
        const row rows[] = {
            {121, "\x30\x83\x01\x00\x01t\x7F\x26\x00\x01k\x00\x79"s},
            {122, "\x30\x85\x01\x00\x01t\x80\x01\x26\x00\x01k\x00\x7A"s},
            {16'377, "\x30\x84\x80\x01\x00\x01t\xFF\x7F\x26\x00\x01k\x3F\xF9"s},
            {16'378, "\x30\x86\x80\x01\x00\x01t\x80\x80\x01\x26\x00\x01k\x3F\xFA"s},
        };
        for (const auto& r : rows) {
            CAPTURE(r.value_size);
            const std::string value(r.value_size, 'v');
            auto p = make_publish("t", "");
            p.props.user_properties = {{"k", value}};
            std::string out;
            REQUIRE(encode(p, v5, out) == reason_code::success);
            CHECK(hex(out.substr(0, r.head.size())) == hex(r.head));
            CHECK(out.size() == r.head.size() + value.size());
            CHECK(out.substr(r.head.size()) == value);
        }
    }

    TEST_CASE("a subscription identifier is written in the fewest bytes at each boundary") {
        struct row {
            std::uint32_t id;
            std::string wire;
        };
        const row rows[] = {
            {1, "\x30\x06\x00\x01t\x02\x0B\x01"s},
            {127, "\x30\x06\x00\x01t\x02\x0B\x7F"s},
            {128, "\x30\x07\x00\x01t\x03\x0B\x80\x01"s},
            {16'383, "\x30\x07\x00\x01t\x03\x0B\xFF\x7F"s},
            {16'384, "\x30\x08\x00\x01t\x04\x0B\x80\x80\x01"s},
            {2'097'151, "\x30\x08\x00\x01t\x04\x0B\xFF\xFF\x7F"s},
            {2'097'152, "\x30\x09\x00\x01t\x05\x0B\x80\x80\x80\x01"s},
            {268'435'455, "\x30\x09\x00\x01t\x05\x0B\xFF\xFF\xFF\x7F"s},
        };
        for (const auto& r : rows) {
            CAPTURE(r.id);
            auto expected = make_publish("t", "");
            expected.props.subscription_identifiers = {r.id};
            check_round_trip(r.wire, expected, v5);
        }
    }

    TEST_CASE("encoding the same packet twice into one string appends it twice") {
        const auto p = make_publish("a/b", "hi");
        const auto once = "\x30\x07\x00\x03"
                          "a/b"
                          "hi"s;
        std::string out;
        REQUIRE(encode(p, v311, out) == reason_code::success);
        REQUIRE(encode(p, v311, out) == reason_code::success);
        CHECK(hex(out) == hex(once + once));

        std::string typed;
        REQUIRE(encode(puback{1, reason_code::success, {}}, v5, typed) == reason_code::success);
        REQUIRE(encode(puback{1, reason_code::success, {}}, v5, typed) == reason_code::success);
        CHECK(hex(typed) == hex("\x40\x02\x00\x01\x40\x02\x00\x01"s));
    }

    TEST_CASE("MQTT 3.1.1 SUBACK writes every failure code as 0x80 [MQTT-3.9.3-2]") {
        const suback p{1,
                       {},
                       {reason_code::success,
                        reason_code::not_authorized,
                        reason_code::topic_filter_invalid,
                        reason_code::quota_exceeded,
                        reason_code::unspecified_error,
                        reason_code::granted_qos_2}};
        for (const auto version : {protocol_version::v3_1, v311}) {
            CAPTURE(static_cast<int>(version));
            std::string out;
            REQUIRE(encode(p, version, out) == reason_code::success);
            CHECK(hex(out) == hex("\x90\x08\x00\x01\x00\x80\x80\x80\x80\x02"s));
        }
    }

    TEST_CASE("MQTT 3.1.1 CONNACK maps failures without their own return code to 3") {
        struct row {
            reason_code reason;
            char return_code;
        };
        const row rows[] = {
            {reason_code::unspecified_error, '\x03'},
            {reason_code::banned, '\x05'}, // a ban is a refusal to authorise (issue 4)
            {reason_code::server_busy, '\x03'},
            {reason_code::bad_authentication_method, '\x03'},
            {reason_code::unsupported_protocol_version, '\x01'},
            {reason_code::client_identifier_not_valid, '\x02'},
            {reason_code::bad_user_name_or_password, '\x04'},
            {reason_code::not_authorized, '\x05'},
        };
        for (const auto& r : rows) {
            CAPTURE(r.reason);
            std::string out;
            REQUIRE(encode(connack{false, r.reason, {}}, v311, out) == reason_code::success);
            CHECK(hex(out) == hex("\x20\x02\x00"s + r.return_code));
        }
    }

    TEST_CASE("MQTT 3.1.1 leaves properties and v5-only fields off the wire") {
        // Each packet carries what only MQTT 5.0 can say; the 3.1.1 bytes ignore it.
        properties props;
        props.reason_string = "r";
        props.user_properties = {{"k", "v"}};

        auto with_will = make_connect(v311);
        with_will.clean_start = true;
        with_will.props.session_expiry_interval = 60;
        with_will.will = will_message{"w/t", "bye", qos::at_least_once, true, {}};
        with_will.will->props.will_delay_interval = 5;

        auto published = make_publish("a/b", "hi");
        published.props.content_type = "text";
        published.props.topic_alias = 3;

        subscribe subscribed{
            1,
            props,
            {make_subscription(
                "a/b", qos::at_least_once, true, true, retain_handling::do_not_send)}};

        struct row {
            const char* what;
            packet p;
            std::string wire;
        };
        const row rows[] = {
            {"CONNECT",
             with_will,
             "\x10\x18\x00\x04MQTT\x04\x2E\x00\x3C\x00\x02"
             "c1\x00\x03w/t\x00\x03"
             "bye"s},
            {"CONNACK", connack{true, reason_code::success, props}, "\x20\x02\x01\x00"s},
            {"PUBLISH",
             published,
             "\x30\x07\x00\x03"
             "a/bhi"s},
            {"PUBACK", puback{1, reason_code::no_matching_subscribers, props}, "\x40\x02\x00\x01"s},
            {"PUBREC", pubrec{1, reason_code::quota_exceeded, {}}, "\x50\x02\x00\x01"s},
            {"PUBREL",
             pubrel{1, reason_code::packet_identifier_not_found, {}},
             "\x62\x02\x00\x01"s},
            {"PUBCOMP", pubcomp{1, reason_code::success, props}, "\x70\x02\x00\x01"s},
            {"SUBSCRIBE",
             subscribed,
             "\x82\x08\x00\x01\x00\x03"
             "a/b\x01"s},
            {"SUBACK", suback{1, props, {reason_code::granted_qos_1}}, "\x90\x03\x00\x01\x01"s},
            {"UNSUBSCRIBE",
             unsubscribe{1, props, {"a/b"}},
             "\xA2\x07\x00\x01\x00\x03"
             "a/b"s},
            {"UNSUBACK",
             unsuback{1, props, {reason_code::no_subscription_existed}},
             "\xB0\x02\x00\x01"s},
            {"DISCONNECT", disconnect{reason_code::session_taken_over, props}, "\xE0\x00"s},
        };
        for (const auto& r : rows) {
            CAPTURE(r.what);
            std::string out;
            REQUIRE(encode(r.p, v311, out) == reason_code::success);
            CHECK(hex(out) == hex(r.wire));
        }
    }

    TEST_CASE("a QoS 0 PUBLISH has no packet identifier whatever the field holds "
              "[MQTT-2.2.1-2]") {
        auto p = make_publish("a/b", "hi");
        p.packet_id = 7;
        std::string v3_out;
        REQUIRE(encode(p, v311, v3_out) == reason_code::success);
        CHECK(hex(v3_out) == hex("\x30\x07\x00\x03"
                                 "a/bhi"s));
        std::string v5_out;
        REQUIRE(encode(p, v5, v5_out) == reason_code::success);
        CHECK(hex(v5_out) == hex("\x30\x08\x00\x03"
                                 "a/b\x00hi"s));
    }
}

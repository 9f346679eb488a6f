// Exact wire bytes of every MQTT 3.1.1 control packet, and of the MQTT 3.1 CONNECT, both ways.
#include "codec_test_support.hpp"

#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/types.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

using namespace emqx::mqtt;
using namespace std::string_literals;
using namespace std::string_view_literals;
using emqx::mqtt::test::byte_pattern;
using emqx::mqtt::test::check_round_trip;
using emqx::mqtt::test::make_subscription;

namespace {

constexpr auto v311 = protocol_version::v3_1_1;
constexpr auto v31 = protocol_version::v3_1;

// Packets are built field by field: GCC 12 warns (-Wmissing-field-initializers) on
// designated initialisers that leave members out.

connect make_connect(protocol_version version = v311) {
    connect p;
    p.version = version;
    p.clean_start = true;
    p.keep_alive = 60;
    p.client_id = "c1";
    return p;
}

publish make_publish(qos level, std::uint16_t packet_id, std::string_view payload) {
    publish p;
    p.qos = level;
    p.topic = "a/b";
    p.packet_id = packet_id;
    p.payload = payload;
    return p;
}

} // namespace

TEST_SUITE("mqtt::packet_v311") {
    TEST_CASE("CONNECT with a client id and clean session [MQTT-3.1.2-1] [MQTT-3.1.2-2]") {
        check_round_trip("\x10\x0E\x00\x04"
                         "MQTT"
                         "\x04\x02\x00\x3C\x00\x02"
                         "c1"s,
                         make_connect(),
                         v311);
    }

    TEST_CASE("CONNECT with an empty client id [MQTT-3.1.3-6]") {
        auto expected = make_connect();
        expected.keep_alive = 0;
        expected.client_id = "";
        check_round_trip("\x10\x0C\x00\x04"
                         "MQTT"
                         "\x04\x02\x00\x00\x00\x00"s,
                         expected,
                         v311);
    }

    TEST_CASE("CONNECT keep alive is a big-endian two-byte integer, clean session 0") {
        struct row {
            std::uint16_t keep_alive;
            std::string wire;
        };
        const row rows[] = {
            {0,
             "\x10\x0E\x00\x04MQTT\x04\x00\x00\x00\x00\x02"
             "c1"s},
            {1,
             "\x10\x0E\x00\x04MQTT\x04\x00\x00\x01\x00\x02"
             "c1"s},
            {258,
             "\x10\x0E\x00\x04MQTT\x04\x00\x01\x02\x00\x02"
             "c1"s},
            {65'535,
             "\x10\x0E\x00\x04MQTT\x04\x00\xFF\xFF\x00\x02"
             "c1"s},
        };
        for (const auto& r : rows) {
            CAPTURE(r.keep_alive);
            auto expected = make_connect();
            expected.clean_start = false;
            expected.keep_alive = r.keep_alive;
            check_round_trip(r.wire, expected, v311);
        }
    }

    TEST_CASE("CONNECT with user name and binary password [MQTT-3.1.2-19] [MQTT-3.1.2-21]") {
        auto expected = make_connect();
        expected.username = "user";
        expected.password = "\x00\xFFpw"sv;
        check_round_trip("\x10\x1A\x00\x04"
                         "MQTT"
                         "\x04\xC2\x00\x3C\x00\x02"
                         "c1"
                         "\x00\x04"
                         "user"
                         "\x00\x04\x00\xFF"
                         "pw"s,
                         expected,
                         v311);
    }

    TEST_CASE("CONNECT with a user name and no password [MQTT-3.1.2-19] [MQTT-3.1.2-20]") {
        auto expected = make_connect();
        expected.username = "u";
        check_round_trip("\x10\x11\x00\x04"
                         "MQTT"
                         "\x04\x82\x00\x3C\x00\x02"
                         "c1"
                         "\x00\x01"
                         "u"s,
                         expected,
                         v311);
    }

    TEST_CASE("CONNECT with an empty user name and an empty password keeps them present") {
        auto expected = make_connect();
        expected.username = "";
        expected.password = "";
        check_round_trip("\x10\x12\x00\x04"
                         "MQTT"
                         "\x04\xC2\x00\x3C\x00\x02"
                         "c1"
                         "\x00\x00\x00\x00"s,
                         expected,
                         v311);
    }

    TEST_CASE("CONNECT with a QoS 1 retained will [MQTT-3.1.2-9] [MQTT-3.1.2-14]") {
        auto expected = make_connect();
        expected.will = will_message{"w/t", "bye", qos::at_least_once, true, {}};
        check_round_trip("\x10\x18\x00\x04"
                         "MQTT"
                         "\x04\x2E\x00\x3C\x00\x02"
                         "c1"
                         "\x00\x03"
                         "w/t"
                         "\x00\x03"
                         "bye"s,
                         expected,
                         v311);
    }

    TEST_CASE("CONNECT with a QoS 2 retained will, then user name and password "
              "[MQTT-3.1.3-1]") {
        auto expected = make_connect();
        expected.clean_start = false;
        expected.will = will_message{"w", "\x00\x01\x00"sv, qos::exactly_once, true, {}};
        expected.username = "u";
        expected.password = "p";
        check_round_trip("\x10\x1C\x00\x04"
                         "MQTT"
                         "\x04\xF4\x00\x3C\x00\x02"
                         "c1"
                         "\x00\x01"
                         "w"
                         "\x00\x03\x00\x01\x00"
                         "\x00\x01"
                         "u"
                         "\x00\x01"
                         "p"s,
                         expected,
                         v311);
    }

    TEST_CASE("CONNECT with a QoS 0 will that is not retained and has an empty message") {
        auto expected = make_connect();
        expected.will = will_message{"w", "", qos::at_most_once, false, {}};
        check_round_trip("\x10\x13\x00\x04"
                         "MQTT"
                         "\x04\x06\x00\x3C\x00\x02"
                         "c1"
                         "\x00\x01"
                         "w"
                         "\x00\x00"s,
                         expected,
                         v311);
    }

    TEST_CASE("MQTT 3.1 CONNECT uses protocol name MQIsdp and level 3") {
        check_round_trip("\x10\x10\x00\x06"
                         "MQIsdp"
                         "\x03\x02\x00\x3C\x00\x02"
                         "c1"s,
                         make_connect(v31),
                         v31);
    }

    TEST_CASE("MQTT 3.1 CONNECT with a will, user name and password") {
        auto expected = make_connect(v31);
        expected.will = will_message{"w/t", "bye", qos::at_least_once, true, {}};
        expected.username = "u";
        expected.password = "p";
        check_round_trip("\x10\x20\x00\x06"
                         "MQIsdp"
                         "\x03\xEE\x00\x3C\x00\x02"
                         "c1"
                         "\x00\x03"
                         "w/t"
                         "\x00\x03"
                         "bye"
                         "\x00\x01"
                         "u"
                         "\x00\x01"
                         "p"s,
                         expected,
                         v31);
    }

    TEST_CASE("CONNACK carries each return code 0-5 as its reason code") {
        struct row {
            std::string wire;
            reason_code reason;
        };
        const row rows[] = {
            {"\x20\x02\x00\x00"s, reason_code::success},
            {"\x20\x02\x00\x01"s, reason_code::unsupported_protocol_version},
            {"\x20\x02\x00\x02"s, reason_code::client_identifier_not_valid},
            {"\x20\x02\x00\x03"s, reason_code::server_unavailable},
            {"\x20\x02\x00\x04"s, reason_code::bad_user_name_or_password},
            {"\x20\x02\x00\x05"s, reason_code::not_authorized},
        };
        for (const auto& r : rows) {
            CAPTURE(r.reason);
            check_round_trip(r.wire, connack{false, r.reason, {}}, v311);
        }
    }

    TEST_CASE("CONNACK with session present [MQTT-3.2.2-2]") {
        check_round_trip("\x20\x02\x01\x00"s, connack{true, reason_code::success, {}}, v311);
    }

    TEST_CASE("PUBLISH QoS 0 has no packet identifier [MQTT-2.3.1-5]") {
        check_round_trip("\x30\x07\x00\x03"
                         "a/b"
                         "hi"s,
                         make_publish(qos::at_most_once, 0, "hi"),
                         v311);
    }

    TEST_CASE("PUBLISH QoS 0 with RETAIN") {
        auto expected = make_publish(qos::at_most_once, 0, "hi");
        expected.retain = true;
        check_round_trip("\x31\x07\x00\x03"
                         "a/b"
                         "hi"s,
                         expected,
                         v311);
    }

    TEST_CASE("PUBLISH QoS 1 and 2, with DUP and RETAIN in the fixed header flags") {
        struct row {
            std::string wire;
            bool dup;
            qos level;
            bool retain;
            std::uint16_t packet_id;
        };
        const row rows[] = {
            {"\x32\x09\x00\x03"
             "a/b"
             "\x00\x01"
             "hi"s,
             false,
             qos::at_least_once,
             false,
             1},
            {"\x3A\x09\x00\x03"
             "a/b"
             "\x12\x34"
             "hi"s,
             true,
             qos::at_least_once,
             false,
             0x1234},
            {"\x33\x09\x00\x03"
             "a/b"
             "\x00\x02"
             "hi"s,
             false,
             qos::at_least_once,
             true,
             2},
            {"\x34\x09\x00\x03"
             "a/b"
             "\x01\x02"
             "hi"s,
             false,
             qos::exactly_once,
             false,
             258},
            {"\x3D\x09\x00\x03"
             "a/b"
             "\xFF\xFF"
             "hi"s,
             true,
             qos::exactly_once,
             true,
             65'535},
        };
        for (const auto& r : rows) {
            CAPTURE(emqx::mqtt::test::hex(r.wire));
            auto expected = make_publish(r.level, r.packet_id, "hi");
            expected.dup = r.dup;
            expected.retain = r.retain;
            check_round_trip(r.wire, expected, v311);
        }
    }

    TEST_CASE("PUBLISH with an empty payload") {
        check_round_trip("\x30\x05\x00\x03"
                         "a/b"s,
                         make_publish(qos::at_most_once, 0, ""),
                         v311);
        check_round_trip("\x32\x07\x00\x03"
                         "a/b"
                         "\x00\x05"s,
                         make_publish(qos::at_least_once, 5, ""),
                         v311);
    }

    TEST_CASE("PUBLISH payload is binary: 0x00 bytes are kept") {
        check_round_trip("\x30\x0A\x00\x03"
                         "a/b"
                         "\x00\xFF\x00\x01\x00"s,
                         make_publish(qos::at_most_once, 0, "\x00\xFF\x00\x01\x00"sv),
                         v311);
    }

    TEST_CASE("PUBLISH of 200 payload bytes has a two-byte Remaining Length") {
        const std::string payload = byte_pattern(200);
        auto expected = make_publish(qos::at_most_once, 0, payload);
        expected.topic = "t";
        // 3 bytes of topic + 200 of payload = 203 = 0x4B + 1 * 128.
        check_round_trip("\x30\xCB\x01\x00\x01"
                         "t"s +
                             payload,
                         expected,
                         v311);
    }

    TEST_CASE("PUBLISH of 20,000 payload bytes has a three-byte Remaining Length") {
        const std::string payload = byte_pattern(20'000);
        auto expected = make_publish(qos::at_most_once, 0, payload);
        expected.topic = "t";
        // 3 bytes of topic + 20,000 of payload = 20,003 = 0x23 + 0x1C * 128 + 1 * 16,384.
        check_round_trip("\x30\xA3\x9C\x01\x00\x01"
                         "t"s +
                             payload,
                         expected,
                         v311);
    }

    TEST_CASE("PUBLISH topic with multi-byte UTF-8 characters") {
        // U+00FC, U+20AC, U+1F600: two, three and four bytes.
        auto expected = make_publish(qos::at_most_once, 0, "x");
        expected.topic = "\xC3\xBC/\xE2\x82\xAC/\xF0\x9F\x98\x80";
        check_round_trip("\x30\x0E\x00\x0B"
                         "\xC3\xBC/\xE2\x82\xAC/\xF0\x9F\x98\x80"
                         "x"s,
                         expected,
                         v311);
    }

    TEST_CASE("PUBLISH topic with U+FEFF keeps it where it is [MQTT-1.5.3-3]") {
        auto expected = make_publish(qos::at_most_once, 0, "x");
        expected.topic = "\xEF\xBB\xBF"
                         "a/\xEF\xBB\xBF"
                         "b";
        check_round_trip("\x30\x0C\x00\x09\xEF\xBB\xBF"
                         "a/"
                         "\xEF\xBB\xBF"
                         "b"
                         "x"s,
                         expected,
                         v311);
    }

    TEST_CASE("PUBACK, PUBREC, PUBREL and PUBCOMP carry only the packet identifier") {
        check_round_trip("\x40\x02\x12\x34"s, puback{0x1234, reason_code::success, {}}, v311);
        check_round_trip("\x50\x02\x00\x01"s, pubrec{1, reason_code::success, {}}, v311);
        // [MQTT-3.6.1-1] PUBREL fixed header flags are 0010.
        check_round_trip("\x62\x02\xFF\xFF"s, pubrel{65'535, reason_code::success, {}}, v311);
        check_round_trip("\x70\x02\x01\x00"s, pubcomp{256, reason_code::success, {}}, v311);
    }

    TEST_CASE("SUBSCRIBE with several filters and their QoS [MQTT-3.8.1-1]") {
        const subscribe expected{10,
                                 {},
                                 {make_subscription("a/b", qos::at_most_once),
                                  make_subscription("c/#", qos::at_least_once),
                                  make_subscription("+/d", qos::exactly_once)}};
        check_round_trip("\x82\x14\x00\x0A"
                         "\x00\x03"
                         "a/b"
                         "\x00"
                         "\x00\x03"
                         "c/#"
                         "\x01"
                         "\x00\x03"
                         "+/d"
                         "\x02"s,
                         expected,
                         v311);
    }

    TEST_CASE("SUBSCRIBE with one filter") {
        const subscribe expected{0x1234, {}, {make_subscription("a/b", qos::at_least_once)}};
        check_round_trip("\x82\x08\x12\x34\x00\x03"
                         "a/b"
                         "\x01"s,
                         expected,
                         v311);
    }

    TEST_CASE("SUBACK with granted QoS 0, 1, 2 and a failure 0x80 [MQTT-3.9.3-2]") {
        check_round_trip("\x90\x06\x00\x0A\x00\x01\x02\x80"s,
                         suback{10,
                                {},
                                {reason_code::success,
                                 reason_code::granted_qos_1,
                                 reason_code::granted_qos_2,
                                 reason_code::unspecified_error}},
                         v311);
        check_round_trip(
            "\x90\x03\x00\x0B\x80"s, suback{11, {}, {reason_code::unspecified_error}}, v311);
    }

    TEST_CASE("UNSUBSCRIBE with several filters [MQTT-3.10.1-1]") {
        check_round_trip("\xA2\x0C\x00\x0B\x00\x03"
                         "a/b"
                         "\x00\x03"
                         "c/#"s,
                         unsubscribe{11, {}, {"a/b", "c/#"}},
                         v311);
    }

    TEST_CASE("UNSUBACK has no payload") {
        check_round_trip("\xB0\x02\x00\x0B"s, unsuback{11, {}, {}}, v311);
    }

    TEST_CASE("PINGREQ, PINGRESP and DISCONNECT are two bytes") {
        check_round_trip("\xC0\x00"s, pingreq{}, v311);
        check_round_trip("\xD0\x00"s, pingresp{}, v311);
        check_round_trip("\xE0\x00"s, disconnect{}, v311);
    }

    TEST_CASE("an MQTT 3.1 connection uses the 3.1.1 forms of the other packets") {
        check_round_trip("\x32\x09\x00\x03"
                         "a/b"
                         "\x00\x01"
                         "hi"s,
                         make_publish(qos::at_least_once, 1, "hi"),
                         v31);
        check_round_trip("\x20\x02\x01\x05"s, connack{true, reason_code::not_authorized, {}}, v31);
        check_round_trip("\x82\x08\x00\x01\x00\x03"
                         "a/b"
                         "\x02"s,
                         subscribe{1, {}, {make_subscription("a/b", qos::exactly_once)}},
                         v31);
        check_round_trip(
            "\x90\x03\x00\x01\x80"s, suback{1, {}, {reason_code::unspecified_error}}, v31);
        check_round_trip("\x40\x02\x00\x01"s, puback{1, reason_code::success, {}}, v31);
        check_round_trip("\xB0\x02\x00\x01"s, unsuback{1, {}, {}}, v31);
        check_round_trip("\xE0\x00"s, disconnect{}, v31);
    }
}

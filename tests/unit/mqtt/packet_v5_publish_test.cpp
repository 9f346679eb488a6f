// Exact wire bytes of MQTT 5.0 PUBLISH and its acknowledgements (PUBACK, PUBREC, PUBREL,
// PUBCOMP) in their short and full forms.
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
using emqx::mqtt::test::check_encodes_as;
using emqx::mqtt::test::check_round_trip;

namespace {

constexpr auto v5 = protocol_version::v5;

// Built field by field: GCC 12 warns (-Wmissing-field-initializers) on designated
// initialisers that leave members out.
publish make_publish(qos level, std::string_view topic, std::uint16_t packet_id) {
    publish p;
    p.qos = level;
    p.topic = topic;
    p.packet_id = packet_id;
    return p;
}

} // namespace

TEST_SUITE("mqtt::packet_v5") {
    TEST_CASE("PUBLISH QoS 0 without properties carries property length 0") {
        auto expected = make_publish(qos::at_most_once, "t", 0);
        expected.payload = "hi";
        check_round_trip("\x30\x06\x00\x01"
                         "t"
                         "\x00"
                         "hi"s,
                         expected,
                         v5);
    }

    TEST_CASE("PUBLISH QoS 1 with every PUBLISH property a client may send") {
        auto expected = make_publish(qos::at_least_once, "a/b", 7);
        expected.payload = "{}";
        auto& props = expected.props;
        props.payload_format_indicator = 1;
        props.message_expiry_interval = 120;
        props.content_type = "json";
        props.response_topic = "re/ply";
        props.correlation_data = "\x00\x01\x02"sv;
        props.topic_alias = 5;
        // Repeated names, in their order [MQTT-3.3.2-18].
        props.user_properties = {{"k", "1"}, {"k", "2"}, {"a", "b"}};
        check_round_trip("\x32\x3F\x00\x03"
                         "a/b"
                         "\x00\x07"
                         "\x35"                 // property length 53
                         "\x01\x01"             // payload format indicator
                         "\x02\x00\x00\x00\x78" // message expiry interval 120
                         "\x03\x00\x04"
                         "json" // content type
                         "\x08\x00\x06"
                         "re/ply"                   // response topic
                         "\x09\x00\x03\x00\x01\x02" // correlation data
                         "\x23\x00\x05"             // topic alias 5
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "1"
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "2"
                         "\x26\x00\x01"
                         "a"
                         "\x00\x01"
                         "b"
                         "{}"s,
                         expected,
                         v5);
    }

    TEST_CASE("PUBLISH with several subscription identifiers, in their order [MQTT-3.3.4-4]") {
        auto expected = make_publish(qos::exactly_once, "s", 0x0100);
        expected.dup = true;
        expected.retain = true;
        expected.props.subscription_identifiers = {128, 1, 268'435'455};
        expected.props.user_properties = {{"u", ""}};
        check_round_trip("\x3D\x16\x00\x01"
                         "s"
                         "\x01\x00"
                         "\x10"                 // property length 16
                         "\x0B\x80\x01"         // subscription identifier 128
                         "\x0B\x01"             // subscription identifier 1
                         "\x0B\xFF\xFF\xFF\x7F" // subscription identifier 268,435,455
                         "\x26\x00\x01"
                         "u"
                         "\x00\x00"s, // user property with an empty value
                         expected,
                         v5);
    }

    TEST_CASE("PUBLISH with an empty topic and a Topic Alias (3.3.2.3.4)") {
        auto expected = make_publish(qos::at_most_once, "", 0);
        expected.props.topic_alias = 5;
        expected.payload = "x";
        check_round_trip("\x30\x07\x00\x00\x03\x23\x00\x05"
                         "x"s,
                         expected,
                         v5);
    }

    TEST_CASE("PUBLISH Topic Alias and message expiry take their largest values") {
        auto expected = make_publish(qos::at_least_once, "t", 65'535);
        expected.props.message_expiry_interval = 0xFFFF'FFFF;
        expected.props.topic_alias = 65'535;
        check_round_trip("\x32\x0E\x00\x01"
                         "t"
                         "\xFF\xFF"
                         "\x08"
                         "\x02\xFF\xFF\xFF\xFF"
                         "\x23\xFF\xFF"s,
                         expected,
                         v5);
    }

    TEST_CASE("PUBLISH of 200 payload bytes has a two-byte Remaining Length") {
        const std::string payload = test::byte_pattern(200);
        auto expected = make_publish(qos::at_least_once, "t", 1);
        expected.payload = payload;
        // 3 (topic) + 2 (packet id) + 1 (property length) + 200 = 206 = 0x4E + 1 * 128.
        check_round_trip("\x32\xCE\x01\x00\x01"
                         "t"
                         "\x00\x01\x00"s +
                             payload,
                         expected,
                         v5);
    }

    TEST_CASE("PUBLISH with 156 bytes of properties has a two-byte property length") {
        const std::string value(150, 'v');
        auto expected = make_publish(qos::at_most_once, "t", 0);
        expected.props.user_properties = {{"k", value}};
        // Properties: 1 + 2 + 1 + 2 + 150 = 156 = 0x1C + 1 * 128; Remaining Length
        // 3 + 2 + 156 = 161 = 0x21 + 1 * 128.
        check_round_trip("\x30\xA1\x01\x00\x01"
                         "t"
                         "\x9C\x01"
                         "\x26\x00\x01"
                         "k"
                         "\x00\x96"s +
                             value,
                         expected,
                         v5);
    }

    TEST_CASE("PUBLISH properties in non-ascending order decode to the same value") {
        auto expected = make_publish(qos::at_most_once, "t", 0);
        expected.props.payload_format_indicator = 1;
        expected.props.subscription_identifiers = {2, 1};
        expected.props.topic_alias = 5;
        expected.props.user_properties = {{"k", "1"}, {"k", "2"}};
        // Subscription identifiers and user properties keep their relative order; encode
        // writes each kind at its identifier's place.
        check_encodes_as("\x30\x1B\x00\x01"
                         "t"
                         "\x17"
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "1"
                         "\x0B\x02"
                         "\x23\x00\x05"
                         "\x01\x01"
                         "\x0B\x01"
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "2"s,
                         expected,
                         "\x30\x1B\x00\x01"
                         "t"
                         "\x17"
                         "\x01\x01"
                         "\x0B\x02"
                         "\x0B\x01"
                         "\x23\x00\x05"
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "1"
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "2"s,
                         v5);
    }

    TEST_CASE("acks with reason 0 and no properties are two bytes (3.4.2.1)") {
        check_round_trip("\x40\x02\x00\x01"s, puback{1, reason_code::success, {}}, v5);
        check_round_trip("\x50\x02\x12\x34"s, pubrec{0x1234, reason_code::success, {}}, v5);
        check_round_trip("\x62\x02\xFF\xFF"s, pubrel{65'535, reason_code::success, {}}, v5);
        check_round_trip("\x70\x02\x01\x00"s, pubcomp{256, reason_code::success, {}}, v5);
    }

    TEST_CASE("PUBACK and PUBREC with a failure reason and no properties omit the property "
              "length (3.4.2.2)") {
        const std::uint8_t codes[] = {0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};
        for (const auto code : codes) {
            CAPTURE(static_cast<int>(code));
            const auto reason = static_cast<reason_code>(code);
            check_round_trip(
                "\x40\x03\x00\x01"s + static_cast<char>(code), puback{1, reason, {}}, v5);
            check_round_trip(
                "\x50\x03\x00\x02"s + static_cast<char>(code), pubrec{2, reason, {}}, v5);
        }
    }

    TEST_CASE("PUBREL and PUBCOMP with Packet Identifier not found and no properties") {
        check_round_trip(
            "\x62\x03\x00\x03\x92"s, pubrel{3, reason_code::packet_identifier_not_found, {}}, v5);
        check_round_trip(
            "\x70\x03\x00\x04\x92"s, pubcomp{4, reason_code::packet_identifier_not_found, {}}, v5);
    }

    TEST_CASE("acks with properties carry reason code, property length and properties") {
        puback not_authorized{1, reason_code::not_authorized, {}};
        not_authorized.props.reason_string = "oops";
        check_round_trip("\x40\x0B\x00\x01\x87\x07\x1F\x00\x04"
                         "oops"s,
                         not_authorized,
                         v5);

        pubrec received{1, reason_code::success, {}};
        received.props.user_properties = {{"k", "v"}};
        check_round_trip("\x50\x0B\x00\x01\x00\x07\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "v"s,
                         received,
                         v5);

        pubrel released{1, reason_code::success, {}};
        released.props.reason_string = "ok";
        check_round_trip("\x62\x09\x00\x01\x00\x05\x1F\x00\x02"
                         "ok"s,
                         released,
                         v5);

        pubcomp completed{1, reason_code::packet_identifier_not_found, {}};
        completed.props.reason_string = "bad";
        completed.props.user_properties = {{"k", "v"}};
        check_round_trip("\x70\x11\x00\x01\x92\x0D\x1F\x00\x03"
                         "bad"
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "v"s,
                         completed,
                         v5);
    }

    TEST_CASE("acks in their longer forms decode equal and encode in the shortest form") {
        // Reason 0 written out, with and without an empty property list.
        check_encodes_as(
            "\x40\x03\x00\x01\x00"s, puback{1, reason_code::success, {}}, "\x40\x02\x00\x01"s, v5);
        check_encodes_as("\x40\x04\x00\x01\x00\x00"s,
                         puback{1, reason_code::success, {}},
                         "\x40\x02\x00\x01"s,
                         v5);
        check_encodes_as("\x50\x04\x00\x01\x00\x00"s,
                         pubrec{1, reason_code::success, {}},
                         "\x50\x02\x00\x01"s,
                         v5);
        check_encodes_as(
            "\x62\x03\x00\x01\x00"s, pubrel{1, reason_code::success, {}}, "\x62\x02\x00\x01"s, v5);
        check_encodes_as("\x70\x04\x00\x01\x00\x00"s,
                         pubcomp{1, reason_code::success, {}},
                         "\x70\x02\x00\x01"s,
                         v5);
        // A failure reason with an empty property list written out.
        check_encodes_as("\x40\x04\x00\x01\x10\x00"s,
                         puback{1, reason_code::no_matching_subscribers, {}},
                         "\x40\x03\x00\x01\x10"s,
                         v5);
        check_encodes_as("\x50\x04\x00\x01\x97\x00"s,
                         pubrec{1, reason_code::quota_exceeded, {}},
                         "\x50\x03\x00\x01\x97"s,
                         v5);
        check_encodes_as("\x62\x04\x00\x01\x92\x00"s,
                         pubrel{1, reason_code::packet_identifier_not_found, {}},
                         "\x62\x03\x00\x01\x92"s,
                         v5);
        check_encodes_as("\x70\x04\x00\x01\x92\x00"s,
                         pubcomp{1, reason_code::packet_identifier_not_found, {}},
                         "\x70\x03\x00\x01\x92"s,
                         v5);
    }
}

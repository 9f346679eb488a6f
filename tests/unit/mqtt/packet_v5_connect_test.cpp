// Exact wire bytes of MQTT 5.0 CONNECT and CONNACK, with every property they may carry.
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
using emqx::mqtt::test::check_round_trip;

namespace {

constexpr auto v5 = protocol_version::v5;

// Built field by field: GCC 12 warns (-Wmissing-field-initializers) on designated
// initialisers that leave members out.
connect make_connect() {
    connect p;
    p.version = v5;
    p.clean_start = true;
    p.keep_alive = 60;
    p.client_id = "c1";
    return p;
}

} // namespace

TEST_SUITE("mqtt::packet_v5") {
    TEST_CASE("CONNECT without properties still carries property length 0") {
        check_round_trip("\x10\x0F\x00\x04"
                         "MQTT"
                         "\x05\x02\x00\x3C\x00\x00\x02"
                         "c1"s,
                         make_connect(),
                         v5);
    }

    TEST_CASE("CONNECT with an empty client id and keep alive 0 [MQTT-3.1.3-6]") {
        auto expected = make_connect();
        expected.keep_alive = 0;
        expected.client_id = "";
        check_round_trip("\x10\x0D\x00\x04"
                         "MQTT"
                         "\x05\x02\x00\x00\x00\x00\x00"s,
                         expected,
                         v5);
    }

    TEST_CASE("CONNECT with every CONNECT property, user name and password") {
        auto expected = make_connect();
        expected.username = "u";
        expected.password = "p";
        auto& props = expected.props;
        props.session_expiry_interval = 3600;
        props.authentication_method = "SCRAM";
        props.authentication_data = "\x01\x02"sv;
        props.request_problem_information = 0;
        props.request_response_information = 1;
        props.receive_maximum = 20;
        props.topic_alias_maximum = 10;
        props.user_properties = {{"k", "v"}};
        props.maximum_packet_size = 1'048'576;
        check_round_trip("\x10\x3D\x00\x04"
                         "MQTT"
                         "\x05\xC2\x00\x3C"
                         "\x28"                 // property length 40
                         "\x11\x00\x00\x0E\x10" // session expiry interval 3600
                         "\x15\x00\x05"
                         "SCRAM"                // authentication method
                         "\x16\x00\x02\x01\x02" // authentication data
                         "\x17\x00"             // request problem information
                         "\x19\x01"             // request response information
                         "\x21\x00\x14"         // receive maximum 20
                         "\x22\x00\x0A"         // topic alias maximum 10
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "v"                    // user property
                         "\x27\x00\x10\x00\x00" // maximum packet size 1 MiB
                         "\x00\x02"
                         "c1"
                         "\x00\x01"
                         "u"
                         "\x00\x01"
                         "p"s,
                         expected,
                         v5);
    }

    TEST_CASE("CONNECT with a retained QoS 1 will and every will property (3.1.3.2)") {
        auto expected = make_connect();
        will_message will{"w/t", "bye", qos::at_least_once, true, {}};
        will.props.payload_format_indicator = 1;
        will.props.message_expiry_interval = 60;
        will.props.content_type = "text/plain";
        will.props.response_topic = "r/t";
        will.props.correlation_data = "\x00\xFF"sv;
        will.props.will_delay_interval = 30;
        will.props.user_properties = {{"a", "1"}};
        expected.will = will;
        check_round_trip("\x10\x45\x00\x04"
                         "MQTT"
                         "\x05\x2E\x00\x3C"
                         "\x00" // no CONNECT properties
                         "\x00\x02"
                         "c1"
                         "\x2B"                 // will property length 43
                         "\x01\x01"             // payload format indicator
                         "\x02\x00\x00\x00\x3C" // message expiry interval 60
                         "\x03\x00\x0A"
                         "text/plain" // content type
                         "\x08\x00\x03"
                         "r/t"                  // response topic
                         "\x09\x00\x02\x00\xFF" // correlation data
                         "\x18\x00\x00\x00\x1E" // will delay interval 30
                         "\x26\x00\x01"
                         "a"
                         "\x00\x01"
                         "1" // user property
                         "\x00\x03"
                         "w/t"
                         "\x00\x03"
                         "bye"s,
                         expected,
                         v5);
    }

    TEST_CASE("CONNECT with a QoS 2 will without properties, a user name and clean start 0") {
        auto expected = make_connect();
        expected.clean_start = false;
        expected.will = will_message{"w", "", qos::exactly_once, false, {}};
        expected.username = "u";
        check_round_trip("\x10\x18\x00\x04"
                         "MQTT"
                         "\x05\x94\x00\x3C\x00"
                         "\x00\x02"
                         "c1"
                         "\x00" // will property length 0
                         "\x00\x01"
                         "w"
                         "\x00\x00"
                         "\x00\x01"
                         "u"s,
                         expected,
                         v5);
    }

    TEST_CASE("CONNECT with a password and no user name is allowed in MQTT 5.0 (3.1.2.9)") {
        auto expected = make_connect();
        expected.password = "\x00\x01"sv;
        check_round_trip("\x10\x13\x00\x04"
                         "MQTT"
                         "\x05\x42\x00\x3C\x00\x00\x02"
                         "c1"
                         "\x00\x02\x00\x01"s,
                         expected,
                         v5);
    }

    TEST_CASE("CONNECT user properties keep their order and repeated names") {
        auto expected = make_connect();
        expected.props.user_properties = {{"b", "2"}, {"a", "1"}, {"b", "3"}};
        check_round_trip("\x10\x24\x00\x04"
                         "MQTT"
                         "\x05\x02\x00\x3C"
                         "\x15"
                         "\x26\x00\x01"
                         "b"
                         "\x00\x01"
                         "2"
                         "\x26\x00\x01"
                         "a"
                         "\x00\x01"
                         "1"
                         "\x26\x00\x01"
                         "b"
                         "\x00\x01"
                         "3"
                         "\x00\x02"
                         "c1"s,
                         expected,
                         v5);
    }

    TEST_CASE("CONNACK without properties carries property length 0") {
        check_round_trip("\x20\x03\x00\x00\x00"s, connack{false, reason_code::success, {}}, v5);
        check_round_trip("\x20\x03\x01\x00\x00"s, connack{true, reason_code::success, {}}, v5);
    }

    TEST_CASE("CONNACK carries each reason code the spec lists for it (3.2.2.2)") {
        const std::uint8_t codes[] = {0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
                                      0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95,
                                      0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F};
        for (const auto code : codes) {
            CAPTURE(static_cast<int>(code));
            const std::string wire = "\x20\x03\x00"s + static_cast<char>(code) + "\x00"s;
            check_round_trip(wire, connack{false, static_cast<reason_code>(code), {}}, v5);
        }
    }

    TEST_CASE("CONNACK with every CONNACK property, in ascending identifier order") {
        connack expected{false, reason_code::success, {}};
        auto& props = expected.props;
        props.session_expiry_interval = 0xFFFF'FFFF;
        props.assigned_client_identifier = "auto-1";
        props.server_keep_alive = 30;
        props.authentication_method = "SCRAM";
        props.authentication_data = "xyz";
        props.response_information = "resp/";
        props.server_reference = "other:1883";
        props.reason_string = "ok";
        props.receive_maximum = 100;
        props.topic_alias_maximum = 16;
        props.maximum_qos = 1;
        props.retain_available = 0;
        props.user_properties = {{"x", "y"}};
        props.maximum_packet_size = 65'536;
        props.wildcard_subscription_available = 0;
        props.subscription_identifier_available = 1;
        props.shared_subscription_available = 1;
        check_round_trip("\x20\x58\x00\x00"
                         "\x55"                 // property length 85
                         "\x11\xFF\xFF\xFF\xFF" // session expiry interval
                         "\x12\x00\x06"
                         "auto-1"       // assigned client identifier
                         "\x13\x00\x1E" // server keep alive 30
                         "\x15\x00\x05"
                         "SCRAM" // authentication method
                         "\x16\x00\x03"
                         "xyz" // authentication data
                         "\x1A\x00\x05"
                         "resp/" // response information
                         "\x1C\x00\x0A"
                         "other:1883" // server reference
                         "\x1F\x00\x02"
                         "ok"           // reason string
                         "\x21\x00\x64" // receive maximum 100
                         "\x22\x00\x10" // topic alias maximum 16
                         "\x24\x01"     // maximum QoS 1
                         "\x25\x00"     // retain available 0
                         "\x26\x00\x01"
                         "x"
                         "\x00\x01"
                         "y"                    // user property
                         "\x27\x00\x01\x00\x00" // maximum packet size 65536
                         "\x28\x00"             // wildcard subscription available 0
                         "\x29\x01"             // subscription identifier available 1
                         "\x2A\x01"s,           // shared subscription available 1
                         expected,
                         v5);
    }

    TEST_CASE("CONNACK refusing with Server moved names the other server") {
        connack expected{false, reason_code::server_moved, {}};
        expected.props.server_reference = "b:1";
        check_round_trip("\x20\x09\x00\x9D\x06\x1C\x00\x03"
                         "b:1"s,
                         expected,
                         v5);
    }

    TEST_CASE("CONNACK properties in non-ascending order decode to the same value") {
        connack expected{true, reason_code::success, {}};
        expected.props.shared_subscription_available = 0;
        expected.props.receive_maximum = 10;
        expected.props.session_expiry_interval = 60;
        test::check_encodes_as("\x20\x0D\x01\x00\x0A"
                               "\x2A\x00"
                               "\x21\x00\x0A"
                               "\x11\x00\x00\x00\x3C"s,
                               expected,
                               "\x20\x0D\x01\x00\x0A"
                               "\x11\x00\x00\x00\x3C"
                               "\x21\x00\x0A"
                               "\x2A\x00"s,
                               v5);
    }
}

// Exact wire bytes of MQTT 5.0 DISCONNECT, AUTH, PINGREQ and PINGRESP, in their short and full
// forms.
#include "codec_test_support.hpp"

#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/types.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using namespace emqx::mqtt;
using namespace std::string_literals;
using emqx::mqtt::test::check_encodes_as;
using emqx::mqtt::test::check_round_trip;

namespace {

constexpr auto v5 = protocol_version::v5;

} // namespace

TEST_SUITE("mqtt::packet_v5") {
    TEST_CASE("PINGREQ and PINGRESP are two bytes") {
        check_round_trip("\xC0\x00"s, pingreq{}, v5);
        check_round_trip("\xD0\x00"s, pingresp{}, v5);
    }

    TEST_CASE("DISCONNECT with Normal disconnection and no properties is two bytes "
              "(3.14.2.1)") {
        check_round_trip("\xE0\x00"s, disconnect{normal_disconnection, {}}, v5);
    }

    TEST_CASE("DISCONNECT with another reason and no properties omits the property length "
              "(3.14.2.2.1)") {
        const std::uint8_t codes[] = {0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E,
                                      0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A,
                                      0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2};
        for (const auto code : codes) {
            CAPTURE(static_cast<int>(code));
            check_round_trip("\xE0\x01"s + static_cast<char>(code),
                             disconnect{static_cast<reason_code>(code), {}},
                             v5);
        }
    }

    TEST_CASE("DISCONNECT with Normal disconnection and a session expiry interval") {
        disconnect expected{normal_disconnection, {}};
        expected.props.session_expiry_interval = 120;
        check_round_trip("\xE0\x07\x00\x05\x11\x00\x00\x00\x78"s, expected, v5);
    }

    TEST_CASE("DISCONNECT with Use another server, server reference, reason string and user "
              "property") {
        disconnect expected{reason_code::use_another_server, {}};
        expected.props.server_reference = "b:1";
        expected.props.reason_string = "bye";
        expected.props.user_properties = {{"k", "v"}};
        check_round_trip("\xE0\x15\x9C\x13\x1C\x00\x03"
                         "b:1"
                         "\x1F\x00\x03"
                         "bye"
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "v"s,
                         expected,
                         v5);
    }

    TEST_CASE("DISCONNECT with a 200-byte reason string has two-byte property and remaining "
              "lengths") {
        const std::string text(200, 'r');
        disconnect expected{reason_code::unspecified_error, {}};
        expected.props.reason_string = text;
        // Properties: 3 + 200 = 203 = 0x4B + 1 * 128; Remaining Length 1 + 2 + 203 = 206.
        check_round_trip("\xE0\xCE\x01\x80\xCB\x01\x1F\x00\xC8"s + text, expected, v5);
    }

    TEST_CASE("DISCONNECT in its longer forms decodes equal and encodes in the shortest form") {
        check_encodes_as("\xE0\x01\x00"s, disconnect{}, "\xE0\x00"s, v5);
        check_encodes_as("\xE0\x02\x00\x00"s, disconnect{}, "\xE0\x00"s, v5);
        check_encodes_as("\xE0\x02\x8E\x00"s,
                         disconnect{reason_code::session_taken_over, {}},
                         "\xE0\x01\x8E"s,
                         v5);
    }

    TEST_CASE("AUTH with Success and no properties is two bytes (3.15.2.1)") {
        check_round_trip("\xF0\x00"s, auth{reason_code::success, {}}, v5);
    }

    TEST_CASE("AUTH with another reason and no properties omits the property length") {
        check_round_trip("\xF0\x01\x18"s, auth{reason_code::continue_authentication, {}}, v5);
        check_round_trip("\xF0\x01\x19"s, auth{reason_code::re_authenticate, {}}, v5);
    }

    TEST_CASE("AUTH Continue authentication with method and data (4.12)") {
        auth expected{reason_code::continue_authentication, {}};
        expected.props.authentication_method = "SCRAM";
        expected.props.authentication_data = "data";
        check_round_trip("\xF0\x11\x18\x0F\x15\x00\x05"
                         "SCRAM"
                         "\x16\x00\x04"
                         "data"s,
                         expected,
                         v5);
    }

    TEST_CASE("AUTH Re-authenticate with method, reason string and user property") {
        auth expected{reason_code::re_authenticate, {}};
        expected.props.authentication_method = "SCRAM";
        expected.props.reason_string = "re";
        expected.props.user_properties = {{"k", "v"}};
        check_round_trip("\xF0\x16\x19\x14\x15\x00\x05"
                         "SCRAM"
                         "\x1F\x00\x02"
                         "re"
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "v"s,
                         expected,
                         v5);
    }

    TEST_CASE("AUTH Success with properties writes the reason code") {
        auth expected{reason_code::success, {}};
        expected.props.authentication_method = "SCRAM";
        check_round_trip("\xF0\x0A\x00\x08\x15\x00\x05"
                         "SCRAM"s,
                         expected,
                         v5);
    }

    TEST_CASE("AUTH in its longer forms decodes equal and encodes in the shortest form") {
        check_encodes_as("\xF0\x01\x00"s, auth{}, "\xF0\x00"s, v5);
        check_encodes_as("\xF0\x02\x00\x00"s, auth{}, "\xF0\x00"s, v5);
        check_encodes_as("\xF0\x02\x18\x00"s,
                         auth{reason_code::continue_authentication, {}},
                         "\xF0\x01\x18"s,
                         v5);
    }
}

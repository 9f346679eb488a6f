// decode() on bad MQTT 5.0 properties (2.2.2): duplicates, out-of-range values, properties not
// allowed where they stand, unknown identifiers, and lengths that run past their bounds.
#include "codec_test_support.hpp"
#include "malformed_table.hpp"

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>
#include <emqx/mqtt/vbi.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

using namespace emqx::mqtt;
using namespace std::string_literals;

namespace {

using test::row;
using test::name_of;
using test::check_row;
using test::check_rows;

constexpr auto v5 = protocol_version::v5;

constexpr auto malformed = reason_code::malformed_packet;
constexpr auto protocol_error = reason_code::protocol_error;

void check_decodes(std::string_view bytes) {
    INFO("bytes: ", test::hex(bytes));
    CHECK(name_of(test::decode_error(bytes, v5)) == name_of(reason_code::success));
}

} // namespace

TEST_SUITE("mqtt::malformed") {
    TEST_CASE("each property that may appear once, given twice, is a protocol error (2.2.2.2)") {
        const row rows[] = {
            // PUBLISH: 30 RL 00 01 't' PL properties
            {"0x01 payload format indicator",
             "\x30\x08\x00\x01t\x04\x01\x01\x01\x01"s,
             v5,
             protocol_error},
            {"0x02 message expiry interval",
             "\x30\x0E\x00\x01t\x0A\x02\x00\x00\x00\x0A\x02\x00\x00\x00\x0A"s,
             v5,
             protocol_error},
            {"0x03 content type",
             "\x30\x0C\x00\x01t\x08\x03\x00\x01x\x03\x00\x01x"s,
             v5,
             protocol_error},
            {"0x08 response topic",
             "\x30\x0C\x00\x01t\x08\x08\x00\x01r\x08\x00\x01r"s,
             v5,
             protocol_error},
            {"0x09 correlation data",
             "\x30\x0C\x00\x01t\x08\x09\x00\x01z\x09\x00\x01z"s,
             v5,
             protocol_error},
            {"0x23 topic alias",
             "\x30\x0A\x00\x01t\x06\x23\x00\x01\x23\x00\x01"s,
             v5,
             protocol_error},
            // SUBSCRIBE: the identifier may repeat in PUBLISH only.
            {"0x0B subscription identifier in SUBSCRIBE",
             "\x82\x0B\x00\x01\x04\x0B\x01\x0B\x02\x00\x01t\x00"s,
             v5,
             protocol_error},
            // CONNACK: 20 RL 00 00 PL properties
            {"0x11 session expiry interval",
             "\x20\x0D\x00\x00\x0A\x11\x00\x00\x00\x0A\x11\x00\x00\x00\x0A"s,
             v5,
             protocol_error},
            {"0x12 assigned client identifier",
             "\x20\x0B\x00\x00\x08\x12\x00\x01i\x12\x00\x01i"s,
             v5,
             protocol_error},
            {"0x13 server keep alive",
             "\x20\x09\x00\x00\x06\x13\x00\x0A\x13\x00\x0A"s,
             v5,
             protocol_error},
            {"0x15 authentication method",
             "\x20\x0B\x00\x00\x08\x15\x00\x01m\x15\x00\x01m"s,
             v5,
             protocol_error},
            {"0x16 authentication data",
             "\x20\x0F\x00\x00\x0C\x15\x00\x01m\x16\x00\x01z\x16\x00\x01z"s,
             v5,
             protocol_error},
            {"0x1A response information",
             "\x20\x0B\x00\x00\x08\x1A\x00\x01n\x1A\x00\x01n"s,
             v5,
             protocol_error},
            {"0x1C server reference",
             "\x20\x0B\x00\x00\x08\x1C\x00\x01s\x1C\x00\x01s"s,
             v5,
             protocol_error},
            {"0x1F reason string",
             "\x20\x0B\x00\x00\x08\x1F\x00\x01y\x1F\x00\x01y"s,
             v5,
             protocol_error},
            {"0x21 receive maximum",
             "\x20\x09\x00\x00\x06\x21\x00\x0A\x21\x00\x0A"s,
             v5,
             protocol_error},
            {"0x22 topic alias maximum",
             "\x20\x09\x00\x00\x06\x22\x00\x0A\x22\x00\x0A"s,
             v5,
             protocol_error},
            {"0x24 maximum QoS", "\x20\x07\x00\x00\x04\x24\x01\x24\x01"s, v5, protocol_error},
            {"0x25 retain available", "\x20\x07\x00\x00\x04\x25\x01\x25\x01"s, v5, protocol_error},
            {"0x27 maximum packet size",
             "\x20\x0D\x00\x00\x0A\x27\x00\x00\x04\x00\x27\x00\x00\x04\x00"s,
             v5,
             protocol_error},
            {"0x28 wildcard subscription available",
             "\x20\x07\x00\x00\x04\x28\x01\x28\x01"s,
             v5,
             protocol_error},
            {"0x29 subscription identifier available",
             "\x20\x07\x00\x00\x04\x29\x01\x29\x01"s,
             v5,
             protocol_error},
            {"0x2A shared subscription available",
             "\x20\x07\x00\x00\x04\x2A\x01\x2A\x01"s,
             v5,
             protocol_error},
            // CONNECT: 10 RL 00 04 'MQTT' 05 02 00 3C PL properties 00 00
            {"0x17 request problem information",
             "\x10\x11\x00\x04MQTT\x05\x02\x00\x3C\x04\x17\x01\x17\x01\x00\x00"s,
             v5,
             protocol_error},
            {"0x19 request response information",
             "\x10\x11\x00\x04MQTT\x05\x02\x00\x3C\x04\x19\x01\x19\x01\x00\x00"s,
             v5,
             protocol_error},
            // Will Properties: 10 RL 00 04 'MQTT' 05 06 00 3C 00 00 00 WPL properties 'w' 00 00
            {"0x18 will delay interval in Will Properties",
             "\x10\x1D\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00"
             "\x0A\x18\x00\x00\x00\x05\x18\x00\x00\x00\x05\x00\x01w\x00\x00"s,
             v5,
             protocol_error},
            {"0x01 payload format indicator in Will Properties",
             "\x10\x17\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00"
             "\x04\x01\x01\x01\x01\x00\x01w\x00\x00"s,
             v5,
             protocol_error},
            // An ack: 40 RL 00 01 reason PL properties
            {"0x1F reason string in PUBACK",
             "\x40\x0C\x00\x01\x00\x08\x1F\x00\x01y\x1F\x00\x01y"s,
             v5,
             protocol_error},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("user properties and PUBLISH subscription identifiers may repeat, in order "
              "(3.3.2.3.7, 3.3.2.3.8)") {
        const auto bytes =
            "\x30\x16\x00\x01t\x12\x0B\x02\x26\x00\x01k\x00\x01v\x0B\x01\x26\x00\x01k\x00\x01w"s;
        const auto result = decode(bytes, v5);
        REQUIRE(result.has_value());
        const auto* p = std::get_if<publish>(&*result);
        REQUIRE(p != nullptr);
        CHECK(p->props.subscription_identifiers == std::vector<std::uint32_t>{2, 1});
        REQUIRE(p->props.user_properties.size() == 2);
        CHECK(p->props.user_properties[0] == user_property{"k", "v"});
        CHECK(p->props.user_properties[1] == user_property{"k", "w"});
    }

    TEST_CASE("a property value out of its range is a protocol error (2.2.2.2)") {
        const row rows[] = {
            {"receive maximum 0 in CONNECT",
             "\x10\x10\x00\x04MQTT\x05\x02\x00\x3C\x03\x21\x00\x00\x00\x00"s,
             v5,
             protocol_error},
            {"receive maximum 0 in CONNACK",
             "\x20\x06\x00\x00\x03\x21\x00\x00"s,
             v5,
             protocol_error},
            {"maximum packet size 0 in CONNECT",
             "\x10\x12\x00\x04MQTT\x05\x02\x00\x3C\x05\x27\x00\x00\x00\x00\x00\x00"s,
             v5,
             protocol_error},
            {"maximum packet size 0 in CONNACK",
             "\x20\x08\x00\x00\x05\x27\x00\x00\x00\x00"s,
             v5,
             protocol_error},
            {"subscription identifier 0 in SUBSCRIBE",
             "\x82\x09\x00\x01\x02\x0B\x00\x00\x01t\x00"s,
             v5,
             protocol_error},
            {"subscription identifier 0 in PUBLISH",
             "\x30\x06\x00\x01t\x02\x0B\x00"s,
             v5,
             protocol_error},
            {"payload format indicator 2", "\x30\x06\x00\x01t\x02\x01\x02"s, v5, protocol_error},
            {"payload format indicator 0xFF", "\x30\x06\x00\x01t\x02\x01\xFF"s, v5, protocol_error},
            {"payload format indicator 2 in Will Properties",
             "\x10\x15\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00\x02\x01\x02\x00\x01w\x00\x00"s,
             v5,
             protocol_error},
            {"request problem information 2",
             "\x10\x0F\x00\x04MQTT\x05\x02\x00\x3C\x02\x17\x02\x00\x00"s,
             v5,
             protocol_error},
            {"request response information 2",
             "\x10\x0F\x00\x04MQTT\x05\x02\x00\x3C\x02\x19\x02\x00\x00"s,
             v5,
             protocol_error},
            {"maximum QoS 2", "\x20\x05\x00\x00\x02\x24\x02"s, v5, protocol_error},
            {"retain available 2", "\x20\x05\x00\x00\x02\x25\x02"s, v5, protocol_error},
            {"wildcard subscription available 2",
             "\x20\x05\x00\x00\x02\x28\x02"s,
             v5,
             protocol_error},
            {"subscription identifier available 2",
             "\x20\x05\x00\x00\x02\x29\x02"s,
             v5,
             protocol_error},
            {"shared subscription available 2",
             "\x20\x05\x00\x00\x02\x2A\x02"s,
             v5,
             protocol_error},
        };
        check_rows(std::begin(rows), std::end(rows));

        // Controls: the boundary values that are allowed.
        check_decodes("\x20\x0D\x00\x00\x0A\x24\x00\x25\x00\x28\x01\x29\x00\x2A\x01"s);
        check_decodes("\x10\x10\x00\x04MQTT\x05\x02\x00\x3C\x03\x21\x00\x01\x00\x00"s);
        check_decodes("\x30\x06\x00\x01t\x02\x01\x01"s);
    }

    TEST_CASE("a property not allowed where it stands is malformed (2.2.2.2)") {
        const row rows[] = {
            {"topic alias in CONNECT",
             "\x10\x10\x00\x04MQTT\x05\x02\x00\x3C\x03\x23\x00\x01\x00\x00"s,
             v5,
             malformed},
            {"server keep alive in CONNECT",
             "\x10\x10\x00\x04MQTT\x05\x02\x00\x3C\x03\x13\x00\x0A\x00\x00"s,
             v5,
             malformed},
            {"will delay interval in CONNECT (not in its Will Properties)",
             "\x10\x12\x00\x04MQTT\x05\x02\x00\x3C\x05\x18\x00\x00\x00\x05\x00\x00"s,
             v5,
             malformed},
            {"will delay interval in PUBLISH",
             "\x30\x09\x00\x01t\x05\x18\x00\x00\x00\x05"s,
             v5,
             malformed},
            {"reason string in PUBLISH", "\x30\x08\x00\x01t\x04\x1F\x00\x01y"s, v5, malformed},
            {"session expiry interval in Will Properties",
             "\x10\x18\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00"
             "\x05\x11\x00\x00\x00\x05\x00\x01w\x00\x00"s,
             v5,
             malformed},
            {"topic alias in Will Properties",
             "\x10\x16\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00\x03\x23\x00\x01\x00\x01w\x00\x00"s,
             v5,
             malformed},
            {"subscription identifier in CONNACK", "\x20\x05\x00\x00\x02\x0B\x01"s, v5, malformed},
            {"subscription identifier in UNSUBSCRIBE",
             "\xA2\x08\x00\x01\x02\x0B\x01\x00\x01t"s,
             v5,
             malformed},
            {"authentication method in PUBACK",
             "\x40\x08\x00\x01\x00\x04\x15\x00\x01m"s,
             v5,
             malformed},
            {"unknown identifier 0x7F in PUBLISH", "\x30\x06\x00\x01t\x02\x7F\x00"s, v5, malformed},
            {"unknown identifier 0x7F in CONNACK", "\x20\x05\x00\x00\x02\x7F\x00"s, v5, malformed},
            {"unassigned identifier 0x04 in PUBLISH",
             "\x30\x06\x00\x01t\x02\x04\x00"s,
             v5,
             malformed},
            {"identifier 0x00 in PUBLISH", "\x30\x06\x00\x01t\x02\x00\x00"s, v5, malformed},
        };
        check_rows(std::begin(rows), std::end(rows));

        // Control: Will Delay Interval where it belongs.
        check_decodes("\x10\x18\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00"
                      "\x05\x18\x00\x00\x00\x05\x00\x01w\x00\x00"s);
    }

    TEST_CASE("Authentication Data without Authentication Method is a protocol error "
              "(3.1.2.11.10)") {
        const row rows[] = {
            {"in CONNECT",
             "\x10\x11\x00\x04MQTT\x05\x02\x00\x3C\x04\x16\x00\x01z\x00\x00"s,
             v5,
             protocol_error},
            {"in CONNACK", "\x20\x07\x00\x00\x04\x16\x00\x01z"s, v5, protocol_error},
            {"in AUTH", "\xF0\x06\x18\x04\x16\x00\x01z"s, v5, protocol_error},
        };
        check_rows(std::begin(rows), std::end(rows));

        // Control: with the method, in either order.
        check_decodes("\xF0\x0A\x18\x08\x16\x00\x01z\x15\x00\x01m"s);
        check_decodes("\xF0\x0A\x18\x08\x15\x00\x01m\x16\x00\x01z"s);
    }

    TEST_CASE("a property length or value running past its bounds is malformed") {
        const row rows[] = {
            {"property length past the PUBLISH", "\x30\x05\x00\x01t\x05\x01"s, v5, malformed},
            {"property length past the CONNACK", "\x20\x04\x00\x00\x05\x24"s, v5, malformed},
            {"property length past the PUBACK", "\x40\x04\x00\x01\x00\x03"s, v5, malformed},
            {"property length past the CONNECT",
             "\x10\x0D\x00\x04MQTT\x05\x02\x00\x3C\x09\x00\x00"s,
             v5,
             malformed},
            {"property length not minimal", "\x30\x05\x00\x01t\x80\x00"s, v5, malformed},
            {"property length of five bytes",
             "\x30\x08\x00\x01t\xFF\xFF\xFF\xFF\x01"s,
             v5,
             malformed},
            {"an identifier without its value", "\x30\x05\x00\x01t\x01\x01"s, v5, malformed},
            {"a four-byte value running into the payload",
             "\x30\x0A\x00\x01t\x01\x02\x00\x00\x00\x0Ap"s,
             v5,
             malformed},
            {"a string length past the property length",
             "\x30\x08\x00\x01t\x04\x03\x00\x09x"s,
             v5,
             malformed},
            {"a binary length past the property length",
             "\x30\x08\x00\x01t\x04\x09\x00\x09z"s,
             v5,
             malformed},
            {"a user property value missing", "\x30\x08\x00\x01t\x04\x26\x00\x01k"s, v5, malformed},
            {"a Will property length past the CONNECT",
             "\x10\x0F\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00\x07\x01"s,
             v5,
             malformed},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("a Subscription Identifier of five bytes or not minimally encoded is malformed "
              "[MQTT-1.5.5-1]") {
        const row rows[] = {
            {"five bytes in SUBSCRIBE",
             "\x82\x0D\x00\x01\x06\x0B\xFF\xFF\xFF\xFF\x01\x00\x01t\x00"s,
             v5,
             malformed},
            {"non-minimal in SUBSCRIBE",
             "\x82\x0A\x00\x01\x03\x0B\x81\x00\x00\x01t\x00"s,
             v5,
             malformed},
            {"non-minimal in PUBLISH", "\x30\x07\x00\x01t\x03\x0B\x81\x00"s, v5, malformed},
            {"cut short by the property length", "\x30\x06\x00\x01t\x02\x0B\x81"s, v5, malformed},
        };
        check_rows(std::begin(rows), std::end(rows));

        // Control: the largest identifier in four bytes.
        check_decodes("\x82\x0C\x00\x01\x05\x0B\xFF\xFF\xFF\x7F\x00\x01t\x00"s);
    }
}

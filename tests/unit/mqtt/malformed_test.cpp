// decode() on broken framing, in both versions: fixed-header flags, reserved packet types, QoS 3,
// lengths that disagree with the bytes, leftover bytes, packet id 0 and empty SUBSCRIBE /
// UNSUBSCRIBE, each with the exact reason code of codec-decisions.md.
#include "codec_test_support.hpp"
#include "malformed_table.hpp"

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>
#include <emqx/mqtt/vbi.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <variant>

using namespace emqx::mqtt;
using namespace std::string_literals;

namespace {

using test::row;
using test::name_of;
using test::check_row;
using test::check_decodes;

constexpr auto v31 = protocol_version::v3_1;
constexpr auto v311 = protocol_version::v3_1_1;
constexpr auto v5 = protocol_version::v5;

constexpr auto malformed = reason_code::malformed_packet;
constexpr auto protocol_error = reason_code::protocol_error;

} // namespace

TEST_SUITE("mqtt::malformed") {
    TEST_CASE("fixed-header flags other than the fixed ones are malformed [MQTT-2.2.2-1] "
              "[MQTT-2.2.2-2] [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1]") {
        struct flags_row {
            const char* name;
            std::string good; // a valid packet: its low nibble is the one allowed value
            protocol_version version;
        };
        const flags_row rows[] = {
            {"CONNECT 3.1.1", "\x10\x0C\x00\x04MQTT\x04\x02\x00\x3C\x00\x00"s, v311},
            {"CONNECT 5", "\x10\x0D\x00\x04MQTT\x05\x02\x00\x3C\x00\x00\x00"s, v5},
            {"CONNACK 3.1.1", "\x20\x02\x00\x00"s, v311},
            {"CONNACK 5", "\x20\x03\x00\x00\x00"s, v5},
            {"PUBACK 3.1.1", "\x40\x02\x00\x01"s, v311},
            {"PUBACK 5", "\x40\x02\x00\x01"s, v5},
            {"PUBREC 3.1.1", "\x50\x02\x00\x01"s, v311},
            {"PUBREC 5", "\x50\x02\x00\x01"s, v5},
            {"PUBREL 3.1.1", "\x62\x02\x00\x01"s, v311},
            {"PUBREL 5", "\x62\x02\x00\x01"s, v5},
            {"PUBCOMP 3.1.1", "\x70\x02\x00\x01"s, v311},
            {"PUBCOMP 5", "\x70\x02\x00\x01"s, v5},
            {"SUBSCRIBE 3.1.1", "\x82\x06\x00\x01\x00\x01t\x00"s, v311},
            {"SUBSCRIBE 5", "\x82\x07\x00\x01\x00\x00\x01t\x00"s, v5},
            {"SUBACK 3.1.1", "\x90\x03\x00\x01\x00"s, v311},
            {"SUBACK 5", "\x90\x04\x00\x01\x00\x00"s, v5},
            {"UNSUBSCRIBE 3.1.1", "\xA2\x05\x00\x01\x00\x01t"s, v311},
            {"UNSUBSCRIBE 5", "\xA2\x06\x00\x01\x00\x00\x01t"s, v5},
            {"UNSUBACK 3.1.1", "\xB0\x02\x00\x01"s, v311},
            {"UNSUBACK 5", "\xB0\x04\x00\x01\x00\x00"s, v5},
            {"PINGREQ 3.1.1", "\xC0\x00"s, v311},
            {"PINGREQ 5", "\xC0\x00"s, v5},
            {"PINGRESP 3.1.1", "\xD0\x00"s, v311},
            {"PINGRESP 5", "\xD0\x00"s, v5},
            {"DISCONNECT 3.1.1", "\xE0\x00"s, v311},
            {"DISCONNECT 5", "\xE0\x00"s, v5},
            {"AUTH 5", "\xF0\x00"s, v5},
        };
        for (const auto& r : rows) {
            INFO("row: ", std::string(r.name));
            check_decodes(r.good, r.version);
            const auto first = static_cast<unsigned char>(r.good[0]);
            for (unsigned flags = 0; flags < 16; ++flags) {
                if (flags == (first & 0x0FU)) {
                    continue;
                }
                CAPTURE(flags);
                std::string bad = r.good;
                bad[0] = static_cast<char>((first & 0xF0U) | flags);
                CHECK(name_of(test::decode_error(bad, r.version)) ==
                      name_of(reason_code::malformed_packet));
            }
        }
    }

    TEST_CASE("reserved packet types, QoS 3 and DUP on QoS 0 are malformed [MQTT-3.3.1-4] "
              "[MQTT-3.3.1-2]") {
        const row rows[] = {
            {"type 0 (3.1.1)", "\x00\x00"s, v311, malformed},
            {"type 0 (5)", "\x00\x00"s, v5, malformed},
            {"type 0 with a body (5)", "\x00\x02\x00\x01"s, v5, malformed},
            {"AUTH in 3.1.1", "\xF0\x00"s, v311, malformed},
            {"AUTH in 3.1", "\xF0\x00"s, v31, malformed},
            {"AUTH with a reason in 3.1.1", "\xF0\x01\x18"s, v311, malformed},
            {"PUBLISH QoS 3 (3.1.1)", "\x36\x05\x00\x01t\x00\x01"s, v311, malformed},
            {"PUBLISH QoS 3 (5)", "\x36\x06\x00\x01t\x00\x01\x00"s, v5, malformed},
            {"PUBLISH QoS 3 with DUP and RETAIN (5)",
             "\x3F\x06\x00\x01t\x00\x01\x00"s,
             v5,
             malformed},
            {"PUBLISH DUP on QoS 0 (3.1.1)", "\x38\x03\x00\x01t"s, v311, malformed},
            {"PUBLISH DUP on QoS 0 (5)", "\x38\x04\x00\x01t\x00"s, v5, malformed},
            {"PUBLISH DUP and RETAIN on QoS 0 (5)", "\x39\x04\x00\x01t\x00"s, v5, malformed},
        };
        for (const auto& r : rows) {
            check_row(r);
        }
        // Controls: the same packets with a valid QoS decode.
        check_decodes("\x3A\x05\x00\x01t\x00\x01"s, v311);
        check_decodes("\x3D\x06\x00\x01t\x00\x01\x00"s, v5);
        check_decodes("\x31\x04\x00\x01t\x00"s, v5);
    }

    TEST_CASE("a Remaining Length that disagrees with the bytes given is malformed") {
        // decode() is given exactly one packet; these are not what split_packet delimits.
        struct length_row {
            const char* name;
            std::string bytes;
        };
        const length_row rows[] = {
            {"no bytes at all", ""s},
            {"a type byte without a length", "\x30"s},
            {"a length cut short", "\x30\x80"s},
            {"a body shorter than declared", "\x30\x05\x00\x01t"s},
            {"a byte after the declared end", "\xC0\x00\x00"s},
            {"a PUBLISH followed by a PINGREQ", "\x30\x03\x00\x01t\xC0\x00"s},
            {"a non-minimal Remaining Length [MQTT-1.5.5-1]", "\x30\x83\x00\x00\x01t"s},
            {"a five-byte Remaining Length", "\xC0\x80\x80\x80\x80\x00"s},
        };
        for (const auto& r : rows) {
            INFO("row: ", std::string(r.name));
            for (const auto version : {v311, v5}) {
                CAPTURE(static_cast<int>(version));
                CHECK(name_of(test::decode_error(r.bytes, version)) ==
                      name_of(reason_code::malformed_packet));
            }
        }
    }

    TEST_CASE("bytes left over after the last field are malformed") {
        const row rows[] = {
            {"CONNECT 3.1.1 + 1 byte",
             "\x10\x0D\x00\x04MQTT\x04\x02\x00\x3C\x00\x00\x00"s,
             v311,
             malformed},
            {"CONNECT 5 + 1 byte",
             "\x10\x0E\x00\x04MQTT\x05\x02\x00\x3C\x00\x00\x00\x00"s,
             v5,
             malformed},
            {"CONNECT 3.1 + 1 byte",
             "\x10\x0F\x00\x06MQIsdp\x03\x02\x00\x3C\x00\x00\x00"s,
             v31,
             malformed},
            {"CONNACK 3.1.1 + 1 byte", "\x20\x03\x00\x00\x00"s, v311, malformed},
            {"CONNACK 5 + 1 byte", "\x20\x04\x00\x00\x00\x00"s, v5, malformed},
            {"PUBACK 3.1.1 + 1 byte", "\x40\x03\x00\x01\x00"s, v311, malformed},
            {"PUBREC 3.1.1 + 1 byte", "\x50\x03\x00\x01\x00"s, v311, malformed},
            {"PUBREL 3.1.1 + 1 byte", "\x62\x03\x00\x01\x00"s, v311, malformed},
            {"PUBCOMP 3.1.1 + 1 byte", "\x70\x03\x00\x01\x00"s, v311, malformed},
            {"PUBACK 5 + 1 byte", "\x40\x05\x00\x01\x10\x00\x00"s, v5, malformed},
            {"PUBCOMP 5 + 1 byte", "\x70\x05\x00\x01\x92\x00\x00"s, v5, malformed},
            {"UNSUBACK 3.1.1 with a payload", "\xB0\x03\x00\x01\x00"s, v311, malformed},
            {"PINGREQ 3.1.1 + 1 byte", "\xC0\x01\x00"s, v311, malformed},
            {"PINGREQ 5 + 1 byte", "\xC0\x01\x00"s, v5, malformed},
            {"PINGRESP 3.1.1 + 1 byte", "\xD0\x01\x00"s, v311, malformed},
            {"PINGRESP 5 + 1 byte", "\xD0\x01\x00"s, v5, malformed},
            {"DISCONNECT 3.1.1 + 1 byte", "\xE0\x01\x00"s, v311, malformed},
            {"DISCONNECT 3.1 + 1 byte", "\xE0\x01\x00"s, v31, malformed},
            {"DISCONNECT 5 + 1 byte", "\xE0\x03\x00\x00\x00"s, v5, malformed},
            {"AUTH 5 + 1 byte", "\xF0\x03\x18\x00\x00"s, v5, malformed},
        };
        for (const auto& r : rows) {
            check_row(r);
        }
        // Controls: the v5 short forms decisions allow (RL 3 ack, RL 1 DISCONNECT).
        check_decodes("\x40\x03\x00\x01\x10"s, v5);
        check_decodes("\xE0\x01\x00"s, v5);
        check_decodes("\xE0\x00"s, v311);
    }

    TEST_CASE("a field running past the end of the packet is malformed") {
        const row rows[] = {
            {"PUBACK without a whole packet id (3.1.1)", "\x40\x01\x00"s, v311, malformed},
            {"PUBACK without a whole packet id (5)", "\x40\x01\x00"s, v5, malformed},
            {"CONNACK of one byte (3.1.1)", "\x20\x01\x00"s, v311, malformed},
            {"CONNACK without property length (5)", "\x20\x02\x00\x00"s, v5, malformed},
            {"PUBLISH topic length past the end (3.1.1)", "\x30\x03\x00\x05t"s, v311, malformed},
            {"PUBLISH topic length past the end (5)", "\x30\x03\x00\x05t"s, v5, malformed},
            {"PUBLISH QoS 1 packet id cut short (3.1.1)",
             "\x32\x04\x00\x01t\x00"s,
             v311,
             malformed},
            {"PUBLISH without property length (5)", "\x30\x03\x00\x01t"s, v5, malformed},
            {"CONNECT client id past the end (3.1.1)",
             "\x10\x0D\x00\x04MQTT\x04\x02\x00\x3C\x00\x05t"s,
             v311,
             malformed},
            {"CONNECT client id past the end (5)",
             "\x10\x0E\x00\x04MQTT\x05\x02\x00\x3C\x00\x00\x05t"s,
             v5,
             malformed},
            {"CONNECT without a client id (3.1.1)",
             "\x10\x0A\x00\x04MQTT\x04\x02\x00\x3C"s,
             v311,
             malformed},
            {"CONNECT Will Flag without will payload (3.1.1)",
             "\x10\x0F\x00\x04MQTT\x04\x06\x00\x3C\x00\x00\x00\x01w"s,
             v311,
             malformed},
            {"CONNECT user name flag without user name (3.1.1)",
             "\x10\x0C\x00\x04MQTT\x04\x82\x00\x3C\x00\x00"s,
             v311,
             malformed},
            {"CONNECT password length past the end (3.1.1)",
             "\x10\x13\x00\x04MQTT\x04\xC2\x00\x3C\x00\x00\x00\x01u\x00\x09pw"s,
             v311,
             malformed},
            {"SUBSCRIBE filter length past the end (3.1.1)",
             "\x82\x06\x00\x01\x00\x05t\x00"s,
             v311,
             malformed},
            {"SUBSCRIBE filter without options (3.1.1)",
             "\x82\x05\x00\x01\x00\x01t"s,
             v311,
             malformed},
            {"SUBSCRIBE filter without options (5)",
             "\x82\x06\x00\x01\x00\x00\x01t"s,
             v5,
             malformed},
            {"UNSUBSCRIBE filter length past the end (3.1.1)",
             "\xA2\x05\x00\x01\x00\x05t"s,
             v311,
             malformed},
            {"UNSUBSCRIBE filter with half a length (5)",
             "\xA2\x04\x00\x01\x00\x00"s,
             v5,
             malformed},
        };
        for (const auto& r : rows) {
            check_row(r);
        }
    }

    TEST_CASE("packet id 0 where one is required is a protocol error [MQTT-2.2.1-3] "
              "[MQTT-2.3.1-1]") {
        const row rows[] = {
            {"PUBLISH QoS 1 (3.1.1)", "\x32\x05\x00\x01t\x00\x00"s, v311, protocol_error},
            {"PUBLISH QoS 1 (5)", "\x32\x06\x00\x01t\x00\x00\x00"s, v5, protocol_error},
            {"PUBLISH QoS 2 (3.1.1)", "\x34\x05\x00\x01t\x00\x00"s, v311, protocol_error},
            {"PUBLISH QoS 2 (5)", "\x34\x06\x00\x01t\x00\x00\x00"s, v5, protocol_error},
            {"PUBACK (3.1.1)", "\x40\x02\x00\x00"s, v311, protocol_error},
            {"PUBACK (5)", "\x40\x02\x00\x00"s, v5, protocol_error},
            {"PUBREC (3.1.1)", "\x50\x02\x00\x00"s, v311, protocol_error},
            {"PUBREC (5)", "\x50\x02\x00\x00"s, v5, protocol_error},
            {"PUBREL (3.1.1)", "\x62\x02\x00\x00"s, v311, protocol_error},
            {"PUBREL (5)", "\x62\x02\x00\x00"s, v5, protocol_error},
            {"PUBCOMP (3.1.1)", "\x70\x02\x00\x00"s, v311, protocol_error},
            {"PUBCOMP (5)", "\x70\x02\x00\x00"s, v5, protocol_error},
            {"SUBSCRIBE (3.1.1)", "\x82\x06\x00\x00\x00\x01t\x00"s, v311, protocol_error},
            {"SUBSCRIBE (5)", "\x82\x07\x00\x00\x00\x00\x01t\x00"s, v5, protocol_error},
            {"SUBACK (3.1.1)", "\x90\x03\x00\x00\x00"s, v311, protocol_error},
            {"SUBACK (5)", "\x90\x04\x00\x00\x00\x00"s, v5, protocol_error},
            {"UNSUBSCRIBE (3.1.1)", "\xA2\x05\x00\x00\x00\x01t"s, v311, protocol_error},
            {"UNSUBSCRIBE (5)", "\xA2\x06\x00\x00\x00\x00\x01t"s, v5, protocol_error},
            {"UNSUBACK (3.1.1)", "\xB0\x02\x00\x00"s, v311, protocol_error},
            {"UNSUBACK (5)", "\xB0\x04\x00\x00\x00\x00"s, v5, protocol_error},
        };
        for (const auto& r : rows) {
            check_row(r);
        }
        // Control: QoS 0 carries no packet id, so none can be 0.
        check_decodes("\x30\x05\x00\x01t\x00\x00"s, v311);
    }

    TEST_CASE("SUBSCRIBE with no topic filters is a protocol error [MQTT-3.8.3-3] "
              "[MQTT-3.8.3-2]") {
        check_row({"SUBSCRIBE 3.1.1", "\x82\x02\x00\x01"s, v311, protocol_error});
        check_row({"SUBSCRIBE 5", "\x82\x03\x00\x01\x00"s, v5, protocol_error});
    }

    TEST_CASE("UNSUBSCRIBE with no topic filters is a protocol error [MQTT-3.10.3-2]") {
        check_row({"UNSUBSCRIBE 3.1.1", "\xA2\x02\x00\x01"s, v311, protocol_error});
        check_row({"UNSUBSCRIBE 5", "\xA2\x03\x00\x01\x00"s, v5, protocol_error});
    }

    TEST_CASE("a v5 reason code the spec does not list for the packet is a protocol error") {
        const row rows[] = {
            {"CONNACK 0x01", "\x20\x03\x00\x01\x00"s, v5, protocol_error},
            {"PUBACK 0x04", "\x40\x03\x00\x01\x04"s, v5, protocol_error},
            {"PUBACK 0x04 with properties", "\x40\x04\x00\x01\x04\x00"s, v5, protocol_error},
            {"PUBACK 0x05 (no reason code at all)", "\x40\x03\x00\x01\x05"s, v5, protocol_error},
            {"PUBREC 0x92", "\x50\x03\x00\x01\x92"s, v5, protocol_error},
            {"PUBREL 0x10", "\x62\x03\x00\x01\x10"s, v5, protocol_error},
            {"PUBCOMP 0x10", "\x70\x03\x00\x01\x10"s, v5, protocol_error},
            {"SUBACK 0x03", "\x90\x04\x00\x01\x00\x03"s, v5, protocol_error},
            {"SUBACK 0x00 then 0x11", "\x90\x05\x00\x01\x00\x00\x11"s, v5, protocol_error},
            {"UNSUBACK 0x01", "\xB0\x04\x00\x01\x00\x01"s, v5, protocol_error},
            {"DISCONNECT 0x01", "\xE0\x01\x01"s, v5, protocol_error},
            {"DISCONNECT 0x18", "\xE0\x02\x18\x00"s, v5, protocol_error},
            {"AUTH 0x80", "\xF0\x01\x80"s, v5, protocol_error},
            {"AUTH 0x04", "\xF0\x02\x04\x00"s, v5, protocol_error},
        };
        for (const auto& r : rows) {
            check_row(r);
        }
        // Controls: codes the tables do list for these packets.
        check_decodes("\x40\x03\x00\x01\x10"s, v5);
        check_decodes("\x62\x03\x00\x01\x92"s, v5);
        check_decodes("\x90\x05\x00\x01\x00\x02\xA2"s, v5);
        check_decodes("\xB0\x04\x00\x01\x00\x11"s, v5);
        check_decodes("\xE0\x01\x04"s, v5);
        check_decodes("\xF0\x02\x19\x00"s, v5);
    }
}

// decode() checks the UTF-8 of every UTF-8 field, in both versions, and leaves binary fields
// alone [MQTT-1.5.4-1] [MQTT-1.5.4-2].
#include "codec_test_support.hpp"
#include "malformed_table.hpp"

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>
#include <emqx/mqtt/vbi.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>

using namespace emqx::mqtt;
using namespace std::string_literals;

namespace {

using test::name_of;

constexpr auto v311 = protocol_version::v3_1_1;
constexpr auto v5 = protocol_version::v5;

/// A valid packet with one field holding the single character '@' (after the fixed header), the
/// marker that the test replaces with one bad byte at a time.
struct field_row {
    const char* name;
    std::string bytes;
    protocol_version version;
};

/// One-byte replacements for the marker, so that no length changes: two ill-formed sequences
/// (a byte never valid in UTF-8, a lone continuation byte) and U+0000.
struct bad_byte {
    const char* name;
    char byte;
};

constexpr bad_byte bad_bytes[] = {
    {"0xFF, never valid in UTF-8 [MQTT-1.5.4-1]", '\xFF'},
    {"0x80, a lone continuation byte [MQTT-1.5.4-1]", '\x80'},
    {"U+0000 [MQTT-1.5.4-2]", '\x00'},
};

/// Checks the row as given decodes (so the failure below is the marker's doing) and returns
/// where the marker is, or npos (a failed check) when it is not there exactly once.
std::size_t marker_position(const field_row& r) {
    const auto length = read_vbi(std::string_view(r.bytes).substr(1));
    CHECK_MESSAGE(
        (length.status == vbi_status::ok && 1 + length.length + length.value == r.bytes.size()),
        "the row's Remaining Length does not match its bytes");
    CHECK(name_of(test::decode_error(r.bytes, r.version)) == name_of(reason_code::success));
    // Searched after the fixed header: PUBACK's first byte is 0x40, an '@' too.
    const auto at = r.bytes.find('@', 1 + length.length);
    const bool once = at != std::string::npos && r.bytes.find('@', at + 1) == std::string::npos;
    CHECK_MESSAGE(once, "the marker '@' must appear exactly once");
    return once ? at : std::string::npos;
}

/// Replaces the marker with each bad byte and expects `expected` from decode().
void check_field(const field_row& r, reason_code expected) {
    INFO("row: ", std::string(r.name));
    CAPTURE(static_cast<int>(r.version));
    INFO("bytes: ", test::hex(r.bytes));
    const auto at = marker_position(r);
    if (at == std::string::npos) {
        return;
    }
    for (const auto& bad : bad_bytes) {
        INFO("bad byte: ", std::string(bad.name));
        std::string bytes = r.bytes;
        bytes[at] = bad.byte;
        CHECK(name_of(test::decode_error(bytes, r.version)) == name_of(expected));
    }
}

} // namespace

TEST_SUITE("mqtt::malformed") {
    TEST_CASE("ill-formed UTF-8 or U+0000 in any UTF-8 field is malformed [MQTT-1.5.4-1] "
              "[MQTT-1.5.4-2]") {
        const field_row rows[] = {
            {"client id (3.1.1)", "\x10\x0D\x00\x04MQTT\x04\x02\x00\x3C\x00\x01@"s, v311},
            {"client id (5)", "\x10\x0E\x00\x04MQTT\x05\x02\x00\x3C\x00\x00\x01@"s, v5},
            {"will topic (3.1.1)",
             "\x10\x11\x00\x04MQTT\x04\x06\x00\x3C\x00\x00\x00\x01@\x00\x00"s,
             v311},
            {"will topic (5)",
             "\x10\x13\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00\x00\x00\x01@\x00\x00"s,
             v5},
            {"user name (3.1.1)", "\x10\x0F\x00\x04MQTT\x04\x82\x00\x3C\x00\x00\x00\x01@"s, v311},
            {"user name (5)", "\x10\x10\x00\x04MQTT\x05\x82\x00\x3C\x00\x00\x00\x00\x01@"s, v5},
            {"PUBLISH topic (3.1.1)", "\x30\x03\x00\x01@"s, v311},
            {"PUBLISH topic (5)", "\x30\x04\x00\x01@\x00"s, v5},
            {"PUBLISH topic, second character, QoS 1 (3.1.1)", "\x32\x06\x00\x02t@\x00\x01"s, v311},
            {"SUBSCRIBE filter (3.1.1)", "\x82\x06\x00\x01\x00\x01@\x00"s, v311},
            {"SUBSCRIBE filter (5)", "\x82\x07\x00\x01\x00\x00\x01@\x00"s, v5},
            {"SUBSCRIBE second filter (5)", "\x82\x0B\x00\x01\x00\x00\x01t\x00\x00\x01@\x00"s, v5},
            {"UNSUBSCRIBE filter (3.1.1)", "\xA2\x05\x00\x01\x00\x01@"s, v311},
            {"UNSUBSCRIBE filter (5)", "\xA2\x06\x00\x01\x00\x00\x01@"s, v5},
            {"content type in PUBLISH", "\x30\x08\x00\x01t\x04\x03\x00\x01@"s, v5},
            {"content type in Will Properties",
             "\x10\x17\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00\x04\x03\x00\x01@\x00\x01w\x00\x00"s,
             v5},
            {"response topic in PUBLISH", "\x30\x08\x00\x01t\x04\x08\x00\x01@"s, v5},
            {"reason string in PUBACK", "\x40\x08\x00\x01\x00\x04\x1F\x00\x01@"s, v5},
            {"reason string in DISCONNECT", "\xE0\x06\x80\x04\x1F\x00\x01@"s, v5},
            {"user property name in PUBLISH", "\x30\x0B\x00\x01t\x07\x26\x00\x01@\x00\x01v"s, v5},
            {"user property value in PUBLISH", "\x30\x0B\x00\x01t\x07\x26\x00\x01k\x00\x01@"s, v5},
            {"user property name in CONNECT",
             "\x10\x14\x00\x04MQTT\x05\x02\x00\x3C\x07\x26\x00\x01@\x00\x01v\x00\x00"s,
             v5},
            {"authentication method in AUTH", "\xF0\x06\x18\x04\x15\x00\x01@"s, v5},
            {"authentication method in CONNECT",
             "\x10\x11\x00\x04MQTT\x05\x02\x00\x3C\x04\x15\x00\x01@\x00\x00"s,
             v5},
            {"assigned client identifier in CONNACK", "\x20\x07\x00\x00\x04\x12\x00\x01@"s, v5},
            {"server reference in CONNACK", "\x20\x07\x00\x9C\x04\x1C\x00\x01@"s, v5},
            {"server reference in DISCONNECT", "\xE0\x06\x9C\x04\x1C\x00\x01@"s, v5},
            {"response information in CONNACK", "\x20\x07\x00\x00\x04\x1A\x00\x01@"s, v5},
        };
        for (const auto& r : rows) {
            check_field(r, reason_code::malformed_packet);
        }
    }

    TEST_CASE("binary fields may hold any byte, U+0000 included (1.5.6)") {
        const field_row rows[] = {
            {"password (3.1.1)",
             "\x10\x12\x00\x04MQTT\x04\xC2\x00\x3C\x00\x00\x00\x01u\x00\x01@"s,
             v311},
            {"password without user name (5)",
             "\x10\x10\x00\x04MQTT\x05\x42\x00\x3C\x00\x00\x00\x00\x01@"s,
             v5},
            {"will payload (3.1.1)",
             "\x10\x12\x00\x04MQTT\x04\x06\x00\x3C\x00\x00\x00\x01w\x00\x01@"s,
             v311},
            {"correlation data in PUBLISH", "\x30\x08\x00\x01t\x04\x09\x00\x01@"s, v5},
            {"authentication data in AUTH", "\xF0\x0A\x18\x08\x15\x00\x01m\x16\x00\x01@"s, v5},
            {"PUBLISH payload (3.1.1)", "\x30\x04\x00\x01t@"s, v311},
            {"PUBLISH payload (5)", "\x30\x05\x00\x01t\x00@"s, v5},
        };
        for (const auto& r : rows) {
            check_field(r, reason_code::success);
        }
    }
}

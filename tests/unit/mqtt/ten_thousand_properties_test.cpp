// A v5 PUBLISH with 10,000 user properties decodes whole and in order, and a property length
// declaring far more than is present is refused without trusting the declared size.
#include "codec_test_support.hpp"

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/split.hpp>
#include <emqx/mqtt/types.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <variant>

using namespace emqx::mqtt;
using namespace std::string_literals;

namespace {

constexpr std::size_t property_count = 10'000;

/// The four-digit decimal value of user property `i`: "0000" ... "9999".
std::string value_of(std::size_t i) {
    std::string digits(4, '0');
    for (std::size_t pos = 4; pos-- > 0; i /= 10) {
        digits[pos] = static_cast<char>('0' + i % 10);
    }
    return digits;
}

/// PUBLISH QoS 0, topic "t", 10,000 user properties ("k", "0000") ... ("k", "9999"), payload
/// "p". Each property is 26 00 01 'k' 00 04 dddd: 10 bytes, so the properties are 100,000
/// bytes, the Property Length VBI is A0 8D 06 (100,000) and the Remaining Length is
/// 3 + 3 + 100,000 + 1 = 100,007, VBI A7 8D 06.
std::string ten_thousand_property_publish() {
    std::string bytes = "\x30\xA7\x8D\x06\x00\x01t\xA0\x8D\x06"s;
    for (std::size_t i = 0; i < property_count; ++i) {
        bytes += "\x26\x00\x01k\x00\x04"s;
        bytes += value_of(i);
    }
    bytes += 'p';
    return bytes;
}

} // namespace

TEST_SUITE("mqtt::ten_thousand_properties") {
    TEST_CASE("a PUBLISH with 10,000 user properties keeps them all, in order (3.3.2.3.7)") {
        const auto bytes = ten_thousand_property_publish();
        REQUIRE(bytes.size() == 4 + 100'007);
        const auto split = split_packet(bytes);
        CHECK(split.status == split_status::complete);
        CHECK(split.packet_size == bytes.size());

        const auto result = decode(bytes, protocol_version::v5);
        if (!result) {
            FAIL("decode failed: ", reason_code_name(result.error()));
        }
        const auto* p = std::get_if<publish>(&*result);
        REQUIRE(p != nullptr);
        CHECK(p->topic == "t");
        CHECK(p->payload == "p");
        REQUIRE(p->props.user_properties.size() == property_count);
        std::size_t out_of_place = 0;
        for (std::size_t i = 0; i < property_count; ++i) {
            const auto& [name, value] = p->props.user_properties[i];
            if (name != "k" || value != value_of(i)) {
                ++out_of_place;
            }
        }
        CHECK(out_of_place == 0);
    }

    TEST_CASE("a Property Length far beyond the packet is malformed") {
        // Property Length 268,435,455 (FF FF FF 7F) with one byte after it.
        const auto bytes = "\x30\x08\x00\x01t\xFF\xFF\xFF\x7F\x26"s;
        CHECK(std::string(reason_code_name(test::decode_error(bytes, protocol_version::v5))) ==
              "malformed_packet");
        // Property Length 100,000 (A0 8D 06) with one 7-byte user property after it.
        const auto short_bytes = "\x30\x0D\x00\x01t\xA0\x8D\x06\x26\x00\x01k\x00\x01v"s;
        CHECK(std::string(reason_code_name(
                  test::decode_error(short_bytes, protocol_version::v5))) == "malformed_packet");
    }
}

// MQTT UTF-8 strings (1.5.4): what is well-formed, every ill-formed shape, and both fast paths.
#include <emqx/mqtt/utf8.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>

using namespace emqx::mqtt;
using namespace std::string_literals;

namespace {

// Bytes that must be rejected wherever they sit in a string.
const std::string bad_sequences[] = {
    "\x00"s,             // U+0000
    "\x80"s,             // a stray continuation byte
    "\xC0\x80"s,         // overlong U+0000
    "\xE0\x80\x80"s,     // overlong U+0000
    "\xED\xA0\x80"s,     // U+D800
    "\xF4\x90\x80\x80"s, // U+110000
    "\xFF"s,
    "\xFE"s,
    "\xE2\x82"s, // U+20AC cut after two bytes
};

} // namespace

TEST_SUITE("mqtt::utf8") {
    TEST_CASE("ASCII text is valid, and the empty string is valid") {
        CHECK(is_valid_mqtt_utf8(""));
        CHECK(is_valid_mqtt_utf8("a"));
        CHECK(is_valid_mqtt_utf8("sport/tennis/player1"));
        CHECK(is_valid_mqtt_utf8("\x01\x1F\x7F"s)); // controls are SHOULD NOT, not MUST NOT
        CHECK(is_valid_mqtt_utf8(std::string(1000, 'x')));
    }

    TEST_CASE("two, three and four byte characters at their range boundaries are valid "
              "[MQTT-1.5.4-1]") {
        const std::string rows[] = {
            "\xC2\x80"s,         // U+0080, the smallest two-byte character
            "\xC3\xA9"s,         // U+00E9
            "\xDF\xBF"s,         // U+07FF
            "\xE0\xA0\x80"s,     // U+0800, the smallest three-byte character
            "\xE2\x82\xAC"s,     // U+20AC
            "\xED\x9F\xBF"s,     // U+D7FF, just below the surrogates
            "\xEE\x80\x80"s,     // U+E000, just above the surrogates
            "\xEF\xBF\xBF"s,     // U+FFFF, a non-character: allowed
            "\xF0\x90\x80\x80"s, // U+10000, the smallest four-byte character
            "\xF0\x9F\x98\x80"s, // U+1F600
            "\xF3\xBF\xBF\xBF"s, // U+FFFFF
            "\xF4\x8F\xBF\xBF"s, // U+10FFFF, the largest code point
        };
        for (const auto& text : rows) {
            CAPTURE(text);
            CHECK(is_valid_mqtt_utf8(text));
            CHECK(is_valid_mqtt_utf8("ab" + text + "cd"));
        }
    }

    TEST_CASE("U+FEFF is a valid character, not a mark to strip [MQTT-1.5.4-3]") {
        CHECK(is_valid_mqtt_utf8("\xEF\xBB\xBF"s));
        CHECK(is_valid_mqtt_utf8("\xEF\xBB\xBF" "abcdefghij"s));
    }

    TEST_CASE("U+0000 is rejected [MQTT-1.5.4-2]") {
        CHECK_FALSE(is_valid_mqtt_utf8("\x00"s));
        CHECK_FALSE(is_valid_mqtt_utf8("a\x00"s));
        CHECK_FALSE(is_valid_mqtt_utf8("\x00" "a"s));
    }

    TEST_CASE("overlong forms are rejected [MQTT-1.5.4-1]") {
        const std::string rows[] = {
            "\xC0\x80"s,         // U+0000 in two bytes
            "\xC0\xAF"s,         // '/' in two bytes
            "\xC1\xBF"s,         // U+007F in two bytes
            "\xE0\x80\x80"s,     // U+0000 in three bytes
            "\xE0\x9F\xBF"s,     // U+07FF in three bytes
            "\xF0\x80\x80\x80"s, // U+0000 in four bytes
            "\xF0\x8F\xBF\xBF"s, // U+FFFF in four bytes
        };
        for (const auto& text : rows) {
            CAPTURE(text);
            CHECK_FALSE(is_valid_mqtt_utf8(text));
        }
    }

    TEST_CASE("surrogate code points are rejected [MQTT-1.5.4-1]") {
        CHECK_FALSE(is_valid_mqtt_utf8("\xED\xA0\x80"s)); // U+D800
        CHECK_FALSE(is_valid_mqtt_utf8("\xED\xAF\xBF"s)); // U+DBFF
        CHECK_FALSE(is_valid_mqtt_utf8("\xED\xB0\x80"s)); // U+DC00
        CHECK_FALSE(is_valid_mqtt_utf8("\xED\xBF\xBF"s)); // U+DFFF
        CHECK_FALSE(is_valid_mqtt_utf8("\xED\xA0\xBD\xED\xB8\x80"s)); // a CESU-8 pair
    }

    TEST_CASE("code points above U+10FFFF are rejected [MQTT-1.5.4-1]") {
        CHECK_FALSE(is_valid_mqtt_utf8("\xF4\x90\x80\x80"s)); // U+110000
        CHECK_FALSE(is_valid_mqtt_utf8("\xF5\x80\x80\x80"s));
        CHECK_FALSE(is_valid_mqtt_utf8("\xF7\xBF\xBF\xBF"s));
        CHECK_FALSE(is_valid_mqtt_utf8("\xF8\x88\x80\x80\x80"s)); // the old five-byte form
        CHECK_FALSE(is_valid_mqtt_utf8("\xFC\x84\x80\x80\x80\x80"s)); // the old six-byte form
    }

    TEST_CASE("a sequence cut short at any byte is rejected, at the end or before ASCII") {
        const std::string whole[] = {
            "\xC3\xA9"s,
            "\xE2\x82\xAC"s,
            "\xF0\x9F\x98\x80"s,
        };
        for (const auto& text : whole) {
            for (std::size_t keep = 1; keep < text.size(); ++keep) {
                const std::string cut = text.substr(0, keep);
                CAPTURE(cut);
                CHECK_FALSE(is_valid_mqtt_utf8(cut));
                CHECK_FALSE(is_valid_mqtt_utf8(cut + "a"));
                CHECK_FALSE(is_valid_mqtt_utf8("abc" + cut));
                CHECK_FALSE(is_valid_mqtt_utf8(cut + "abcdefghijk"));
                CHECK_FALSE(is_valid_mqtt_utf8(cut + text));
                // A view that stops mid-character while the buffer goes on: the decoder must
                // not read the bytes past the view's end.
                CHECK_FALSE(is_valid_mqtt_utf8(std::string_view{text}.substr(0, keep)));
            }
        }
    }

    TEST_CASE("continuation bytes without a lead byte are rejected") {
        CHECK_FALSE(is_valid_mqtt_utf8("\x80"s));
        CHECK_FALSE(is_valid_mqtt_utf8("\xBF"s));
        CHECK_FALSE(is_valid_mqtt_utf8("a\x80" "b"s));
        CHECK_FALSE(is_valid_mqtt_utf8("\xC3\xA9\xA9"s));         // one too many
        CHECK_FALSE(is_valid_mqtt_utf8("\xF0\x9F\x98\x80\x80"s)); // one too many
    }

    TEST_CASE("the bytes 0xFE and 0xFF never appear") {
        CHECK_FALSE(is_valid_mqtt_utf8("\xFE"s));
        CHECK_FALSE(is_valid_mqtt_utf8("\xFF"s));
        CHECK_FALSE(is_valid_mqtt_utf8("\xFE\xFF"s));
        CHECK_FALSE(is_valid_mqtt_utf8("\xEF\xBB\xBF\xFF\xFE"s));
    }

    TEST_CASE("a bad sequence is found at every offset of a long ASCII string") {
        // Offsets 0..20 of a 40-byte string put the bad bytes in the first, second and third
        // eight-byte word, across word boundaries, and in the tail after the last whole word.
        for (const auto& bad : bad_sequences) {
            for (std::size_t offset = 0; offset <= 20; ++offset) {
                std::string text(40, 'a');
                text.replace(offset, bad.size(), bad);
                CAPTURE(bad);
                CAPTURE(offset);
                CHECK_FALSE(is_valid_mqtt_utf8(text));
                CHECK_FALSE(is_valid_mqtt_utf8(text.substr(0, offset + bad.size())));
            }
        }
    }

    TEST_CASE("a bad byte in the tail after whole eight-byte words is found") {
        for (std::size_t length = 9; length <= 23; ++length) {
            std::string text(length, 'a');
            text.back() = '\x00';
            CAPTURE(length);
            CHECK_FALSE(is_valid_mqtt_utf8(text));
            text.back() = '\x80';
            CHECK_FALSE(is_valid_mqtt_utf8(text));
        }
    }

    TEST_CASE("a valid character is accepted at every offset of a long ASCII string") {
        const std::string good[] = {
            "\xC3\xA9"s,
            "\xE2\x82\xAC"s,
            "\xEF\xBB\xBF"s,
            "\xF0\x9F\x98\x80"s,
        };
        for (const auto& character : good) {
            for (std::size_t offset = 0; offset <= 20; ++offset) {
                std::string text(40, 'a');
                text.replace(offset, character.size(), character);
                CAPTURE(character);
                CAPTURE(offset);
                CHECK(is_valid_mqtt_utf8(text));
                CHECK(is_valid_mqtt_utf8(text.substr(0, offset + character.size())));
            }
        }
    }

    TEST_CASE("long runs of multi-byte characters are valid") {
        std::string text;
        for (int i = 0; i < 50; ++i) {
            text += "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"s;
        }
        CHECK(is_valid_mqtt_utf8(text));
        text += "\xED\xA0\x80"s;
        CHECK_FALSE(is_valid_mqtt_utf8(text));
    }
}

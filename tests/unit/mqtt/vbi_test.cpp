// Variable Byte Integer (1.5.5): the boundaries of each length, and the malformed forms.
#include <emqx/mqtt/vbi.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace emqx::mqtt;
using namespace std::string_literals;

TEST_SUITE("mqtt::vbi") {
    TEST_CASE("each length boundary encodes minimally and decodes back [MQTT-1.5.5-1]") {
        struct row {
            std::uint32_t value;
            std::string bytes;
        };
        const row rows[] = {
            {0, "\x00"s},
            {127, "\x7F"s},
            {128, "\x80\x01"s},
            {16'383, "\xFF\x7F"s},
            {16'384, "\x80\x80\x01"s},
            {2'097'151, "\xFF\xFF\x7F"s},
            {2'097'152, "\x80\x80\x80\x01"s},
            {268'435'455, "\xFF\xFF\xFF\x7F"s},
        };
        for (const auto& r : rows) {
            CAPTURE(r.value);
            std::string out;
            append_vbi(out, r.value);
            CHECK(out == r.bytes);
            CHECK(vbi_size(r.value) == r.bytes.size());
            const auto read = read_vbi(r.bytes);
            CHECK(read.status == vbi_status::ok);
            CHECK(read.value == r.value);
            CHECK(read.length == r.bytes.size());
        }
    }

    TEST_CASE("an integer cut short needs more bytes") {
        CHECK(read_vbi("").status == vbi_status::need_more);
        CHECK(read_vbi("\x80"s).status == vbi_status::need_more);
        CHECK(read_vbi("\xFF\xFF\xFF"s).status == vbi_status::need_more);
    }

    TEST_CASE("a fifth byte is malformed") {
        CHECK(read_vbi("\xFF\xFF\xFF\xFF\x01"s).status == vbi_status::malformed);
        CHECK(read_vbi("\x80\x80\x80\x80"s).status == vbi_status::malformed);
    }

    TEST_CASE("a longer encoding than needed is malformed [MQTT-1.5.5-1]") {
        CHECK(read_vbi("\x80\x00"s).status == vbi_status::malformed);
        CHECK(read_vbi("\xFF\x80\x00"s).status == vbi_status::malformed);
    }

    TEST_CASE("bytes after the integer are not read") {
        const auto read = read_vbi("\x05\xFF\xFF"s);
        CHECK(read.status == vbi_status::ok);
        CHECK(read.value == 5);
        CHECK(read.length == 1);
    }
}

// The stamp every payload starts with: its byte layout, and payloads too short to carry one.
#include <emqx/perf/stamp.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace std::string_literals;
using emqx::perf::read_stamp;
using emqx::perf::stamp;
using emqx::perf::write_stamp;

TEST_SUITE("perf::stamp") {
    TEST_CASE("the stamp is publisher, sequence and time, little-endian, in 20 bytes") {
        std::string payload(24, 'x');
        write_stamp(payload.data(), stamp{0x01020304, 0x1112131415161718, 0x2122232425262728});
        CHECK(payload == "\x04\x03\x02\x01"
                         "\x18\x17\x16\x15\x14\x13\x12\x11"
                         "\x28\x27\x26\x25\x24\x23\x22\x21"
                         "xxxx"s);
    }

    TEST_CASE("a stamp reads back as written") {
        std::string payload(64, '\0');
        const stamp s{7, 123'456'789'012, 987'654'321'098'765};
        write_stamp(payload.data(), s);
        CHECK(read_stamp(payload) == s);
    }

    TEST_CASE("a payload shorter than 20 bytes has no stamp") {
        CHECK_FALSE(read_stamp("short"));
        CHECK_FALSE(read_stamp(std::string(19, '\0')));
        CHECK(read_stamp(std::string(20, '\0')));
    }

    TEST_CASE("bytes with the high bit set read back as unsigned values") {
        const auto s = read_stamp("\xff\xff\xff\xff"
                                  "\xff\xff\xff\xff\xff\xff\xff\xff"
                                  "\x80\x00\x00\x00\x00\x00\x00\x00"s);
        REQUIRE(s);
        CHECK(s->publisher == 0xffffffffU);
        CHECK(s->sequence == 0xffffffffffffffffULL);
        CHECK(s->sent_ns == 0x80);
    }
}

// split_packet (2.1.4, 1.5.5): where a packet ends in a byte stream, when to read more, and when
// the stream is broken by a bad Remaining Length or a packet over the size limit.
#include <emqx/mqtt/split.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace emqx::mqtt;
using namespace std::string_literals;

namespace {

split_result complete(std::size_t size) {
    return {split_status::complete, size, reason_code::success};
}

split_result need_more(std::size_t size) {
    return {split_status::need_more, size, reason_code::success};
}

split_result invalid(reason_code reason) {
    return {split_status::invalid, 0, reason};
}

/// Runs split_packet on a heap copy of exactly `bytes.size()` bytes, so that AddressSanitizer
/// reports any read past the end (a std::string would hide small overreads in its inline
/// buffer or its terminating NUL).
split_result split_exact(std::string_view bytes,
                         std::uint32_t max_packet_size = max_packet_size_limit) {
    const std::vector<char> copy(bytes.begin(), bytes.end());
    return split_packet(std::string_view(copy.data(), copy.size()), max_packet_size);
}

void check_split(const split_result& got, const split_result& expected) {
    CHECK(static_cast<int>(got.status) == static_cast<int>(expected.status));
    CHECK(got.packet_size == expected.packet_size);
    CHECK(static_cast<int>(got.reason) == static_cast<int>(expected.reason));
}

/// A PUBLISH (QoS 0, topic "t") whose Remaining Length is `remaining` (at least 3), encoded in
/// `header`, which is written out by the caller.
std::string publish_with_body(const std::string& header, std::size_t remaining) {
    std::string bytes = header + "\x00\x01t"s;
    bytes.append(remaining - 3, 'p');
    return bytes;
}

} // namespace

TEST_SUITE("mqtt::split_packet") {
    TEST_CASE("an empty buffer needs more and knows no size yet") {
        check_split(split_exact(""), need_more(0));
    }

    TEST_CASE("a lone first byte needs more and knows no size yet") {
        check_split(split_exact("\x30"s), need_more(0));
        check_split(split_exact("\xC0"s), need_more(0));
    }

    TEST_CASE("a one-byte Remaining Length: complete, and cut short after the header") {
        check_split(split_exact("\xC0\x00"s), complete(2));
        check_split(split_exact("\x30\x03\x00\x01t"s), complete(5));
        check_split(split_exact("\x30\x7F"s), need_more(129));
        check_split(split_exact("\x30\x03\x00\x01"s), need_more(5));
        check_split(split_exact("\x30\x03"s), need_more(5));
    }

    TEST_CASE("a two-byte Remaining Length: complete, and cut short in the header or body") {
        const auto bytes = publish_with_body("\x30\x80\x01"s, 128);
        REQUIRE(bytes.size() == 131);
        check_split(split_exact(bytes), complete(131));
        check_split(split_exact(std::string_view(bytes).substr(0, 130)), need_more(131));
        check_split(split_exact("\x30\x80\x01"s), need_more(131));
        check_split(split_exact("\x30\x80"s), need_more(0));
        check_split(split_exact("\x30\xFF\x7F"s), need_more(16'386));
    }

    TEST_CASE("a three-byte Remaining Length: complete, and cut short in the header or body") {
        const auto bytes = publish_with_body("\x30\x80\x80\x01"s, 16'384);
        REQUIRE(bytes.size() == 16'388);
        check_split(split_exact(bytes), complete(16'388));
        check_split(split_exact(std::string_view(bytes).substr(0, 16'387)), need_more(16'388));
        check_split(split_exact("\x30\x80\x80"s), need_more(0));
        check_split(split_exact("\x30\xFF\xFF\x7F"s), need_more(2'097'155));
    }

    TEST_CASE("a four-byte Remaining Length: complete, and cut short in the header or body") {
        const auto bytes = publish_with_body("\x30\x80\x80\x80\x01"s, 2'097'152);
        REQUIRE(bytes.size() == 2'097'157);
        check_split(split_exact(bytes), complete(2'097'157));
        check_split(split_exact(std::string_view(bytes).substr(0, 2'097'156)),
                    need_more(2'097'157));
        check_split(split_exact("\x30\x80\x80\x80"s), need_more(0));
        check_split(split_exact("\x30\xFF\xFF\xFF"s), need_more(0));
    }

    TEST_CASE("the largest Remaining Length with a few bytes present needs more") {
        // split takes a view and allocates nothing: only the declared size is reported.
        check_split(split_exact("\x30\xFF\xFF\xFF\x7F\x00\x01t"s), need_more(268'435'460));
        CHECK(max_packet_size_limit == 268'435'460);
    }

    TEST_CASE("every prefix of a packet needs more; the whole packet is complete") {
        const std::string packets[] = {
            "\xC0\x00"s,
            "\x30\x03\x00\x01t"s,
            "\x82\x06\x00\x01\x00\x01t\x01"s,
            publish_with_body("\x30\x80\x01"s, 128),
        };
        for (const auto& bytes : packets) {
            // The fixed header is the type byte and a Remaining Length of 1 or 2 bytes here.
            const std::size_t header_size = bytes.size() > 129 ? 3 : 2;
            for (std::size_t n = 0; n < bytes.size(); ++n) {
                CAPTURE(bytes.size());
                CAPTURE(n);
                const std::size_t known = n >= header_size ? bytes.size() : 0;
                check_split(split_exact(std::string_view(bytes).substr(0, n)), need_more(known));
            }
            check_split(split_exact(bytes), complete(bytes.size()));
        }
    }

    TEST_CASE("two packets back to back: only the first is reported") {
        check_split(split_exact("\xC0\x00\xD0\x00"s), complete(2));
        check_split(split_exact("\x30\x03\x00\x01t\xC0\x00"s), complete(5));
        check_split(split_exact("\x30\x03\x00\x01t\x30\xFF\xFF\xFF\x7F"s), complete(5));
    }

    TEST_CASE("a Remaining Length of five bytes is malformed [MQTT-1.5.5-1]") {
        check_split(split_exact("\x30\xFF\xFF\xFF\xFF\x01"s),
                    invalid(reason_code::malformed_packet));
        // The fourth byte already says a fifth follows: no need to wait for it.
        check_split(split_exact("\x30\x80\x80\x80\x80"s), invalid(reason_code::malformed_packet));
        check_split(split_exact("\x30\xFF\xFF\xFF\xFF"s), invalid(reason_code::malformed_packet));
    }

    TEST_CASE("a Remaining Length not minimally encoded is malformed [MQTT-1.5.5-1]") {
        check_split(split_exact("\xC0\x80\x00"s), invalid(reason_code::malformed_packet));
        check_split(split_exact("\x30\x83\x00\x00\x01t"s), invalid(reason_code::malformed_packet));
        check_split(split_exact("\x30\x80\x80\x00"s), invalid(reason_code::malformed_packet));
        check_split(split_exact("\x30\xFF\x80\x00"s), invalid(reason_code::malformed_packet));
        check_split(split_exact("\x30\x80\x80\x80\x00"s), invalid(reason_code::malformed_packet));
    }

    TEST_CASE("split does not judge the packet type or flags: that is decode's work") {
        check_split(split_exact("\x00\x00"s), complete(2));
        check_split(split_exact("\xFF\x00"s), complete(2));
    }

    TEST_CASE("max_packet_size counts the whole packet, fixed header included") {
        const auto publish = "\x30\x03\x00\x01t"s;
        check_split(split_exact(publish, 5), complete(5));
        check_split(split_exact(publish, 6), complete(5));
        check_split(split_exact(publish, 4), invalid(reason_code::packet_too_large));
        check_split(split_exact(publish, 3), invalid(reason_code::packet_too_large));
        check_split(split_exact("\xC0\x00"s, 2), complete(2));
        check_split(split_exact("\xC0\x00"s, 1), invalid(reason_code::packet_too_large));

        const auto big = publish_with_body("\x30\x80\x01"s, 128);
        check_split(split_exact(big, 131), complete(131));
        check_split(split_exact(big, 130), invalid(reason_code::packet_too_large));
    }

    TEST_CASE("a packet over max_packet_size is refused as soon as its header is complete") {
        // Only the fixed header has arrived: the size is known, the body need not be awaited.
        check_split(split_exact("\x30\x03"s, 4), invalid(reason_code::packet_too_large));
        check_split(split_exact("\x30\x03\x00"s, 4), invalid(reason_code::packet_too_large));
        check_split(split_exact("\x30\x80\x01"s, 130), invalid(reason_code::packet_too_large));
        check_split(split_exact("\x30\x80\x01"s, 131), need_more(131));
        check_split(split_exact("\x30\xFF\xFF\xFF\x7F"s, 1'048'576),
                    invalid(reason_code::packet_too_large));
        // Before the header is complete the size is unknown, so there is nothing to refuse.
        check_split(split_exact("\x30\x80"s, 4), need_more(0));
    }

    TEST_CASE("the largest packet MQTT allows is within the default limit") {
        check_split(split_exact("\x30\xFF\xFF\xFF\x7F"s), need_more(268'435'460));
        check_split(split_exact("\x30\xFF\xFF\xFF\x7F"s, max_packet_size_limit),
                    need_more(268'435'460));
        check_split(split_exact("\x30\xFF\xFF\xFF\x7F"s, max_packet_size_limit - 1),
                    invalid(reason_code::packet_too_large));
    }
}

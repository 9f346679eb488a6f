// decode() on bad SUBSCRIBE options (reserved bits, QoS 3, Retain Handling 3, No Local on a
// shared subscription) and bad 3.1.1 SUBACK return codes.
#include "codec_test_support.hpp"
#include "malformed_table.hpp"

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>
#include <emqx/mqtt/vbi.hpp>

#include <doctest/doctest.h>

#include <iterator>
#include <string>
#include <string_view>
#include <variant>

using namespace emqx::mqtt;
using namespace std::string_literals;

namespace {

using test::row;
using test::name_of;
using test::check_row;
using test::check_rows;

constexpr auto v31 = protocol_version::v3_1;
constexpr auto v311 = protocol_version::v3_1_1;
constexpr auto v5 = protocol_version::v5;

constexpr auto malformed = reason_code::malformed_packet;
constexpr auto protocol_error = reason_code::protocol_error;

/// Decodes a SUBSCRIBE that must be accepted and returns its only subscription, whose filter
/// views `bytes`: the caller keeps them alive.
subscription decode_one_subscription(const std::string& bytes) {
    INFO("bytes: ", test::hex(bytes));
    const auto result = decode(bytes, v5);
    if (!result) {
        FAIL_CHECK("decode failed: ", reason_code_name(result.error()));
        return {};
    }
    const auto* p = std::get_if<subscribe>(&*result);
    if (p == nullptr || p->subscriptions.size() != 1) {
        FAIL_CHECK("not a SUBSCRIBE with one subscription");
        return {};
    }
    return p->subscriptions.front();
}

subscription decode_one_subscription(std::string&& bytes) = delete;

} // namespace

TEST_SUITE("mqtt::malformed") {
    TEST_CASE("3.1.1 subscription options with bits 7-2 set are malformed [MQTT-3-8.3-4]") {
        const row rows[] = {
            {"bit 2", "\x82\x06\x00\x01\x00\x01t\x04"s, v311, malformed},
            {"bit 3", "\x82\x06\x00\x01\x00\x01t\x08"s, v311, malformed},
            {"bit 4", "\x82\x06\x00\x01\x00\x01t\x10"s, v311, malformed},
            {"bit 5", "\x82\x06\x00\x01\x00\x01t\x20"s, v311, malformed},
            {"bit 6", "\x82\x06\x00\x01\x00\x01t\x40"s, v311, malformed},
            {"bit 7", "\x82\x06\x00\x01\x00\x01t\x80"s, v311, malformed},
            {"bit 2 (3.1)", "\x82\x06\x00\x01\x00\x01t\x04"s, v31, malformed},
            {"bit 7 in the second entry",
             "\x82\x0A\x00\x01\x00\x01t\x01\x00\x01u\x81"s,
             v311,
             malformed},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("5.0 subscription options with bits 7-6 set are malformed [MQTT-3.8.3-5]") {
        const row rows[] = {
            {"bit 6", "\x82\x07\x00\x01\x00\x00\x01t\x40"s, v5, malformed},
            {"bit 7", "\x82\x07\x00\x01\x00\x00\x01t\x80"s, v5, malformed},
            {"bit 7 in the second entry",
             "\x82\x0B\x00\x01\x00\x00\x01t\x01\x00\x01u\x81"s,
             v5,
             malformed},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("a subscription with maximum QoS 3 is malformed [MQTT-3-8.3-4] (3.8.3.1)") {
        const row rows[] = {
            {"3.1.1", "\x82\x06\x00\x01\x00\x01t\x03"s, v311, malformed},
            {"5", "\x82\x07\x00\x01\x00\x00\x01t\x03"s, v5, malformed},
            {"5, second entry", "\x82\x0B\x00\x01\x00\x00\x01t\x00\x00\x01u\x03"s, v5, malformed},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("Retain Handling 3 is a protocol error (3.8.3.1)") {
        check_row({"retain handling 3", "\x82\x07\x00\x01\x00\x00\x01t\x30"s, v5, protocol_error});
        check_row({"retain handling 3 with QoS 1",
                   "\x82\x07\x00\x01\x00\x00\x01t\x31"s,
                   v5,
                   protocol_error});
    }

    TEST_CASE("No Local on a shared subscription is a protocol error [MQTT-3.8.3-4]") {
        check_row({"$share/g/t with No Local",
                   "\x82\x10\x00\x01\x00\x00\x0A$share/g/t\x04"s,
                   v5,
                   protocol_error});

        // Controls: the same filter without No Local, and No Local on a plain filter.
        const auto shared_bytes = "\x82\x10\x00\x01\x00\x00\x0A$share/g/t\x01"s;
        const auto shared = decode_one_subscription(shared_bytes);
        CHECK(shared.filter == "$share/g/t");
        CHECK_FALSE(shared.options.no_local);
        const auto plain_bytes = "\x82\x07\x00\x01\x00\x00\x01t\x04"s;
        const auto plain = decode_one_subscription(plain_bytes);
        CHECK(plain.filter == "t");
        CHECK(plain.options.no_local);
    }

    TEST_CASE("every valid 5.0 option bit decodes (3.8.3.1)") {
        // 0x2D: Retain Handling 2, Retain As Published, No Local, QoS 1.
        const auto bytes = "\x82\x07\x00\x01\x00\x00\x01t\x2D"s;
        const auto entry = decode_one_subscription(bytes);
        CHECK(entry.options.max_qos == qos::at_least_once);
        CHECK(entry.options.no_local);
        CHECK(entry.options.retain_as_published);
        CHECK(entry.options.retain_handling == retain_handling::do_not_send);
    }

    TEST_CASE("a 3.1.1 SUBACK return code other than 0, 1, 2 and 0x80 is malformed (3.9.3)") {
        const row rows[] = {
            {"0x03", "\x90\x03\x00\x01\x03"s, v311, malformed},
            {"0x81", "\x90\x03\x00\x01\x81"s, v311, malformed},
            {"0x8F (a v5-only code)", "\x90\x03\x00\x01\x8F"s, v311, malformed},
            {"0x03 after a good one", "\x90\x04\x00\x01\x01\x03"s, v311, malformed},
            {"0x03 (3.1)", "\x90\x03\x00\x01\x03"s, v31, malformed},
        };
        check_rows(std::begin(rows), std::end(rows));

        // Control: 0x80 is the 3.1.1 failure code.
        const auto bytes = "\x90\x05\x00\x01\x00\x02\x80"s;
        const auto result = decode(bytes, v311);
        REQUIRE(result.has_value());
        const auto* p = std::get_if<suback>(&*result);
        REQUIRE(p != nullptr);
        REQUIRE(p->reasons.size() == 3);
        CHECK(p->reasons[0] == reason_code::success);
        CHECK(p->reasons[1] == reason_code::granted_qos_2);
        CHECK(p->reasons[2] == reason_code::unspecified_error);
    }
}

// decode() on bad topics: wildcards in a PUBLISH, Will or Response Topic, an empty topic with
// and without a Topic Alias, and Topic Alias 0.
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
#include <optional>
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

constexpr auto v311 = protocol_version::v3_1_1;
constexpr auto v5 = protocol_version::v5;

constexpr auto protocol_error = reason_code::protocol_error;

} // namespace

TEST_SUITE("mqtt::malformed") {
    TEST_CASE("a wildcard in a PUBLISH topic is an invalid topic name [MQTT-3.3.2-2]") {
        const row rows[] = {
            {"+ level (3.1.1)", "\x30\x05\x00\x03t/+"s, v311, reason_code::topic_name_invalid},
            {"# level (3.1.1)", "\x30\x05\x00\x03t/#"s, v311, reason_code::topic_name_invalid},
            {"+ alone (3.1.1)", "\x30\x03\x00\x01+"s, v311, reason_code::topic_name_invalid},
            {"+ level (5)", "\x30\x06\x00\x03t/+\x00"s, v5, reason_code::topic_name_invalid},
            {"# alone (5)", "\x30\x04\x00\x01#\x00"s, v5, reason_code::topic_name_invalid},
            {"# inside a level, QoS 1 (3.1.1)",
             "\x32\x07\x00\x03t#u\x00\x01"s,
             v311,
             reason_code::topic_name_invalid},
            {"+ inside a level, QoS 2 (5)",
             "\x34\x08\x00\x03t+u\x00\x01\x00"s,
             v5,
             reason_code::topic_name_invalid},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("a wildcard in a Will Topic is an invalid topic name [MQTT-3.3.2-2]") {
        const row rows[] = {
            {"# (3.1.1)",
             "\x10\x13\x00\x04MQTT\x04\x06\x00\x3C\x00\x00\x00\x03w/#\x00\x00"s,
             v311,
             reason_code::topic_name_invalid},
            {"+ (5)",
             "\x10\x15\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00\x00\x00\x03w/+\x00\x00"s,
             v5,
             reason_code::topic_name_invalid},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("a wildcard in a Response Topic is a protocol error [MQTT-3.3.2-14]") {
        const row rows[] = {
            {"# in PUBLISH", "\x30\x0A\x00\x01t\x06\x08\x00\x03r/#"s, v5, protocol_error},
            {"+ in PUBLISH", "\x30\x0A\x00\x01t\x06\x08\x00\x03+/r"s, v5, protocol_error},
            {"+ in Will Properties",
             "\x10\x19\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x00"
             "\x06\x08\x00\x03r/+\x00\x01w\x00\x00"s,
             v5,
             protocol_error},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("an empty PUBLISH topic is a protocol error in 3.1.1 [MQTT-4.7.3-1]") {
        const row rows[] = {
            {"QoS 0", "\x30\x02\x00\x00"s, v311, protocol_error},
            {"QoS 1", "\x32\x04\x00\x00\x00\x01"s, v311, protocol_error},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("an empty PUBLISH topic without a Topic Alias is a protocol error in 5.0 "
              "(3.3.2.1)") {
        const row rows[] = {
            {"no properties", "\x30\x03\x00\x00\x00"s, v5, protocol_error},
            {"other properties only", "\x30\x05\x00\x00\x02\x01\x01"s, v5, protocol_error},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("an empty PUBLISH topic with a Topic Alias decodes in 5.0 (3.3.2.3.4)") {
        const auto bytes = "\x30\x07\x00\x00\x03\x23\x00\x01p"s;
        const auto result = decode(bytes, v5);
        REQUIRE(result.has_value());
        const auto* p = std::get_if<publish>(&*result);
        REQUIRE(p != nullptr);
        CHECK(p->topic.empty());
        CHECK(p->props.topic_alias == std::optional<std::uint16_t>(1));
        CHECK(p->payload == "p");
    }

    TEST_CASE("Topic Alias 0 is an invalid topic alias [MQTT-3.3.2-8]") {
        const row rows[] = {
            {"with a topic",
             "\x30\x07\x00\x01t\x03\x23\x00\x00"s,
             v5,
             reason_code::topic_alias_invalid},
            {"with a topic, QoS 1",
             "\x32\x09\x00\x01t\x00\x01\x03\x23\x00\x00"s,
             v5,
             reason_code::topic_alias_invalid},
        };
        check_rows(std::begin(rows), std::end(rows));
    }
}

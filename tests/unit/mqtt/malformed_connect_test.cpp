// decode() on bad CONNECT and CONNACK packets (flags, protocol name and level, return codes),
// and peek_connect_version on good and bad CONNECTs.
#include "codec_test_support.hpp"
#include "malformed_table.hpp"

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>
#include <emqx/mqtt/vbi.hpp>

#include <doctest/doctest.h>

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

constexpr auto v31 = protocol_version::v3_1;
constexpr auto v311 = protocol_version::v3_1_1;
constexpr auto v5 = protocol_version::v5;

constexpr auto malformed = reason_code::malformed_packet;
constexpr auto protocol_error = reason_code::protocol_error;

/// Decodes a CONNECT that must be accepted. Its views point into `bytes`, so a temporary is
/// refused.
std::optional<connect> decode_connect(const std::string& bytes, protocol_version version) {
    INFO("bytes: ", test::hex(bytes));
    const auto result = decode(bytes, version);
    if (!result) {
        FAIL_CHECK("decode failed: ", reason_code_name(result.error()));
        return std::nullopt;
    }
    const auto* p = std::get_if<connect>(&*result);
    CHECK(p != nullptr);
    return p ? std::optional<connect>(*p) : std::nullopt;
}

std::optional<connect> decode_connect(std::string&& bytes, protocol_version version) = delete;

std::string version_name(std::optional<protocol_version> version) {
    return version ? std::to_string(static_cast<int>(*version)) : "nullopt";
}

} // namespace

TEST_SUITE("mqtt::malformed") {
    TEST_CASE("CONNECT with the reserved flag set is malformed [MQTT-3.1.2-3]") {
        const row rows[] = {
            {"3.1.1", "\x10\x0C\x00\x04MQTT\x04\x03\x00\x3C\x00\x00"s, v311, malformed},
            {"5", "\x10\x0D\x00\x04MQTT\x05\x03\x00\x3C\x00\x00\x00"s, v5, malformed},
            {"3.1", "\x10\x0E\x00\x06MQIsdp\x03\x03\x00\x3C\x00\x00"s, v31, malformed},
            {"reserved flag alone (3.1.1)",
             "\x10\x0C\x00\x04MQTT\x04\x01\x00\x3C\x00\x00"s,
             v311,
             malformed},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("CONNECT with Will QoS or Will Retain but no Will Flag is malformed "
              "[MQTT-3.1.2-11] [MQTT-3.1.2-13]") {
        const row rows[] = {
            {"will QoS 1 (3.1.1)",
             "\x10\x0C\x00\x04MQTT\x04\x0A\x00\x3C\x00\x00"s,
             v311,
             malformed},
            {"will QoS 1 (5)", "\x10\x0D\x00\x04MQTT\x05\x0A\x00\x3C\x00\x00\x00"s, v5, malformed},
            {"will QoS 2 (3.1.1)",
             "\x10\x0C\x00\x04MQTT\x04\x12\x00\x3C\x00\x00"s,
             v311,
             malformed},
            {"will QoS 2 (5)", "\x10\x0D\x00\x04MQTT\x05\x12\x00\x3C\x00\x00\x00"s, v5, malformed},
            {"will QoS 3 (3.1.1)",
             "\x10\x0C\x00\x04MQTT\x04\x1A\x00\x3C\x00\x00"s,
             v311,
             malformed},
            {"will retain (3.1.1)",
             "\x10\x0C\x00\x04MQTT\x04\x22\x00\x3C\x00\x00"s,
             v311,
             malformed},
            {"will retain (5)", "\x10\x0D\x00\x04MQTT\x05\x22\x00\x3C\x00\x00\x00"s, v5, malformed},
            {"will retain (3.1)",
             "\x10\x0E\x00\x06MQIsdp\x03\x22\x00\x3C\x00\x00"s,
             v31,
             malformed},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("CONNECT with Will QoS 3 is malformed [MQTT-3.1.2-14] [MQTT-3.1.2-12]") {
        const row rows[] = {
            {"3.1.1",
             "\x10\x11\x00\x04MQTT\x04\x1E\x00\x3C\x00\x00\x00\x01w\x00\x00"s,
             v311,
             malformed},
            {"5",
             "\x10\x13\x00\x04MQTT\x05\x1E\x00\x3C\x00\x00\x00\x00\x00\x01w\x00\x00"s,
             v5,
             malformed},
            {"with Will Retain (5)",
             "\x10\x13\x00\x04MQTT\x05\x3E\x00\x3C\x00\x00\x00\x00\x00\x01w\x00\x00"s,
             v5,
             malformed},
        };
        check_rows(std::begin(rows), std::end(rows));

        // Control: Will QoS 2 with Will Retain is a valid will.
        const auto bytes = "\x10\x13\x00\x04MQTT\x05\x36\x00\x3C\x00\x00\x00\x00\x00\x01w\x00\x00"s;
        const auto good = decode_connect(bytes, v5);
        REQUIRE(good.has_value());
        REQUIRE(good->will.has_value());
        CHECK(good->will->qos == qos::exactly_once);
        CHECK(good->will->retain);
        CHECK(good->will->topic == "w");
    }

    TEST_CASE("a password without a user name is a protocol error in 3.1.1 and 3.1 "
              "[MQTT-3.1.2-22]") {
        const row rows[] = {
            {"3.1.1",
             "\x10\x10\x00\x04MQTT\x04\x42\x00\x3C\x00\x00\x00\x02pw"s,
             v311,
             protocol_error},
            {"3.1",
             "\x10\x12\x00\x06MQIsdp\x03\x42\x00\x3C\x00\x00\x00\x02pw"s,
             v31,
             protocol_error},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("a password without a user name is allowed in 5.0 (3.1.2.9)") {
        const auto bytes = "\x10\x11\x00\x04MQTT\x05\x42\x00\x3C\x00\x00\x00\x00\x02pw"s;
        const auto p = decode_connect(bytes, v5);
        REQUIRE(p.has_value());
        CHECK_FALSE(p->username.has_value());
        REQUIRE(p->password.has_value());
        CHECK(*p->password == "pw");
    }

    TEST_CASE("CONNECT with a protocol name or level we do not speak is an unsupported "
              "protocol version [MQTT-3.1.2-1] [MQTT-3.1.2-2]") {
        const row rows[] = {
            {"name MQTX, level 4",
             "\x10\x0C\x00\x04MQTX\x04\x02\x00\x3C\x00\x00"s,
             v311,
             reason_code::unsupported_protocol_version},
            {"name in lower case, level 4",
             "\x10\x0C\x00\x04mqtt\x04\x02\x00\x3C\x00\x00"s,
             v311,
             reason_code::unsupported_protocol_version},
            {"name MQTT, level 6",
             "\x10\x0D\x00\x04MQTT\x06\x02\x00\x3C\x00\x00\x00"s,
             v5,
             reason_code::unsupported_protocol_version},
            {"name MQTT, level 0",
             "\x10\x0C\x00\x04MQTT\x00\x02\x00\x3C\x00\x00"s,
             v311,
             reason_code::unsupported_protocol_version},
            {"name MQTT, level 2",
             "\x10\x0C\x00\x04MQTT\x02\x02\x00\x3C\x00\x00"s,
             v311,
             reason_code::unsupported_protocol_version},
            {"name MQIsdp, level 5",
             "\x10\x0F\x00\x06MQIsdp\x05\x02\x00\x3C\x00\x00\x00"s,
             v5,
             reason_code::unsupported_protocol_version},
            {"name MQIsdp, level 4",
             "\x10\x0E\x00\x06MQIsdp\x04\x02\x00\x3C\x00\x00"s,
             v311,
             reason_code::unsupported_protocol_version},
            {"name MQTT, level 3",
             "\x10\x0C\x00\x04MQTT\x03\x02\x00\x3C\x00\x00"s,
             v31,
             reason_code::unsupported_protocol_version},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("CONNECT names its own version: the connection's version is ignored") {
        const auto bytes31 = "\x10\x0E\x00\x06MQIsdp\x03\x02\x00\x3C\x00\x00"s;
        const auto p31 = decode_connect(bytes31, v5);
        REQUIRE(p31.has_value());
        CHECK(p31->version == v31);
        const auto bytes311 = "\x10\x0C\x00\x04MQTT\x04\x02\x00\x3C\x00\x00"s;
        const auto p311 = decode_connect(bytes311, v5);
        REQUIRE(p311.has_value());
        CHECK(p311->version == v311);
        const auto bytes5 = "\x10\x0D\x00\x04MQTT\x05\x02\x00\x3C\x00\x00\x00"s;
        const auto p5 = decode_connect(bytes5, v311);
        REQUIRE(p5.has_value());
        CHECK(p5->version == v5);
    }

    TEST_CASE("CONNACK with acknowledge-flag bits 7-1 set is malformed [MQTT-3.2.2-1]") {
        const row rows[] = {
            {"bit 1 (3.1.1)", "\x20\x02\x02\x00"s, v311, malformed},
            {"bit 7 (3.1.1)", "\x20\x02\x80\x00"s, v311, malformed},
            {"bit 1 (5)", "\x20\x03\x02\x00\x00"s, v5, malformed},
            {"bits 7-0 (5)", "\x20\x03\xFF\x00\x00"s, v5, malformed},
        };
        check_rows(std::begin(rows), std::end(rows));
    }

    TEST_CASE("3.1.1 CONNACK with a return code above 5 is malformed") {
        const row rows[] = {
            {"return code 6", "\x20\x02\x00\x06"s, v311, malformed},
            {"return code 0x80", "\x20\x02\x00\x80"s, v311, malformed},
            {"return code 6 (3.1)", "\x20\x02\x00\x06"s, v31, malformed},
        };
        check_rows(std::begin(rows), std::end(rows));

        // Control: return code 5 is Not Authorized.
        const auto bytes = "\x20\x02\x00\x05"s;
        const auto result = decode(bytes, v311);
        REQUIRE(result.has_value());
        const auto* p = std::get_if<connack>(&*result);
        REQUIRE(p != nullptr);
        CHECK(p->reason == reason_code::not_authorized);
    }

    TEST_CASE("peek_connect_version reads the level of a CONNECT of each version") {
        CHECK(version_name(peek_connect_version(
                  "\x10\x0E\x00\x06MQIsdp\x03\x02\x00\x3C\x00\x00"s)) == version_name(v31));
        CHECK(version_name(peek_connect_version("\x10\x0C\x00\x04MQTT\x04\x02\x00\x3C\x00\x00"s)) ==
              version_name(v311));
        CHECK(version_name(peek_connect_version(
                  "\x10\x0D\x00\x04MQTT\x05\x02\x00\x3C\x00\x00\x00"s)) == version_name(v5));
    }

    TEST_CASE("peek_connect_version reports the version of a CONNECT malformed after the level") {
        // Its purpose: answering a bad CONNECT in the client's own version.
        CHECK(version_name(peek_connect_version("\x10\x0C\x00\x04MQTT\x04\x03\x00\x3C\x00\x00"s)) ==
              version_name(v311));
        CHECK(version_name(peek_connect_version(
                  "\x10\x0D\x00\x04MQTT\x05\x1E\x00\x3C\x00\x00\x00"s)) == version_name(v5));
    }

    TEST_CASE("peek_connect_version gives nullopt for anything but a CONNECT of level 3-5") {
        const std::string nothing = version_name(std::nullopt);
        CHECK(version_name(peek_connect_version(""s)) == nothing);
        CHECK(version_name(peek_connect_version("\x30\x03\x00\x01t"s)) == nothing);
        CHECK(version_name(peek_connect_version("\xC0\x00"s)) == nothing);
        CHECK(version_name(peek_connect_version("\x20\x0C\x00\x04MQTT\x04\x02\x00\x3C\x00\x00"s)) ==
              nothing);
        // Truncated before the level byte.
        CHECK(version_name(peek_connect_version("\x10\x0C\x00\x04MQ"s)) == nothing);
        CHECK(version_name(peek_connect_version("\x10\x0C\x00\x04MQTT"s)) == nothing);
        CHECK(version_name(peek_connect_version("\x10"s)) == nothing);
        // Level 6, and levels 0 and 2.
        CHECK(version_name(peek_connect_version(
                  "\x10\x0D\x00\x04MQTT\x06\x02\x00\x3C\x00\x00\x00"s)) == nothing);
        CHECK(version_name(peek_connect_version("\x10\x0C\x00\x04MQTT\x00\x02\x00\x3C\x00\x00"s)) ==
              nothing);
        CHECK(version_name(peek_connect_version("\x10\x0C\x00\x04MQTT\x02\x02\x00\x3C\x00\x00"s)) ==
              nothing);
    }
}

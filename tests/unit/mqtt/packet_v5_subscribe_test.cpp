// Exact wire bytes of MQTT 5.0 SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK, with
// subscription options and reason codes.
#include "codec_test_support.hpp"

#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/types.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace emqx::mqtt;
using namespace std::string_literals;
using emqx::mqtt::test::check_encodes_as;
using emqx::mqtt::test::check_round_trip;
using emqx::mqtt::test::make_subscription;

namespace {

constexpr auto v5 = protocol_version::v5;

} // namespace

TEST_SUITE("mqtt::packet_v5") {
    TEST_CASE("SUBSCRIBE with a subscription identifier, a user property and several "
              "filters [MQTT-3.8.1-1]") {
        subscribe expected{
            10,
            {},
            {make_subscription("a/+", qos::at_least_once),
             make_subscription(
                 "b/#", qos::exactly_once, true, true, retain_handling::send_if_new_subscription),
             make_subscription("c", qos::at_most_once, false, false, retain_handling::do_not_send),
             make_subscription("$share/g/d", qos::at_least_once)}};
        expected.props.subscription_identifiers = {5};
        expected.props.user_properties = {{"k", "v"}};
        check_round_trip("\x82\x29\x00\x0A"
                         "\x09"     // property length 9
                         "\x0B\x05" // subscription identifier 5
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "v"
                         "\x00\x03"
                         "a/+"
                         "\x01" // QoS 1
                         "\x00\x03"
                         "b/#"
                         "\x1E" // QoS 2, no local, retain as published, retain handling 1
                         "\x00\x01"
                         "c"
                         "\x20" // QoS 0, retain handling 2
                         "\x00\x0A"
                         "$share/g/d"
                         "\x01"s,
                         expected,
                         v5);
    }

    TEST_CASE("SUBSCRIBE options byte: QoS in bits 0-1, No Local bit 2, Retain As Published "
              "bit 3, Retain Handling bits 4-5 (3.8.3.1)") {
        struct row {
            char options;
            subscription expected;
        };
        const row rows[] = {
            {'\x00', make_subscription("t", qos::at_most_once)},
            {'\x01', make_subscription("t", qos::at_least_once)},
            {'\x02', make_subscription("t", qos::exactly_once)},
            {'\x04', make_subscription("t", qos::at_most_once, true)},
            {'\x08', make_subscription("t", qos::at_most_once, false, true)},
            {'\x10',
             make_subscription(
                 "t", qos::at_most_once, false, false, retain_handling::send_if_new_subscription)},
            {'\x20',
             make_subscription("t", qos::at_most_once, false, false, retain_handling::do_not_send)},
            {'\x1D',
             make_subscription(
                 "t", qos::at_least_once, true, true, retain_handling::send_if_new_subscription)},
            {'\x2E',
             make_subscription("t", qos::exactly_once, true, true, retain_handling::do_not_send)},
        };
        for (const auto& r : rows) {
            CAPTURE(static_cast<int>(r.options));
            check_round_trip("\x82\x07\x00\x01\x00\x00\x01"
                             "t"s +
                                 r.options,
                             subscribe{1, {}, {r.expected}},
                             v5);
        }
    }

    TEST_CASE("SUBSCRIBE with the largest subscription identifier") {
        subscribe expected{1, {}, {make_subscription("t", qos::at_most_once)}};
        expected.props.subscription_identifiers = {268'435'455};
        check_round_trip("\x82\x0C\x00\x01\x05\x0B\xFF\xFF\xFF\x7F\x00\x01"
                         "t"
                         "\x00"s,
                         expected,
                         v5);
    }

    TEST_CASE("SUBSCRIBE properties in non-ascending order decode to the same value") {
        subscribe expected{1, {}, {make_subscription("t", qos::at_most_once)}};
        expected.props.subscription_identifiers = {5};
        expected.props.user_properties = {{"k", "v"}};
        check_encodes_as("\x82\x10\x00\x01\x09\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "v"
                         "\x0B\x05"
                         "\x00\x01"
                         "t"
                         "\x00"s,
                         expected,
                         "\x82\x10\x00\x01\x09\x0B\x05\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "v"
                         "\x00\x01"
                         "t"
                         "\x00"s,
                         v5);
    }

    TEST_CASE("SUBACK with every reason code the spec lists for it (3.9.3)") {
        check_round_trip("\x90\x0F\x00\x0A\x00"
                         "\x00\x01\x02\x80\x83\x87\x8F\x91\x97\x9E\xA1\xA2"s,
                         suback{10,
                                {},
                                {reason_code::success,
                                 reason_code::granted_qos_1,
                                 reason_code::granted_qos_2,
                                 reason_code::unspecified_error,
                                 reason_code::implementation_specific_error,
                                 reason_code::not_authorized,
                                 reason_code::topic_filter_invalid,
                                 reason_code::packet_identifier_in_use,
                                 reason_code::quota_exceeded,
                                 reason_code::shared_subscriptions_not_supported,
                                 reason_code::subscription_identifiers_not_supported,
                                 reason_code::wildcard_subscriptions_not_supported}},
                         v5);
    }

    TEST_CASE("SUBACK with a reason string and a user property") {
        suback expected{10, {}, {reason_code::granted_qos_1, reason_code::topic_filter_invalid}};
        expected.props.reason_string = "no";
        expected.props.user_properties = {{"k", "v"}};
        check_round_trip("\x90\x11\x00\x0A\x0C\x1F\x00\x02"
                         "no"
                         "\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "v"
                         "\x01\x8F"s,
                         expected,
                         v5);
    }

    TEST_CASE("UNSUBSCRIBE without properties [MQTT-3.10.1-1]") {
        check_round_trip("\xA2\x0A\x00\x0B\x00\x00\x05"
                         "x/y/z"s,
                         unsubscribe{11, {}, {"x/y/z"}},
                         v5);
    }

    TEST_CASE("UNSUBSCRIBE with a user property and several filters") {
        unsubscribe expected{11, {}, {"a/b", "$share/g/c"}};
        expected.props.user_properties = {{"k", "v"}};
        check_round_trip("\xA2\x1B\x00\x0B\x07\x26\x00\x01"
                         "k"
                         "\x00\x01"
                         "v"
                         "\x00\x03"
                         "a/b"
                         "\x00\x0A"
                         "$share/g/c"s,
                         expected,
                         v5);
    }

    TEST_CASE("UNSUBACK with every reason code the spec lists for it (3.11.3)") {
        check_round_trip("\xB0\x0A\x00\x0B\x00"
                         "\x00\x11\x80\x83\x87\x8F\x91"s,
                         unsuback{11,
                                  {},
                                  {reason_code::success,
                                   reason_code::no_subscription_existed,
                                   reason_code::unspecified_error,
                                   reason_code::implementation_specific_error,
                                   reason_code::not_authorized,
                                   reason_code::topic_filter_invalid,
                                   reason_code::packet_identifier_in_use}},
                         v5);
    }

    TEST_CASE("UNSUBACK with a reason string") {
        unsuback expected{11, {}, {reason_code::no_subscription_existed}};
        expected.props.reason_string = "ok";
        check_round_trip("\xB0\x09\x00\x0B\x05\x1F\x00\x02"
                         "ok"
                         "\x11"s,
                         expected,
                         v5);
    }
}

// Names of packet types and reason codes, which reason codes each packet may carry, and the
// mapping to MQTT 3.1.1 CONNACK return codes.
#include <emqx/mqtt/reason_code.hpp>

#include <algorithm>
#include <array>
#include <initializer_list>

namespace emqx::mqtt {

std::string_view packet_type_name(packet_type type) noexcept {
    static constexpr std::array<std::string_view, 16> names{
        "reserved", "connect", "connack", "publish", "puback", "pubrec",
        "pubrel", "pubcomp", "subscribe", "suback", "unsubscribe", "unsuback",
        "pingreq", "pingresp", "disconnect", "auth"};
    const auto index = static_cast<std::size_t>(type);
    return index < names.size() ? names[index] : "reserved";
}

std::string_view reason_code_name(reason_code code) noexcept {
    using enum reason_code;
    switch (code) {
    case success: return "success";
    case granted_qos_1: return "granted_qos_1";
    case granted_qos_2: return "granted_qos_2";
    case disconnect_with_will_message: return "disconnect_with_will_message";
    case no_matching_subscribers: return "no_matching_subscribers";
    case no_subscription_existed: return "no_subscription_existed";
    case continue_authentication: return "continue_authentication";
    case re_authenticate: return "re_authenticate";
    case unspecified_error: return "unspecified_error";
    case malformed_packet: return "malformed_packet";
    case protocol_error: return "protocol_error";
    case implementation_specific_error: return "implementation_specific_error";
    case unsupported_protocol_version: return "unsupported_protocol_version";
    case client_identifier_not_valid: return "client_identifier_not_valid";
    case bad_user_name_or_password: return "bad_user_name_or_password";
    case not_authorized: return "not_authorized";
    case server_unavailable: return "server_unavailable";
    case server_busy: return "server_busy";
    case banned: return "banned";
    case server_shutting_down: return "server_shutting_down";
    case bad_authentication_method: return "bad_authentication_method";
    case keep_alive_timeout: return "keep_alive_timeout";
    case session_taken_over: return "session_taken_over";
    case topic_filter_invalid: return "topic_filter_invalid";
    case topic_name_invalid: return "topic_name_invalid";
    case packet_identifier_in_use: return "packet_identifier_in_use";
    case packet_identifier_not_found: return "packet_identifier_not_found";
    case receive_maximum_exceeded: return "receive_maximum_exceeded";
    case topic_alias_invalid: return "topic_alias_invalid";
    case packet_too_large: return "packet_too_large";
    case message_rate_too_high: return "message_rate_too_high";
    case quota_exceeded: return "quota_exceeded";
    case administrative_action: return "administrative_action";
    case payload_format_invalid: return "payload_format_invalid";
    case retain_not_supported: return "retain_not_supported";
    case qos_not_supported: return "qos_not_supported";
    case use_another_server: return "use_another_server";
    case server_moved: return "server_moved";
    case shared_subscriptions_not_supported: return "shared_subscriptions_not_supported";
    case connection_rate_exceeded: return "connection_rate_exceeded";
    case maximum_connect_time: return "maximum_connect_time";
    case subscription_identifiers_not_supported: return "subscription_identifiers_not_supported";
    case wildcard_subscriptions_not_supported: return "wildcard_subscriptions_not_supported";
    }
    return "unknown";
}

namespace {

bool one_of(reason_code code, std::initializer_list<std::uint8_t> allowed) noexcept {
    return std::find(allowed.begin(), allowed.end(), static_cast<std::uint8_t>(code)) !=
           allowed.end();
}

} // namespace

bool is_valid_reason_for(packet_type type, reason_code code) noexcept {
    switch (type) {
    case packet_type::connack: // 3.2.2.2
        return one_of(code, {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
                             0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F});
    case packet_type::puback: // 3.4.2.1
    case packet_type::pubrec: // 3.5.2.1
        return one_of(code, {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99});
    case packet_type::pubrel:  // 3.6.2.1
    case packet_type::pubcomp: // 3.7.2.1
        return one_of(code, {0x00, 0x92});
    case packet_type::suback: // 3.9.3
        return one_of(code, {0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1,
                             0xA2});
    case packet_type::unsuback: // 3.11.3
        return one_of(code, {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91});
    case packet_type::disconnect: // 3.14.2.1
        return one_of(code, {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E,
                             0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B,
                             0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2});
    case packet_type::auth: // 3.15.2.1
        return one_of(code, {0x00, 0x18, 0x19});
    default:
        return false;
    }
}

std::uint8_t to_v3_connack_code(reason_code code) noexcept {
    switch (code) {
    case reason_code::success: return 0;
    case reason_code::unsupported_protocol_version: return 1;
    case reason_code::client_identifier_not_valid: return 2;
    case reason_code::bad_user_name_or_password: return 4;
    case reason_code::not_authorized:
    case reason_code::banned: return 5;
    default: return 3;
    }
}

std::optional<reason_code> from_v3_connack_code(std::uint8_t v3_code) noexcept {
    switch (v3_code) {
    case 0: return reason_code::success;
    case 1: return reason_code::unsupported_protocol_version;
    case 2: return reason_code::client_identifier_not_valid;
    case 3: return reason_code::server_unavailable;
    case 4: return reason_code::bad_user_name_or_password;
    case 5: return reason_code::not_authorized;
    default: return std::nullopt;
    }
}

} // namespace emqx::mqtt

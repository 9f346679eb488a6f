// MQTT 5.0 reason codes: the single vocabulary for success and failure in the codec and the
// broker. MQTT 3.1.1 return codes are mapped to and from these at the codec's edge.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <emqx/mqtt/types.hpp>

namespace emqx::mqtt {

/// The reason codes of MQTT 5.0, section 2.4. Several share a value (0x00 is Success, Normal
/// disconnection and Granted QoS 0); the names below use the generic one.
enum class reason_code : std::uint8_t {
    success = 0x00, ///< also normal_disconnection, granted_qos_0
    granted_qos_1 = 0x01,
    granted_qos_2 = 0x02,
    disconnect_with_will_message = 0x04,
    no_matching_subscribers = 0x10,
    no_subscription_existed = 0x11,
    continue_authentication = 0x18,
    re_authenticate = 0x19,
    unspecified_error = 0x80,
    malformed_packet = 0x81,
    protocol_error = 0x82,
    implementation_specific_error = 0x83,
    unsupported_protocol_version = 0x84,
    client_identifier_not_valid = 0x85,
    bad_user_name_or_password = 0x86,
    not_authorized = 0x87,
    server_unavailable = 0x88,
    server_busy = 0x89,
    banned = 0x8A,
    server_shutting_down = 0x8B,
    bad_authentication_method = 0x8C,
    keep_alive_timeout = 0x8D,
    session_taken_over = 0x8E,
    topic_filter_invalid = 0x8F,
    topic_name_invalid = 0x90,
    packet_identifier_in_use = 0x91,
    packet_identifier_not_found = 0x92,
    receive_maximum_exceeded = 0x93,
    topic_alias_invalid = 0x94,
    packet_too_large = 0x95,
    message_rate_too_high = 0x96,
    quota_exceeded = 0x97,
    administrative_action = 0x98,
    payload_format_invalid = 0x99,
    retain_not_supported = 0x9A,
    qos_not_supported = 0x9B,
    use_another_server = 0x9C,
    server_moved = 0x9D,
    shared_subscriptions_not_supported = 0x9E,
    connection_rate_exceeded = 0x9F,
    maximum_connect_time = 0xA0,
    subscription_identifiers_not_supported = 0xA1,
    wildcard_subscriptions_not_supported = 0xA2,
};

inline constexpr reason_code normal_disconnection = reason_code::success;
inline constexpr reason_code granted_qos_0 = reason_code::success;

/// True for 0x80 and above: the failure codes.
[[nodiscard]] constexpr bool is_failure(reason_code code) noexcept {
    return static_cast<std::uint8_t>(code) >= 0x80;
}

/// snake_case name for metric labels and logs ("malformed_packet"); "unknown" for values that
/// are not reason codes.
[[nodiscard]] std::string_view reason_code_name(reason_code code) noexcept;

/// True when `code` is one the MQTT 5.0 spec lists for packets of `type` (tables in 3.2.2.2,
/// 3.4.2.1, 3.5.2.1, 3.6.2.1, 3.7.2.1, 3.9.3, 3.11.3, 3.14.2.1, 3.15.2.1).
[[nodiscard]] bool is_valid_reason_for(packet_type type, reason_code code) noexcept;

/// MQTT 3.1.1 CONNACK return code (0-5) for a v5 reason code: 0x84 -> 1, 0x85 -> 2,
/// 0x86 -> 4, 0x87 and 0x8A (banned) -> 5, any other failure -> 3 (server unavailable).
[[nodiscard]] std::uint8_t to_v3_connack_code(reason_code code) noexcept;

/// The v5 reason code for an MQTT 3.1.1 CONNACK return code (the inverse of the above), or
/// nullopt when `v3_code` is above 5, which makes the CONNACK malformed.
[[nodiscard]] std::optional<reason_code> from_v3_connack_code(std::uint8_t v3_code) noexcept;

} // namespace emqx::mqtt

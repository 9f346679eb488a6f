// MQTT 5.0 properties (section 2.2.2): their identifiers, and one struct holding any set of
// them. Which packet may carry which property, and the value rules, are checked by decode.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace emqx::mqtt {

/// Property identifiers, MQTT 5.0 table 2-4.
enum class property_id : std::uint8_t {
    payload_format_indicator = 0x01,
    message_expiry_interval = 0x02,
    content_type = 0x03,
    response_topic = 0x08,
    correlation_data = 0x09,
    subscription_identifier = 0x0B,
    session_expiry_interval = 0x11,
    assigned_client_identifier = 0x12,
    server_keep_alive = 0x13,
    authentication_method = 0x15,
    authentication_data = 0x16,
    request_problem_information = 0x17,
    will_delay_interval = 0x18,
    request_response_information = 0x19,
    response_information = 0x1A,
    server_reference = 0x1C,
    reason_string = 0x1F,
    receive_maximum = 0x21,
    topic_alias_maximum = 0x22,
    topic_alias = 0x23,
    maximum_qos = 0x24,
    retain_available = 0x25,
    user_property = 0x26,
    maximum_packet_size = 0x27,
    wildcard_subscription_available = 0x28,
    subscription_identifier_available = 0x29,
    shared_subscription_available = 0x2A,
};

/// Where a property list sits: a packet type, or the Will Properties of a CONNECT.
enum class property_scope : std::uint8_t {
    connect = 1,
    connack = 2,
    publish = 3,
    puback = 4,
    pubrec = 5,
    pubrel = 6,
    pubcomp = 7,
    subscribe = 8,
    suback = 9,
    unsubscribe = 10,
    unsuback = 11,
    disconnect = 14,
    auth = 15,
    will = 16,
};

/// A user property: a name/value pair of UTF-8 strings. Order and duplicates are kept.
using user_property = std::pair<std::string_view, std::string_view>;

/// Any set of MQTT 5.0 properties. Absent properties are nullopt / empty. String and binary
/// values are views into the decoded buffer (or the caller's storage when encoding): they live
/// as long as those bytes. Binary values (correlation data, authentication data) are bytes
/// held in a string_view, not text.
struct properties {
    std::optional<std::uint8_t> payload_format_indicator;
    std::optional<std::uint32_t> message_expiry_interval;
    std::optional<std::string_view> content_type;
    std::optional<std::string_view> response_topic;
    std::optional<std::string_view> correlation_data; ///< binary
    /// One in SUBSCRIBE; one or more in a PUBLISH sent to a client [MQTT-3.3.4-4].
    std::vector<std::uint32_t> subscription_identifiers;
    std::optional<std::uint32_t> session_expiry_interval;
    std::optional<std::string_view> assigned_client_identifier;
    std::optional<std::uint16_t> server_keep_alive;
    std::optional<std::string_view> authentication_method;
    std::optional<std::string_view> authentication_data; ///< binary
    std::optional<std::uint8_t> request_problem_information;
    std::optional<std::uint32_t> will_delay_interval;
    std::optional<std::uint8_t> request_response_information;
    std::optional<std::string_view> response_information;
    std::optional<std::string_view> server_reference;
    std::optional<std::string_view> reason_string;
    std::optional<std::uint16_t> receive_maximum;
    std::optional<std::uint16_t> topic_alias_maximum;
    std::optional<std::uint16_t> topic_alias;
    std::optional<std::uint8_t> maximum_qos;
    std::optional<std::uint8_t> retain_available;
    std::vector<user_property> user_properties;
    std::optional<std::uint32_t> maximum_packet_size;
    std::optional<std::uint8_t> wildcard_subscription_available;
    std::optional<std::uint8_t> subscription_identifier_available;
    std::optional<std::uint8_t> shared_subscription_available;

    bool operator==(const properties&) const = default;
};

/// True when a property with this identifier may appear in `scope` (MQTT 5.0 table 2-4).
[[nodiscard]] bool is_allowed_in(property_id id, property_scope scope) noexcept;

} // namespace emqx::mqtt

// The small enums every MQTT packet is built from: protocol version, packet type, QoS.
#pragma once

#include <cstdint>
#include <string_view>

namespace emqx::mqtt {

/// The Protocol Level byte of CONNECT. 3 is MQTT 3.1 ("MQIsdp"), still sent by old clients;
/// it is decoded and encoded exactly like 3.1.1 apart from the protocol name.
enum class protocol_version : std::uint8_t {
    v3_1 = 3,
    v3_1_1 = 4,
    v5 = 5,
};

/// "3.1", "3.1.1" or "5.0": the name people use, for logs and APIs.
[[nodiscard]] constexpr std::string_view protocol_version_name(protocol_version version) noexcept {
    switch (version) {
    case protocol_version::v3_1: return "3.1";
    case protocol_version::v3_1_1: return "3.1.1";
    case protocol_version::v5: return "5.0";
    }
    return "unknown";
}

/// True for MQTT 5.0, the only version with properties and reason codes on the wire.
[[nodiscard]] constexpr bool has_properties(protocol_version version) noexcept {
    return version == protocol_version::v5;
}

/// The packet type, the high nibble of the fixed header. 0 is reserved (never valid).
enum class packet_type : std::uint8_t {
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
    pingreq = 12,
    pingresp = 13,
    disconnect = 14,
    auth = 15, ///< MQTT 5.0 only
};

/// Lower-case name as used in metric labels: "connect", "publish", ...; "reserved" for 0.
[[nodiscard]] std::string_view packet_type_name(packet_type type) noexcept;

/// Quality of service. 3 is never valid on the wire [MQTT-3.3.1-4].
enum class qos : std::uint8_t {
    at_most_once = 0,
    at_least_once = 1,
    exactly_once = 2,
};

/// Retain Handling subscription option (MQTT 5.0, 3.8.3.1). 3 is a protocol error.
enum class retain_handling : std::uint8_t {
    send_on_subscribe = 0,
    send_if_new_subscription = 1,
    do_not_send = 2,
};

} // namespace emqx::mqtt

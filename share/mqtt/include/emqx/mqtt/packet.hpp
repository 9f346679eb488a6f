// The fifteen MQTT control packets as plain values, and `packet`, the variant of them all.
// One struct serves both protocol versions: fields that MQTT 3.1.1 lacks (properties, most
// reason codes) are simply not put on the wire for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <emqx/mqtt/properties.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>

namespace emqx::mqtt {

// String and binary fields are views: into the buffer given to decode(), or into the caller's
// storage when encoding. A decoded packet lives no longer than the bytes it was decoded from.

/// The Will Message of a CONNECT (3.1.2.5, 3.1.3.2-3.1.3.4).
struct will_message {
    std::string_view topic;
    std::string_view payload; ///< binary
    mqtt::qos qos = mqtt::qos::at_most_once;
    bool retain = false;
    properties props; ///< Will Properties, v5 only

    bool operator==(const will_message&) const = default;
};

struct connect {
    /// Taken from the Protocol Level byte; encode() writes the name that goes with it
    /// ("MQIsdp" for 3.1, "MQTT" otherwise).
    protocol_version version = protocol_version::v5;
    /// Clean Start (v5) or Clean Session (3.1.1).
    bool clean_start = true;
    std::uint16_t keep_alive = 0;
    std::string_view client_id;
    std::optional<will_message> will;
    std::optional<std::string_view> username;
    std::optional<std::string_view> password; ///< binary
    properties props;

    bool operator==(const connect&) const = default;
};

struct connack {
    bool session_present = false;
    /// v5 reason code; for 3.1.1 it is mapped to the return codes 0-5 (see reason_code.hpp).
    reason_code reason = reason_code::success;
    properties props;

    bool operator==(const connack&) const = default;
};

struct publish {
    bool dup = false;
    mqtt::qos qos = mqtt::qos::at_most_once;
    bool retain = false;
    /// May be empty in v5 when props.topic_alias is set (3.3.2.1, 3.3.2.3.4).
    std::string_view topic;
    /// Present on the wire only for QoS 1 and 2; then never 0 [MQTT-2.2.1-3].
    std::uint16_t packet_id = 0;
    properties props;
    std::string_view payload; ///< binary

    bool operator==(const publish&) const = default;
};

/// PUBACK, PUBREC, PUBREL and PUBCOMP share one shape: a packet id, and in v5 a reason code
/// and properties (both omitted on the wire when the reason is 0 and there are no properties).
template <packet_type Type>
struct basic_ack {
    static constexpr packet_type type = Type;
    std::uint16_t packet_id = 0;
    reason_code reason = reason_code::success;
    properties props;

    bool operator==(const basic_ack&) const = default;
};

using puback = basic_ack<packet_type::puback>;
using pubrec = basic_ack<packet_type::pubrec>;
using pubrel = basic_ack<packet_type::pubrel>;
using pubcomp = basic_ack<packet_type::pubcomp>;

/// Subscription Options (3.8.3.1). In 3.1.1 only max_qos exists on the wire.
struct subscribe_options {
    mqtt::qos max_qos = mqtt::qos::at_most_once;
    bool no_local = false;
    bool retain_as_published = false;
    mqtt::retain_handling retain_handling = mqtt::retain_handling::send_on_subscribe;

    bool operator==(const subscribe_options&) const = default;
};

/// One entry of a SUBSCRIBE payload. The filter's syntax is not checked by decode (the
/// broker answers a bad filter with SUBACK 0x8F); its UTF-8 is.
struct subscription {
    std::string_view filter;
    subscribe_options options;

    bool operator==(const subscription&) const = default;
};

struct subscribe {
    std::uint16_t packet_id = 0;
    properties props;
    std::vector<subscription> subscriptions; ///< never empty [MQTT-3.8.3-3]

    bool operator==(const subscribe&) const = default;
};

struct suback {
    std::uint16_t packet_id = 0;
    properties props;
    /// One per subscription. 3.1.1 knows 0x00, 0x01, 0x02 and 0x80 only: any failure is sent
    /// as 0x80 there.
    std::vector<reason_code> reasons;

    bool operator==(const suback&) const = default;
};

struct unsubscribe {
    std::uint16_t packet_id = 0;
    properties props;
    std::vector<std::string_view> filters; ///< never empty [MQTT-3.10.3-2]

    bool operator==(const unsubscribe&) const = default;
};

struct unsuback {
    std::uint16_t packet_id = 0;
    properties props;
    /// v5 only: one per filter. 3.1.1 UNSUBACK has no payload; decode leaves this empty.
    std::vector<reason_code> reasons;

    bool operator==(const unsuback&) const = default;
};

struct pingreq {
    bool operator==(const pingreq&) const = default;
};

struct pingresp {
    bool operator==(const pingresp&) const = default;
};

struct disconnect {
    /// v5 only on the wire; 3.1.1 DISCONNECT is two bytes and decodes as success.
    reason_code reason = reason_code::success;
    properties props;

    bool operator==(const disconnect&) const = default;
};

/// AUTH, MQTT 5.0 only.
struct auth {
    reason_code reason = reason_code::success;
    properties props;

    bool operator==(const auth&) const = default;
};

/// Any control packet. The alternatives are in packet_type order, so
/// `static_cast<packet_type>(p.index() + 1)` is the packet's type.
using packet = std::variant<connect,
                            connack,
                            publish,
                            puback,
                            pubrec,
                            pubrel,
                            pubcomp,
                            subscribe,
                            suback,
                            unsubscribe,
                            unsuback,
                            pingreq,
                            pingresp,
                            disconnect,
                            auth>;

/// The type of the packet held.
[[nodiscard]] inline packet_type type_of(const packet& p) noexcept {
    return static_cast<packet_type>(p.index() + 1);
}

namespace detail {

template <typename T, typename Variant>
struct index_in;

template <typename T, typename... Ts>
struct index_in<T, std::variant<Ts...>> {
    static constexpr std::size_t value = [] {
        std::size_t i = 0;
        // Counts the alternatives before T; && stops at the first match.
        (void)((std::is_same_v<T, Ts> ? false : (++i, true)) && ...);
        return i;
    }();
};

} // namespace detail

/// The packet type of a packet struct, at compile time: packet_type_of<publish> is publish.
template <typename T>
inline constexpr packet_type packet_type_of =
    static_cast<packet_type>(detail::index_in<T, packet>::value + 1);

} // namespace emqx::mqtt

// Turning the bytes of one packet into a packet value, with every rule of MQTT 3.1.1 and 5.0
// that can be checked without connection state.
#pragma once

#include <optional>
#include <string_view>

#include <emqx/base/expected.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>

namespace emqx::mqtt {

using decode_result = emqx::expected<packet, reason_code>;

/// Decodes exactly one packet: `bytes` is the whole packet as split_packet() delimited it.
/// `version` is the connection's protocol version; for CONNECT it is ignored (the packet names
/// its own). The result's views point into `bytes`.
///
/// Failure is a reason code, never an exception for bad input:
/// - malformed_packet (0x81): the bytes cannot be parsed: bad fixed-header flags, lengths that
///   run past the packet or leave bytes over, ill-formed UTF-8 or U+0000 [MQTT-1.5.4-1/2], a
///   property not allowed in the packet, QoS 3, reserved bits set, AUTH before v5;
/// - protocol_error (0x82): parsed, but not allowed: a property given twice, a property value
///   out of range (Receive Maximum 0, Maximum Packet Size 0, Subscription Identifier 0, ...),
///   packet id 0 where one is required, an empty SUBSCRIBE/UNSUBSCRIBE, a reason code not
///   defined for the packet, password without user name in 3.1.1;
/// - topic_name_invalid (0x90): a wildcard in a PUBLISH or Will topic [MQTT-3.3.2-2];
/// - topic_alias_invalid (0x94): Topic Alias 0;
/// - unsupported_protocol_version (0x84): CONNECT with a protocol name or level we do not
///   speak.
/// Never allocates in proportion to a declared length: only to what is present.
[[nodiscard]] decode_result decode(std::string_view bytes, protocol_version version);

/// The protocol version a CONNECT packet declares, read without decoding the rest, so that a
/// server can answer a bad CONNECT in the client's own version. nullopt when `bytes` is not a
/// CONNECT or the level is not 3, 4 or 5.
[[nodiscard]] std::optional<protocol_version> peek_connect_version(std::string_view bytes) noexcept;

} // namespace emqx::mqtt

// Turning packet values into bytes, for either protocol version.
#pragma once

#include <string>

#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>

namespace emqx::mqtt {

/// Appends the wire form of `p` in `version` to `out` and returns success. Lengths are written
/// minimally [MQTT-1.5.5-1]; in v5 the reason code and property length are left out where
/// the spec allows (reason 0x00 and no properties). Fields a version lacks are not written.
///
/// Returns a failure, and leaves `out` as it was, when the packet cannot be represented:
/// malformed_packet for a string or binary field over 65,535 bytes, packet_too_large when the
/// Remaining Length would exceed 268,435,455, protocol_error for AUTH before v5 or a
/// SUBSCRIBE/UNSUBSCRIBE without entries. It does not re-check everything decode() checks:
/// what it is given is what it writes.
[[nodiscard]] reason_code encode(const packet& p, protocol_version version, std::string& out);

// The same for one packet type, without building a variant (the broker's hot path).
[[nodiscard]] reason_code encode(const connect& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const connack& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const publish& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const puback& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const pubrec& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const pubrel& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const pubcomp& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const subscribe& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const suback& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const unsubscribe& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const unsuback& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const pingreq& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const pingresp& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const disconnect& p, protocol_version version, std::string& out);
[[nodiscard]] reason_code encode(const auth& p, protocol_version version, std::string& out);

} // namespace emqx::mqtt

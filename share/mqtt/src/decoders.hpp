// The per-packet decoders that decode() dispatches to. Each gets a reader over the packet's
// variable header and payload, positioned after the fixed header, whose flags were already
// checked (PUBLISH excepted: its flags carry meaning and are passed in).
#pragma once

#include "reader.hpp"

#include <emqx/mqtt/decode.hpp>

#include <cstdint>

namespace emqx::mqtt::detail {

[[nodiscard]] decode_result decode_connect(reader& in);
[[nodiscard]] decode_result decode_connack(reader& in, protocol_version version);
[[nodiscard]] decode_result decode_publish(reader& in, std::uint8_t flags, protocol_version version);
[[nodiscard]] decode_result decode_ack(reader& in, packet_type type, protocol_version version);
[[nodiscard]] decode_result decode_subscribe(reader& in, protocol_version version);
[[nodiscard]] decode_result decode_suback(reader& in, protocol_version version);
[[nodiscard]] decode_result decode_unsubscribe(reader& in, protocol_version version);
[[nodiscard]] decode_result decode_unsuback(reader& in, protocol_version version);
[[nodiscard]] decode_result decode_disconnect(reader& in, protocol_version version);
[[nodiscard]] decode_result decode_auth(reader& in);

/// The failure a decoder returns: a reason code as an unexpected decode_result.
[[nodiscard]] inline decode_result failure(reason_code code) {
    return emqx::unexpected{code};
}

/// The Packet Identifier of packets that need one: 0 is a protocol error [MQTT-2.2.1-3];
/// a missing one makes the reader fail.
[[nodiscard]] inline reason_code read_packet_id(reader& in, std::uint16_t& id) noexcept {
    id = in.u16();
    if (!in.ok()) {
        return reason_code::malformed_packet;
    }
    return id == 0 ? reason_code::protocol_error : reason_code::success;
}

} // namespace emqx::mqtt::detail

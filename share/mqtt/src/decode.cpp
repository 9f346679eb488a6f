// decode(): the fixed header (2.1), its flag rules, and dispatch to the per-packet decoders.
#include "decoders.hpp"

#include <emqx/mqtt/vbi.hpp>

namespace emqx::mqtt {

namespace {

// [MQTT-2.2.2-1], [MQTT-2.2.2-2]: every type but PUBLISH has fixed flags; PUBREL, SUBSCRIBE
// and UNSUBSCRIBE 0b0010 ([MQTT-3.6.1-1], [MQTT-3.8.1-1], [MQTT-3.10.1-1]), the others 0.
constexpr std::uint8_t required_flags(packet_type type) noexcept {
    switch (type) {
    case packet_type::pubrel:
    case packet_type::subscribe:
    case packet_type::unsubscribe: return 0b0010;
    default: return 0;
    }
}

decode_result decode_empty(detail::reader& in, packet v) {
    if (!in.at_end()) {
        return detail::failure(reason_code::malformed_packet);
    }
    return v;
}

decode_result dispatch(detail::reader& in, packet_type type, std::uint8_t flags,
                       protocol_version version) {
    using namespace detail;
    switch (type) {
    case packet_type::connect: return decode_connect(in);
    case packet_type::connack: return decode_connack(in, version);
    case packet_type::publish: return decode_publish(in, flags, version);
    case packet_type::puback:
    case packet_type::pubrec:
    case packet_type::pubrel:
    case packet_type::pubcomp: return decode_ack(in, type, version);
    case packet_type::subscribe: return decode_subscribe(in, version);
    case packet_type::suback: return decode_suback(in, version);
    case packet_type::unsubscribe: return decode_unsubscribe(in, version);
    case packet_type::unsuback: return decode_unsuback(in, version);
    case packet_type::pingreq: return decode_empty(in, pingreq{});
    case packet_type::pingresp: return decode_empty(in, pingresp{});
    case packet_type::disconnect: return decode_disconnect(in, version);
    case packet_type::auth: return decode_auth(in);
    }
    return failure(reason_code::malformed_packet);
}

} // namespace

decode_result decode(std::string_view bytes, protocol_version version) {
    if (bytes.empty()) {
        return detail::failure(reason_code::malformed_packet);
    }
    const auto first = static_cast<std::uint8_t>(bytes[0]);
    const auto type = static_cast<packet_type>(first >> 4U);
    const auto flags = static_cast<std::uint8_t>(first & 0x0FU);
    const vbi_result length = read_vbi(bytes.substr(1));
    if (length.status != vbi_status::ok || 1 + length.length + length.value != bytes.size()) {
        return detail::failure(reason_code::malformed_packet);
    }
    // Type 0 is reserved; AUTH exists only in MQTT 5.0 (2.1.2).
    if (first >> 4U == 0 || (type == packet_type::auth && version != protocol_version::v5)) {
        return detail::failure(reason_code::malformed_packet);
    }
    if (type != packet_type::publish && flags != required_flags(type)) {
        return detail::failure(reason_code::malformed_packet);
    }
    detail::reader in{bytes.substr(1 + length.length)};
    return dispatch(in, type, flags, version);
}

} // namespace emqx::mqtt

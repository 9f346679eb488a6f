// encode() of the variant, and of the packets with no or optional body: PINGREQ, PINGRESP,
// DISCONNECT (3.14), AUTH (3.15).
#include "encoders.hpp"
#include "properties_codec.hpp"

#include <emqx/mqtt/encode.hpp>

namespace emqx::mqtt {

namespace {

// v5 3.14.2.1, 3.15.2.1: an empty body for reason 0x00 without properties, one byte for a
// reason without properties, else reason + properties.
template <typename Packet>
reason_code encode_reason_and_properties(const Packet& p, packet_type type, std::string& out) {
    using namespace detail;
    const bool with_props = !empty(p.props);
    const bool with_reason = with_props || p.reason != reason_code::success;
    sizer size;
    size.add(with_reason ? 1 : 0);
    if (with_props) {
        add_properties(size, p.props);
    }
    return emit(out, first_byte(type), size, [&](std::string& o) {
        if (with_reason) {
            append_u8(o, static_cast<std::uint8_t>(p.reason));
        }
        if (with_props) {
            append_properties(o, p.props);
        }
    });
}

reason_code encode_empty(packet_type type, std::string& out) {
    return detail::emit(out, detail::first_byte(type), detail::sizer{}, [](std::string&) {});
}

} // namespace

reason_code encode(const pingreq&, protocol_version, std::string& out) {
    return encode_empty(packet_type::pingreq, out);
}

reason_code encode(const pingresp&, protocol_version, std::string& out) {
    return encode_empty(packet_type::pingresp, out);
}

reason_code encode(const disconnect& p, protocol_version version, std::string& out) {
    if (!has_properties(version)) {
        return encode_empty(packet_type::disconnect, out);
    }
    return encode_reason_and_properties(p, packet_type::disconnect, out);
}

reason_code encode(const auth& p, protocol_version version, std::string& out) {
    if (!has_properties(version)) {
        return reason_code::protocol_error; // AUTH is MQTT 5.0 only (3.15)
    }
    return encode_reason_and_properties(p, packet_type::auth, out);
}

reason_code encode(const packet& p, protocol_version version, std::string& out) {
    return std::visit([&](const auto& value) { return encode(value, version, out); }, p);
}

} // namespace emqx::mqtt

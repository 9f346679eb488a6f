// Encoding PUBLISH (3.3) and PUBACK, PUBREC, PUBREL, PUBCOMP (3.4-3.7).
#include "encoders.hpp"
#include "properties_codec.hpp"

#include <emqx/mqtt/encode.hpp>

namespace emqx::mqtt {

namespace {

template <typename Ack>
reason_code encode_ack(const Ack& p, protocol_version version, std::string& out) {
    using namespace detail;
    // v5 3.4.2.1: leave out what the spec allows: the reason code when it is 0x00 and there
    // are no properties, the property length when there are none.
    const bool with_reason = has_properties(version) &&
                             (p.reason != reason_code::success || !empty(p.props));
    const bool with_props = with_reason && !empty(p.props);
    sizer size;
    size.add(with_reason ? 3 : 2);
    if (with_props) {
        add_properties(size, p.props);
    }
    const std::uint8_t flags = Ack::type == packet_type::pubrel ? 0b0010 : 0;
    return emit(out, first_byte(Ack::type, flags), size, [&](std::string& o) {
        append_u16(o, p.packet_id);
        if (with_reason) {
            append_u8(o, static_cast<std::uint8_t>(p.reason));
        }
        if (with_props) {
            append_properties(o, p.props);
        }
    });
}

} // namespace

reason_code encode(const publish& p, protocol_version version, std::string& out) {
    using namespace detail;
    const bool v5 = has_properties(version);
    const bool with_id = p.qos != mqtt::qos::at_most_once;
    sizer size;
    size.add_field(p.topic);
    size.add(with_id ? 2 : 0);
    if (v5) {
        add_properties(size, p.props);
    }
    size.add(p.payload.size());
    const auto flags = static_cast<std::uint8_t>((p.dup ? 0x08U : 0U) |
                                                 (static_cast<unsigned>(p.qos) << 1U) |
                                                 (p.retain ? 0x01U : 0U));
    return emit(out, first_byte(packet_type::publish, flags), size, [&](std::string& o) {
        append_field(o, p.topic);
        if (with_id) {
            append_u16(o, p.packet_id);
        }
        if (v5) {
            append_properties(o, p.props);
        }
        o.append(p.payload);
    });
}

reason_code encode(const puback& p, protocol_version version, std::string& out) {
    return encode_ack(p, version, out);
}

reason_code encode(const pubrec& p, protocol_version version, std::string& out) {
    return encode_ack(p, version, out);
}

reason_code encode(const pubrel& p, protocol_version version, std::string& out) {
    return encode_ack(p, version, out);
}

reason_code encode(const pubcomp& p, protocol_version version, std::string& out) {
    return encode_ack(p, version, out);
}

} // namespace emqx::mqtt

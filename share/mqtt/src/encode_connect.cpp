// Encoding CONNECT (3.1) and CONNACK (3.2).
#include "encoders.hpp"
#include "properties_codec.hpp"

#include <emqx/mqtt/encode.hpp>

namespace emqx::mqtt {

namespace {

std::uint8_t connect_flags(const connect& p) noexcept {
    unsigned bits = 0;
    bits |= p.username ? 0x80U : 0U;
    bits |= p.password ? 0x40U : 0U;
    if (p.will) {
        bits |= p.will->retain ? 0x20U : 0U;
        bits |= static_cast<unsigned>(p.will->qos) << 3U;
        bits |= 0x04U;
    }
    bits |= p.clean_start ? 0x02U : 0U;
    return static_cast<std::uint8_t>(bits);
}

} // namespace

// The version written is the packet's own (p.version), like decode() takes it from the packet;
// the argument is there for the uniform signature.
reason_code encode(const connect& p, protocol_version /*version*/, std::string& out) {
    using namespace detail;
    const bool v5 = has_properties(p.version);
    const std::string_view name = p.version == protocol_version::v3_1 ? "MQIsdp" : "MQTT";
    sizer size;
    size.add_field(name);
    size.add(4); // level, flags, keep alive
    if (v5) {
        add_properties(size, p.props);
    }
    size.add_field(p.client_id);
    if (p.will) {
        if (v5) {
            add_properties(size, p.will->props);
        }
        size.add_field(p.will->topic);
        size.add_field(p.will->payload);
    }
    if (p.username) {
        size.add_field(*p.username);
    }
    if (p.password) {
        size.add_field(*p.password);
    }
    return emit(out, first_byte(packet_type::connect), size, [&](std::string& o) {
        append_field(o, name);
        append_u8(o, static_cast<std::uint8_t>(p.version));
        append_u8(o, connect_flags(p));
        append_u16(o, p.keep_alive);
        if (v5) {
            append_properties(o, p.props);
        }
        append_field(o, p.client_id);
        if (p.will) {
            if (v5) {
                append_properties(o, p.will->props);
            }
            append_field(o, p.will->topic);
            append_field(o, p.will->payload);
        }
        if (p.username) {
            append_field(o, *p.username);
        }
        if (p.password) {
            append_field(o, *p.password);
        }
    });
}

reason_code encode(const connack& p, protocol_version version, std::string& out) {
    using namespace detail;
    const bool v5 = has_properties(version);
    sizer size;
    size.add(2);
    if (v5) {
        add_properties(size, p.props);
    }
    return emit(out, first_byte(packet_type::connack), size, [&](std::string& o) {
        append_u8(o, p.session_present ? 1 : 0);
        if (v5) {
            append_u8(o, static_cast<std::uint8_t>(p.reason));
            append_properties(o, p.props);
        } else {
            append_u8(o, to_v3_connack_code(p.reason));
        }
    });
}

} // namespace emqx::mqtt

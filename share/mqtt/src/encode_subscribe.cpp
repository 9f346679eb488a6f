// Encoding SUBSCRIBE (3.8), SUBACK (3.9), UNSUBSCRIBE (3.10) and UNSUBACK (3.11).
#include "encoders.hpp"
#include "properties_codec.hpp"

#include <emqx/mqtt/encode.hpp>

namespace emqx::mqtt {

namespace {

std::uint8_t options_byte(const subscribe_options& o, protocol_version version) noexcept {
    unsigned bits = static_cast<unsigned>(o.max_qos);
    if (has_properties(version)) {
        bits |= o.no_local ? 0x04U : 0U;
        bits |= o.retain_as_published ? 0x08U : 0U;
        bits |= static_cast<unsigned>(o.retain_handling) << 4U;
    }
    return static_cast<std::uint8_t>(bits);
}

// 3.1.1 SUBACK knows 0x00-0x02 and 0x80 only (3.9.3): every other code is a failure there.
std::uint8_t suback_byte(reason_code code, protocol_version version) noexcept {
    const auto value = static_cast<std::uint8_t>(code);
    return has_properties(version) || value <= 2 ? value : std::uint8_t{0x80};
}

// The packet id and, in v5, the properties that start all four packets.
void add_header(detail::sizer& size, const properties& props, protocol_version version) {
    size.add(2);
    if (has_properties(version)) {
        detail::add_properties(size, props);
    }
}

void append_header(std::string& out, std::uint16_t packet_id, const properties& props,
                   protocol_version version) {
    detail::append_u16(out, packet_id);
    if (has_properties(version)) {
        detail::append_properties(out, props);
    }
}

} // namespace

reason_code encode(const subscribe& p, protocol_version version, std::string& out) {
    using namespace detail;
    if (p.subscriptions.empty()) {
        return reason_code::protocol_error; // [MQTT-3.8.3-3]
    }
    sizer size;
    add_header(size, p.props, version);
    for (const subscription& s : p.subscriptions) {
        size.add_field(s.filter);
        size.add(1);
    }
    return emit(out, first_byte(packet_type::subscribe, 0b0010), size, [&](std::string& o) {
        append_header(o, p.packet_id, p.props, version);
        for (const subscription& s : p.subscriptions) {
            append_field(o, s.filter);
            append_u8(o, options_byte(s.options, version));
        }
    });
}

reason_code encode(const suback& p, protocol_version version, std::string& out) {
    using namespace detail;
    sizer size;
    add_header(size, p.props, version);
    size.add(p.reasons.size());
    return emit(out, first_byte(packet_type::suback), size, [&](std::string& o) {
        append_header(o, p.packet_id, p.props, version);
        for (const reason_code code : p.reasons) {
            append_u8(o, suback_byte(code, version));
        }
    });
}

reason_code encode(const unsubscribe& p, protocol_version version, std::string& out) {
    using namespace detail;
    if (p.filters.empty()) {
        return reason_code::protocol_error; // [MQTT-3.10.3-2]
    }
    sizer size;
    add_header(size, p.props, version);
    for (const std::string_view filter : p.filters) {
        size.add_field(filter);
    }
    return emit(out, first_byte(packet_type::unsubscribe, 0b0010), size, [&](std::string& o) {
        append_header(o, p.packet_id, p.props, version);
        for (const std::string_view filter : p.filters) {
            append_field(o, filter);
        }
    });
}

reason_code encode(const unsuback& p, protocol_version version, std::string& out) {
    using namespace detail;
    const bool v5 = has_properties(version);
    sizer size;
    add_header(size, p.props, version);
    size.add(v5 ? p.reasons.size() : 0);
    return emit(out, first_byte(packet_type::unsuback), size, [&](std::string& o) {
        append_header(o, p.packet_id, p.props, version);
        if (v5) {
            for (const reason_code code : p.reasons) {
                append_u8(o, static_cast<std::uint8_t>(code));
            }
        }
    });
}

} // namespace emqx::mqtt

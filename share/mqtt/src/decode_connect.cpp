// Decoding CONNECT (3.1) and CONNACK (3.2), and reading a CONNECT's version early.
#include "decoders.hpp"
#include "properties_codec.hpp"

#include <emqx/mqtt/topic.hpp>

namespace emqx::mqtt::detail {

namespace {

// The Connect Flags byte (3.1.2.3).
struct connect_flags {
    bool username = false;
    bool password = false;
    bool will_retain = false;
    std::uint8_t will_qos = 0;
    bool will = false;
    bool clean_start = false;
    bool reserved = false;

    explicit connect_flags(std::uint8_t bits) noexcept
        : username((bits & 0x80U) != 0),
          password((bits & 0x40U) != 0),
          will_retain((bits & 0x20U) != 0),
          will_qos(static_cast<std::uint8_t>((bits >> 3U) & 0x03U)),
          will((bits & 0x04U) != 0),
          clean_start((bits & 0x02U) != 0),
          reserved((bits & 0x01U) != 0) {}
};

// The version a Protocol Name and Level select, or nullopt for one we do not speak
// (3.1.2.1, 3.1.2.2; MQTT 3.1 named itself "MQIsdp").
std::optional<protocol_version> version_of(std::string_view name, std::uint8_t level) noexcept {
    if (level == 3 && name == "MQIsdp") {
        return protocol_version::v3_1;
    }
    if ((level == 4 || level == 5) && name == "MQTT") {
        return static_cast<protocol_version>(level);
    }
    return std::nullopt;
}

reason_code check_flags(const connect_flags& flags, protocol_version version) noexcept {
    if (flags.reserved) {
        return reason_code::malformed_packet; // [MQTT-3.1.2-3]
    }
    if (!flags.will && (flags.will_qos != 0 || flags.will_retain)) {
        return reason_code::malformed_packet; // [MQTT-3.1.2-11], [MQTT-3.1.2-13]
    }
    if (flags.will_qos == 3) {
        return reason_code::malformed_packet; // [MQTT-3.1.2-14]
    }
    if (version != protocol_version::v5 && flags.password && !flags.username) {
        return reason_code::protocol_error; // [MQTT-3.1.2-22] (3.1.1)
    }
    return reason_code::success;
}

reason_code read_will(reader& in, const connect_flags& flags, protocol_version version,
                      will_message& will) {
    will.qos = static_cast<mqtt::qos>(flags.will_qos);
    will.retain = flags.will_retain;
    if (has_properties(version)) {
        if (const auto rc = read_properties(in, property_scope::will, will.props);
            rc != reason_code::success) {
            return rc;
        }
    }
    will.topic = in.utf8();
    will.payload = in.binary();
    if (!in.ok()) {
        return reason_code::malformed_packet;
    }
    // [MQTT-3.1.3-11] a topic name: non-empty and without wildcards [MQTT-3.3.2-2].
    return is_valid_topic_name(will.topic) ? reason_code::success : reason_code::topic_name_invalid;
}

} // namespace

decode_result decode_connect(reader& in) {
    const std::string_view name = in.binary();
    const std::uint8_t level = in.u8();
    if (!in.ok()) {
        return failure(reason_code::malformed_packet);
    }
    const auto version = version_of(name, level);
    if (!version) {
        return failure(reason_code::unsupported_protocol_version);
    }
    const connect_flags flags{in.u8()};
    connect result;
    result.version = *version;
    result.clean_start = flags.clean_start;
    result.keep_alive = in.u16();
    if (!in.ok()) {
        return failure(reason_code::malformed_packet);
    }
    if (const auto rc = check_flags(flags, *version); rc != reason_code::success) {
        return failure(rc);
    }
    if (has_properties(*version)) {
        if (const auto rc = read_properties(in, property_scope::connect, result.props);
            rc != reason_code::success) {
            return failure(rc);
        }
    }
    result.client_id = in.utf8();
    if (flags.will) {
        if (const auto rc = read_will(in, flags, *version, result.will.emplace());
            rc != reason_code::success) {
            return failure(rc);
        }
    }
    if (flags.username) {
        result.username = in.utf8();
    }
    if (flags.password) {
        result.password = in.binary();
    }
    if (!in.ok() || !in.at_end()) {
        return failure(reason_code::malformed_packet);
    }
    return result;
}

decode_result decode_connack(reader& in, protocol_version version) {
    const std::uint8_t ack_flags = in.u8();
    const std::uint8_t code = in.u8();
    if (!in.ok() || (ack_flags & 0xFEU) != 0) {
        return failure(reason_code::malformed_packet); // [MQTT-3.2.2-1]
    }
    connack result;
    result.session_present = (ack_flags & 0x01U) != 0;
    if (!has_properties(version)) {
        const auto reason = from_v3_connack_code(code);
        if (!reason || !in.at_end()) {
            return failure(reason_code::malformed_packet);
        }
        result.reason = *reason;
        return result;
    }
    result.reason = static_cast<reason_code>(code);
    if (!is_valid_reason_for(packet_type::connack, result.reason)) {
        return failure(reason_code::protocol_error);
    }
    if (const auto rc = read_properties(in, property_scope::connack, result.props);
        rc != reason_code::success) {
        return failure(rc);
    }
    if (!in.at_end()) {
        return failure(reason_code::malformed_packet);
    }
    return result;
}

} // namespace emqx::mqtt::detail

namespace emqx::mqtt {

std::optional<protocol_version> peek_connect_version(std::string_view bytes) noexcept {
    if (bytes.empty() || static_cast<std::uint8_t>(bytes[0]) != 0x10) {
        return std::nullopt;
    }
    const vbi_result length = read_vbi(bytes.substr(1));
    if (length.status != vbi_status::ok) {
        return std::nullopt;
    }
    // The level alone decides: a client that sent a wrong name still gets its answer in the
    // version it speaks.
    detail::reader in{bytes.substr(1 + length.length)};
    in.binary();
    const std::uint8_t level = in.u8();
    if (!in.ok() || level < 3 || level > 5) {
        return std::nullopt;
    }
    return static_cast<protocol_version>(level);
}

} // namespace emqx::mqtt

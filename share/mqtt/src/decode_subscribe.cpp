// Decoding SUBSCRIBE (3.8), SUBACK (3.9), UNSUBSCRIBE (3.10) and UNSUBACK (3.11).
#include "decoders.hpp"
#include "properties_codec.hpp"

#include <emqx/mqtt/topic.hpp>

namespace emqx::mqtt::detail {

namespace {

// Subscription Options (3.8.3.1); in 3.1.1 only the Requested QoS byte.
reason_code read_options(std::uint8_t bits, protocol_version version, subscription& sub) {
    const std::uint8_t reserved = has_properties(version) ? 0xC0U : 0xFCU;
    if ((bits & reserved) != 0 || (bits & 0x03U) == 3) {
        return reason_code::malformed_packet; // [MQTT-3.8.3-5], [MQTT-3-8.3-4]
    }
    sub.options.max_qos = static_cast<mqtt::qos>(bits & 0x03U);
    sub.options.no_local = (bits & 0x04U) != 0;
    sub.options.retain_as_published = (bits & 0x08U) != 0;
    const auto handling = static_cast<std::uint8_t>((bits >> 4U) & 0x03U);
    if (handling == 3) {
        return reason_code::protocol_error; // 3.8.3.1
    }
    sub.options.retain_handling = static_cast<mqtt::retain_handling>(handling);
    if (sub.options.no_local && is_shared_filter(sub.filter)) {
        return reason_code::protocol_error; // [MQTT-3.8.3-4]
    }
    return reason_code::success;
}

// The packet id and, in v5, the properties that start all four packets.
reason_code read_header(reader& in, protocol_version version, property_scope scope,
                        std::uint16_t& packet_id, properties& props) {
    if (const auto rc = read_packet_id(in, packet_id); rc != reason_code::success) {
        return rc;
    }
    if (has_properties(version)) {
        return read_properties(in, scope, props);
    }
    return reason_code::success;
}

// The Reason Codes payload of SUBACK and UNSUBACK.
reason_code read_reasons(reader& in, packet_type type, protocol_version version,
                         std::vector<reason_code>& reasons) {
    while (!in.at_end()) {
        const auto code = static_cast<reason_code>(in.u8());
        if (!has_properties(version)) {
            // 3.1.1 SUBACK return codes: 0x00, 0x01, 0x02, 0x80 (3.9.3).
            if (is_failure(code) ? code != reason_code::unspecified_error
                                 : static_cast<std::uint8_t>(code) > 2) {
                return reason_code::malformed_packet;
            }
        } else if (!is_valid_reason_for(type, code)) {
            return reason_code::protocol_error;
        }
        reasons.push_back(code);
    }
    return reasons.empty() ? reason_code::protocol_error : reason_code::success;
}

} // namespace

decode_result decode_subscribe(reader& in, protocol_version version) {
    subscribe result;
    if (const auto rc = read_header(in, version, property_scope::subscribe, result.packet_id,
                                    result.props);
        rc != reason_code::success) {
        return failure(rc);
    }
    while (!in.at_end()) {
        subscription& sub = result.subscriptions.emplace_back();
        sub.filter = in.utf8();
        const std::uint8_t bits = in.u8();
        if (!in.ok()) {
            return failure(reason_code::malformed_packet);
        }
        if (const auto rc = read_options(bits, version, sub); rc != reason_code::success) {
            return failure(rc);
        }
    }
    if (result.subscriptions.empty()) {
        return failure(reason_code::protocol_error); // [MQTT-3.8.3-3]
    }
    return result;
}

decode_result decode_suback(reader& in, protocol_version version) {
    suback result;
    if (const auto rc = read_header(in, version, property_scope::suback, result.packet_id,
                                    result.props);
        rc != reason_code::success) {
        return failure(rc);
    }
    if (const auto rc = read_reasons(in, packet_type::suback, version, result.reasons);
        rc != reason_code::success) {
        return failure(rc);
    }
    return result;
}

decode_result decode_unsubscribe(reader& in, protocol_version version) {
    unsubscribe result;
    if (const auto rc = read_header(in, version, property_scope::unsubscribe, result.packet_id,
                                    result.props);
        rc != reason_code::success) {
        return failure(rc);
    }
    while (!in.at_end()) {
        result.filters.push_back(in.utf8());
        if (!in.ok()) {
            return failure(reason_code::malformed_packet);
        }
    }
    if (result.filters.empty()) {
        return failure(reason_code::protocol_error); // [MQTT-3.10.3-2]
    }
    return result;
}

decode_result decode_unsuback(reader& in, protocol_version version) {
    unsuback result;
    if (const auto rc = read_header(in, version, property_scope::unsuback, result.packet_id,
                                    result.props);
        rc != reason_code::success) {
        return failure(rc);
    }
    // 3.1.1 UNSUBACK has no payload (3.11.3); v5 has one reason code per filter.
    if (has_properties(version)) {
        if (const auto rc = read_reasons(in, packet_type::unsuback, version, result.reasons);
            rc != reason_code::success) {
            return failure(rc);
        }
    } else if (!in.at_end()) {
        return failure(reason_code::malformed_packet);
    }
    return result;
}

} // namespace emqx::mqtt::detail

// Decoding PUBLISH (3.3) and its acknowledgements PUBACK, PUBREC, PUBREL, PUBCOMP (3.4-3.7).
#include "decoders.hpp"
#include "properties_codec.hpp"

#include <emqx/mqtt/topic.hpp>

#include <algorithm>

namespace emqx::mqtt::detail {

namespace {

// The topic rules decode can check without connection state.
reason_code check_topic(const publish& p, protocol_version version) noexcept {
    if (p.topic.empty()) {
        // 3.3.2.3.4: v5 may leave the topic empty when a Topic Alias names it; 3.1.1 never
        // [MQTT-4.7.3-1].
        const bool aliased = has_properties(version) && p.props.topic_alias.has_value();
        return aliased ? reason_code::success : reason_code::protocol_error;
    }
    // One pass: libstdc++'s find_first_of calls memchr once per topic character.
    const bool wildcard = std::any_of(p.topic.begin(), p.topic.end(),
                                      [](char ch) { return ch == '+' || ch == '#'; });
    if (wildcard) {
        return reason_code::topic_name_invalid; // [MQTT-3.3.2-2]
    }
    return reason_code::success;
}

template <typename Ack>
decode_result read_ack(reader& in, protocol_version version) {
    Ack ack;
    if (const auto rc = read_packet_id(in, ack.packet_id); rc != reason_code::success) {
        return failure(rc);
    }
    // v5 3.4.2.1: the Reason Code and Property Length may be left out: 0x00, no properties.
    if (has_properties(version) && !in.at_end()) {
        ack.reason = static_cast<reason_code>(in.u8());
        if (!in.at_end()) {
            const auto scope = static_cast<property_scope>(Ack::type);
            if (const auto rc = read_properties(in, scope, ack.props); rc != reason_code::success) {
                return failure(rc);
            }
        }
        if (!is_valid_reason_for(Ack::type, ack.reason)) {
            return failure(reason_code::protocol_error);
        }
    }
    if (!in.ok() || !in.at_end()) {
        return failure(reason_code::malformed_packet);
    }
    return ack;
}

} // namespace

decode_result decode_publish(reader& in, std::uint8_t flags, protocol_version version) {
    publish result;
    result.dup = (flags & 0x08U) != 0;
    result.retain = (flags & 0x01U) != 0;
    const auto qos_bits = static_cast<std::uint8_t>((flags >> 1U) & 0x03U);
    // [MQTT-3.3.1-4] QoS 3 is malformed; [MQTT-3.3.1-2] DUP is 0 for QoS 0.
    if (qos_bits == 3 || (qos_bits == 0 && result.dup)) {
        return failure(reason_code::malformed_packet);
    }
    result.qos = static_cast<mqtt::qos>(qos_bits);
    result.topic = in.utf8();
    if (result.qos != mqtt::qos::at_most_once) {
        if (const auto rc = read_packet_id(in, result.packet_id); rc != reason_code::success) {
            return failure(rc);
        }
    }
    if (has_properties(version)) {
        if (const auto rc = read_properties(in, property_scope::publish, result.props);
            rc != reason_code::success) {
            return failure(rc);
        }
    }
    result.payload = in.rest();
    if (!in.ok()) {
        return failure(reason_code::malformed_packet);
    }
    if (const auto rc = check_topic(result, version); rc != reason_code::success) {
        return failure(rc);
    }
    return result;
}

decode_result decode_ack(reader& in, packet_type type, protocol_version version) {
    switch (type) {
    case packet_type::puback: return read_ack<puback>(in, version);
    case packet_type::pubrec: return read_ack<pubrec>(in, version);
    case packet_type::pubrel: return read_ack<pubrel>(in, version);
    default: return read_ack<pubcomp>(in, version);
    }
}

} // namespace emqx::mqtt::detail

// Opening an MQTT session: our CONNECT, and the checks on the broker's CONNACK.
#include "session.hpp"

#include <algorithm>

#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/reason_code.hpp>

namespace emqx::perf::detail {

void encode_connect(const run_options& options, std::string_view client_id, std::string& out) {
    mqtt::connect packet;
    packet.version = options.version;
    packet.clean_start = true;
    packet.keep_alive = keep_alive_seconds;
    packet.client_id = client_id;
    if (options.username) {
        packet.username = *options.username;
    }
    if (options.password) {
        packet.password = *options.password;
    }
    if (mqtt::has_properties(options.version)) {
        packet.props.receive_maximum = 65535;
    }
    // Our own CONNECT always fits: short strings, no will.
    (void)mqtt::encode(packet, options.version, out);
}

emqx::expected<session_limits, std::string>
accept_connack(const mqtt::connack& ack, const run_options& options, std::size_t packet_size) {
    if (mqtt::is_failure(ack.reason)) {
        return emqx::unexpected("the broker refused the connection: " +
                                std::string{mqtt::reason_code_name(ack.reason)});
    }
    session_limits limits;
    limits.receive_maximum = options.max_unacked;
    const mqtt::properties& p = ack.props;
    if (p.receive_maximum) {
        limits.receive_maximum = std::min<std::uint32_t>(limits.receive_maximum, *p.receive_maximum);
    }
    if (p.server_keep_alive) {
        limits.keep_alive_s = *p.server_keep_alive;
    }
    if (p.maximum_qos && *p.maximum_qos < static_cast<std::uint8_t>(options.qos)) {
        return emqx::unexpected("the broker supports QoS " + std::to_string(*p.maximum_qos) +
                                " at most; the run asked for QoS " +
                                std::to_string(static_cast<int>(options.qos)));
    }
    if (p.maximum_packet_size && packet_size > *p.maximum_packet_size) {
        return emqx::unexpected("the broker accepts packets of " +
                                std::to_string(*p.maximum_packet_size) +
                                " bytes at most; a message of --size " +
                                std::to_string(options.size) + " needs " +
                                std::to_string(packet_size));
    }
    return limits;
}

} // namespace emqx::perf::detail

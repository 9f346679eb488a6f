// What publishers and subscribers share about opening an MQTT session: the CONNECT they send
// and what they accept in the CONNACK.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <emqx/base/expected.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/perf/options.hpp>

namespace emqx::perf::detail {

/// Our keep-alive; a v5 broker may impose its own (Server Keep Alive).
inline constexpr std::uint16_t keep_alive_seconds = 60;

/// What the broker's CONNACK allows this session.
struct session_limits {
    /// QoS 1/2 PUBLISH packets we may have unacknowledged: --max-unacked, and in v5 no more
    /// than the broker's Receive Maximum [MQTT-3.3.4-7].
    std::uint32_t receive_maximum = 20;
    std::uint16_t keep_alive_s = keep_alive_seconds;
};

/// An acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP) of packet `id` with reason 0.
template <typename Ack>
[[nodiscard]] Ack ack_of(std::uint16_t id) {
    Ack ack;
    ack.packet_id = id;
    return ack;
}

/// Appends the CONNECT packet for `client_id` (clean session, our keep-alive, credentials,
/// and in v5 a Receive Maximum of 65535 so the broker can stream to us).
void encode_connect(const run_options& options, std::string_view client_id, std::string& out);

/// The session's limits, or why the run cannot go on with this broker: it refused the
/// connection, or it cannot take the QoS or the packet size (`packet_size`, 0 when we do not
/// publish) the run needs.
[[nodiscard]] emqx::expected<session_limits, std::string>
accept_connack(const mqtt::connack& ack, const run_options& options, std::size_t packet_size);

} // namespace emqx::perf::detail

// The protocol limits the broker enforces, with their defaults (configurable in issue 4's
// config file under `mqtt:`).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace emqx::broker {

struct limits {
    std::size_t max_connections = 1'000'000;
    /// Largest packet accepted from a client, fixed header included (v5 Maximum Packet Size).
    std::uint32_t max_packet_size = 1U << 20U;
    /// Our Receive Maximum: QoS 2 messages from a client not yet released (PUBREL).
    std::uint16_t max_inflight = 128;
    /// QoS 1/2 messages kept per session beyond the inflight window (offline or busy).
    std::size_t max_queued_messages = 1000;
    /// Incoming QoS 2 packet ids awaiting PUBREL.
    std::size_t max_awaiting_rel = 128;
    std::size_t max_topic_levels = 128;
    /// Our Topic Alias Maximum (v5): aliases a client may use towards us; 0 disables them.
    std::uint16_t max_topic_alias = 64;
    std::size_t max_clientid_len = 65'535;
    std::size_t max_subscriptions = 0; ///< per client; 0: no limit
    /// Longest keep alive accepted (seconds); v5 clients get it as Server Keep Alive.
    std::uint16_t max_keepalive = 65'535;
    std::chrono::milliseconds connect_timeout{10'000};
    /// Bytes waiting to be written to one client above which its QoS 0 messages are dropped
    /// (a subscriber that stops reading must not make the broker's memory grow without bound).
    std::size_t max_outbox_bytes = 8U << 20U;
};

} // namespace emqx::broker

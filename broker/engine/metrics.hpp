// The broker's counters (DESIGN.md section 6 names them): plain integers, written by the one
// engine thread, read by the HTTP layer.
#pragma once

#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace emqx::broker {

/// Why a message was not delivered (label `reason` of emqx_messages_dropped_total).
enum class drop_reason : std::uint8_t {
    no_subscribers,
    queue_full,
    expired,
    too_large,
    slow_consumer,
    awaiting_rel_full,
    count_ ///< not a reason: the number of reasons
};

[[nodiscard]] std::string_view drop_reason_name(drop_reason reason) noexcept;

struct metrics {
    std::uint64_t connections_total = 0;
    std::uint64_t messages_received_total = 0;
    std::uint64_t messages_sent_total = 0;
    std::array<std::uint64_t, static_cast<std::size_t>(drop_reason::count_)> messages_dropped{};
    std::array<std::uint64_t, 16> packets_received{}; ///< by packet type
    std::array<std::uint64_t, 16> packets_sent{};     ///< by packet type
    std::uint64_t bytes_received_total = 0;
    std::uint64_t bytes_sent_total = 0;
    std::uint64_t auth_failures_total = 0;
    std::array<std::uint64_t, 256> protocol_errors{}; ///< by reason code

    void dropped(drop_reason reason, std::uint64_t n = 1) noexcept {
        messages_dropped[static_cast<std::size_t>(reason)] += n;
    }
    void received(mqtt::packet_type type) noexcept {
        ++packets_received[static_cast<std::size_t>(type)];
    }
    void sent(mqtt::packet_type type) noexcept { ++packets_sent[static_cast<std::size_t>(type)]; }
    void protocol_error(mqtt::reason_code reason) noexcept {
        ++protocol_errors[static_cast<std::size_t>(reason)];
    }
};

} // namespace emqx::broker

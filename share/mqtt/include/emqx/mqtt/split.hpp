// Finding packet boundaries in a byte stream: the first step of reading MQTT from a socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <emqx/mqtt/reason_code.hpp>

namespace emqx::mqtt {

/// The largest Remaining Length a four-byte Variable Byte Integer can hold (1.5.5).
inline constexpr std::uint32_t max_remaining_length = 268'435'455;
/// The largest packet MQTT allows: 1 header byte + 4 length bytes + max_remaining_length.
inline constexpr std::uint32_t max_packet_size_limit = max_remaining_length + 5;

enum class split_status : std::uint8_t {
    complete,  ///< a whole packet starts the buffer; it is `packet_size` bytes long
    need_more, ///< read more bytes and call again
    invalid,   ///< the stream is broken; `reason` says why; close the connection
};

struct split_result {
    split_status status = split_status::need_more;
    /// complete: the size of the first packet (fixed header included). need_more: the size of
    /// the packet once the fixed header is complete (so a reader knows how much to expect),
    /// else 0. invalid: 0.
    std::size_t packet_size = 0;
    /// invalid: malformed_packet for a Remaining Length longer than four bytes or not minimally
    /// encoded [MQTT-1.5.5-1], packet_too_large when the packet would exceed the limit.
    reason_code reason = reason_code::success;

    bool operator==(const split_result&) const = default;
};

/// Looks at the start of `buffer` and says whether it holds a complete packet. Checks the
/// Remaining Length and `max_packet_size` (the whole packet, header included, as MQTT 5.0
/// Maximum Packet Size counts it) and nothing else: the rest is decode()'s work. Never reads
/// past the buffer; needs no allocation.
[[nodiscard]] split_result split_packet(std::string_view buffer,
                                        std::uint32_t max_packet_size = max_packet_size_limit) noexcept;

} // namespace emqx::mqtt

// What every encoder shares: writing the fixed header once the body is sized.
#pragma once

#include "writer.hpp"

#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/split.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

namespace emqx::mqtt::detail {

/// Checks the sized body, then appends the fixed header (`first` byte and Remaining Length)
/// and lets `write_body` append the body. `out` grows geometrically so that many packets
/// appended to one buffer (a write batch) cost amortised constant time each.
template <typename WriteBody>
[[nodiscard]] reason_code emit(std::string& out, std::uint8_t first, const sizer& body,
                               WriteBody&& write_body) {
    if (!body.fits) {
        return reason_code::malformed_packet; // a field over 65,535 bytes
    }
    if (body.too_large || body.total > max_remaining_length) {
        return reason_code::packet_too_large;
    }
    const auto length = static_cast<std::uint32_t>(body.total);
    const std::size_t needed = out.size() + 1 + vbi_size(length) + body.total;
    if (needed > out.capacity()) {
        out.reserve(std::max(needed, 2 * out.capacity()));
    }
    append_u8(out, first);
    append_vbi(out, length);
    write_body(out);
    return reason_code::success;
}

/// The first byte of a packet with fixed flags.
[[nodiscard]] constexpr std::uint8_t first_byte(packet_type type, std::uint8_t flags = 0) noexcept {
    return static_cast<std::uint8_t>((static_cast<unsigned>(type) << 4U) | flags);
}

} // namespace emqx::mqtt::detail

// The stamp at the start of every payload the load generator sends: who sent it, its number in
// that sender's stream, and when it was (meant to be) sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace emqx::perf {

/// Bytes 0-3 publisher id, 4-11 sequence number, 12-19 send time in nanoseconds of
/// CLOCK_MONOTONIC (so sender and receiver must share a host); all little-endian. The rest of
/// the payload, up to --size, is padding.
struct stamp {
    std::uint32_t publisher = 0;
    std::uint64_t sequence = 0;
    std::uint64_t sent_ns = 0;

    bool operator==(const stamp&) const = default;
};

/// The stamp's size, hence the smallest payload the generator can send.
inline constexpr std::size_t stamp_size = 20;

namespace detail {

template <typename T>
inline void put_le(char* out, T value) noexcept {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        out[i] = static_cast<char>(static_cast<unsigned char>(value >> (8 * i)));
    }
}

template <typename T>
[[nodiscard]] inline T get_le(const char* in) noexcept {
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        value = static_cast<T>(value | static_cast<T>(static_cast<unsigned char>(in[i])) << (8 * i));
    }
    return value;
}

} // namespace detail

/// Writes `s` into the first stamp_size bytes at `out` (which must hold that many).
inline void write_stamp(char* out, const stamp& s) noexcept {
    detail::put_le(out, s.publisher);
    detail::put_le(out + 4, s.sequence);
    detail::put_le(out + 12, s.sent_ns);
}

/// Reads the stamp at the start of `payload`; nullopt when the payload is shorter than one
/// (a message that the generator did not send).
[[nodiscard]] inline std::optional<stamp> read_stamp(std::string_view payload) noexcept {
    if (payload.size() < stamp_size) {
        return std::nullopt;
    }
    const char* in = payload.data();
    return stamp{detail::get_le<std::uint32_t>(in),
                 detail::get_le<std::uint64_t>(in + 4),
                 detail::get_le<std::uint64_t>(in + 12)};
}

} // namespace emqx::perf

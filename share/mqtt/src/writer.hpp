// Sizing and writing the MQTT data types (1.5): encoders size a packet first, so that the
// fixed header can be written before the body and `out` is left alone when a field is too long.
#pragma once

#include <emqx/mqtt/vbi.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace emqx::mqtt::detail {

/// The largest string or binary field: its length is two bytes (1.5.4, 1.5.6).
inline constexpr std::size_t max_field_size = 65'535;

/// Adds up the encoded size of a packet body; remembers a field that cannot be encoded.
struct sizer {
    std::size_t total = 0;
    bool fits = true;        ///< false: a string or binary field over 65,535 bytes
    bool too_large = false;  ///< true: a length over what a Variable Byte Integer holds

    void add(std::size_t n) noexcept { total += n; }
    void add_field(std::string_view field) noexcept {
        fits = fits && field.size() <= max_field_size;
        total += 2 + field.size();
    }
    void add_vbi(std::size_t value) noexcept {
        too_large = too_large || value > vbi_max;
        total += vbi_size(static_cast<std::uint32_t>(value > vbi_max ? 0 : value));
    }
};

inline void append_u8(std::string& out, std::uint8_t value) {
    out.push_back(static_cast<char>(value));
}

inline void append_u16(std::string& out, std::uint16_t value) {
    out.push_back(static_cast<char>(value >> 8U));
    out.push_back(static_cast<char>(value & 0xFFU));
}

inline void append_u32(std::string& out, std::uint32_t value) {
    append_u16(out, static_cast<std::uint16_t>(value >> 16U));
    append_u16(out, static_cast<std::uint16_t>(value & 0xFFFFU));
}

/// A string or binary field: two-byte length, then the bytes. Precondition: sized by sizer.
inline void append_field(std::string& out, std::string_view field) {
    append_u16(out, static_cast<std::uint16_t>(field.size()));
    out.append(field);
}

} // namespace emqx::mqtt::detail

// MQTT UTF-8 string validation (1.5.4): an ASCII fast path, then a strict RFC 3629 decoder.
#include <emqx/mqtt/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace emqx::mqtt {
namespace {

constexpr std::uint64_t ones = 0x0101'0101'0101'0101ULL;
constexpr std::uint64_t high_bits = 0x8080'8080'8080'8080ULL;

/// True when all eight bytes are in 0x01..0x7F: no high bit, and no zero byte [MQTT-1.5.4-2].
/// `(w - ones) & ~w & high_bits` is non-zero exactly when some byte of `w` is zero.
[[nodiscard]] bool is_plain_ascii_word(const unsigned char* p) noexcept {
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w); // the portable unaligned load; compilers emit one mov
    return ((w & high_bits) | ((w - ones) & ~w & high_bits)) == 0;
}

/// Length of the well-formed multi-byte sequence at `p` (of `left` bytes), or 0 when it is
/// ill-formed. The ranges are Unicode's table 3-7 of well-formed byte sequences: narrowing the
/// second byte's range is what rejects overlong forms (E0, F0), surrogates (ED) and code
/// points above U+10FFFF (F4); C0, C1 and F5..FF never start a sequence.
[[nodiscard]] std::size_t multibyte_length(const unsigned char* p, std::size_t left) noexcept {
    const unsigned lead = p[0];
    std::size_t length = 0;
    unsigned low = 0x80;
    unsigned high = 0xBF;
    if (lead < 0xC2) {
        return 0; // a stray continuation byte, or an overlong two-byte form
    }
    if (lead < 0xE0) {
        length = 2;
    } else if (lead < 0xF0) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead < 0xF5) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (left < length || p[1] < low || p[1] > high) {
        return 0;
    }
    for (std::size_t k = 2; k < length; ++k) {
        if ((p[k] & 0xC0U) != 0x80U) {
            return 0;
        }
    }
    return length;
}

} // namespace

bool is_valid_mqtt_utf8(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        // Topics are nearly always ASCII: eight bytes per step until a word needs a closer look.
        if (n - i >= 8 && is_plain_ascii_word(p + i)) {
            i += 8;
            continue;
        }
        const unsigned c = p[i];
        if (c < 0x80) {
            if (c == 0) {
                return false; // [MQTT-1.5.4-2]
            }
            ++i;
            continue;
        }
        const std::size_t length = multibyte_length(p + i, n - i);
        if (length == 0) {
            return false; // [MQTT-1.5.4-1]
        }
        i += length;
    }
    return true;
}

} // namespace emqx::mqtt

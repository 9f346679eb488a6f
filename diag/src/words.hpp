// Short byte strings read and compared a word at a time, for the log analysis' hot loop
// (messages, keys, node names, client ids: a call to memcmp per line showed in profiles).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace emqx::diag::detail {

/// Eight bytes at `p` (which must be readable).
[[gnu::always_inline]] inline std::uint64_t load_word(const char* p) noexcept {
    std::uint64_t w = 0;
    std::memcpy(&w, p, 8);
    return w;
}

/// A text of fewer than 8 bytes as one word, read in overlapping pieces that cover it and
/// never past its end: texts of the same length are equal when their words are.
[[gnu::always_inline]] inline std::uint64_t short_word(const char* p, std::size_t n) noexcept {
    if (n >= 4) {
        std::uint32_t head = 0;
        std::uint32_t tail = 0;
        std::memcpy(&head, p, 4);
        std::memcpy(&tail, p + n - 4, 4);
        return head | (std::uint64_t{tail} << 32);
    }
    if (n == 0) {
        return 0;
    }
    const auto byte = [p](std::size_t i) {
        return std::uint64_t{static_cast<unsigned char>(p[i])};
    };
    return byte(0) | (byte(n / 2) << 8) | (byte(n - 1) << 16);
}

/// Whether `size` (at least 8) bytes at `a` and `b` are equal; the last eight overlap.
[[gnu::always_inline]] inline bool
same_bytes(const char* a, const char* b, std::size_t size) noexcept {
    for (std::size_t i = 0; i + 8 < size; i += 8) {
        if (load_word(a + i) != load_word(b + i)) {
            return false;
        }
    }
    return load_word(a + size - 8) == load_word(b + size - 8);
}

/// Equal texts, compared inline.
[[gnu::always_inline]] inline bool same_text(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    return a.size() < 8 ? short_word(a.data(), a.size()) == short_word(b.data(), b.size())
                        : same_bytes(a.data(), b.data(), a.size());
}

} // namespace emqx::diag::detail

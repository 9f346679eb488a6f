// One bit per byte for the few byte classes the log parser looks for, computed for a whole
// block at once (AVX2 where the CPU has it): the parser then finds a line's end, its spaces
// and its '=' with a count-trailing-zeros instead of a loop over bytes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace emqx::diag {

class byte_classes {
public:
    /// The classes. `space`, `equals`, `quote` and `nonkey` also hold every '\n', so that a
    /// search for one of them stops at the end of the line at the latest.
    enum kind : std::uint8_t {
        newline, ///< '\n'
        space,   ///< ' '
        equals,  ///< '='
        quote,   ///< '"'
        nonkey,  ///< not a key character [0-9A-Za-z_.-]
        bad, ///< what the fast parser leaves to the full one: '\\', 0x7F, control bytes but '\t'
             ///< and '\n'
        kinds
    };

    /// Classifies bytes [from, to) of `data`: `from` is a multiple of 64, and `data` must be
    /// readable up to `to` rounded up to 64 (the bits past `to` are cleared).
    void classify(const char* data, std::size_t from, std::size_t to);
    /// The same without SIMD, a byte at a time (what a CPU without AVX2 runs; for the tests).
    void classify_portable(const char* data, std::size_t from, std::size_t to);

    /// The queries, over a plain pointer: a parser holds one in a register, where the
    /// vector's pointer would be reloaded after every store the parser makes.
    class view;
    [[nodiscard]] view bits() const noexcept;

    /// bits().any(bad, from, to), answered without a search when nothing classified so far
    /// is bad.
    [[nodiscard]] bool any_bad(std::size_t from, std::size_t to) const noexcept;

    /// Whether classify() uses AVX2 on this CPU.
    [[nodiscard]] static bool simd() noexcept;

private:
    using block_classifier = void (*)(const char* data, std::uint64_t* out, std::size_t words);
    void classify_with(block_classifier classify_words,
                       const char* data,
                       std::size_t from,
                       std::size_t to);
    // The classes of each 64 bytes side by side, after one word of zeros (so that a search
    // may read the word before the first) and with one more word after the last.
    std::vector<std::uint64_t> words_;
    std::size_t first_bad_ = ~std::size_t{0}; // the first word with a bad byte, as a position
};

class byte_classes::view {
public:
    explicit view(const std::uint64_t* words) noexcept : words_(words) {}

    [[nodiscard]] bool test(kind k, std::size_t pos) const noexcept {
        return ((word(k, pos >> 6) >> (pos & 63)) & 1U) != 0;
    }

    // Each search reads the word of its start and the next one (previous one, for
    // last_before) and picks the answer without a branch: a line spans two or three words,
    // and a branch on "is it in this word" would be mispredicted on every other search. Only
    // an answer more than a word away takes the loop.

    /// The first position at or after `pos` of class `k`; one must exist (a '\n' ends every
    /// line searched).
    [[nodiscard, gnu::always_inline]] std::size_t next(kind k, std::size_t pos) const noexcept {
        return first_from<false>(k, pos, ~std::size_t{0});
    }

    /// The first position in [pos, limit) of class `k`, else `limit`.
    [[nodiscard, gnu::always_inline]] std::size_t
    find(kind k, std::size_t pos, std::size_t limit) const noexcept {
        return first_from<false>(k, pos, limit);
    }

    /// The first position in [pos, limit) not of class `k`, else `limit`.
    [[nodiscard, gnu::always_inline]] std::size_t
    next_not(kind k, std::size_t pos, std::size_t limit) const noexcept {
        return first_from<true>(k, pos, limit);
    }

    /// The last position in [from, pos) of class `k`, else `pos` (none).
    [[nodiscard, gnu::always_inline]] std::size_t
    last_before(kind k, std::size_t from, std::size_t pos) const noexcept {
        if (pos <= from) {
            return pos;
        }
        const std::size_t w = (pos - 1) >> 6;
        const std::uint64_t high = word(k, w) & (~std::uint64_t{0} >> (63 - ((pos - 1) & 63)));
        const std::uint64_t low = word(k, w - 1); // the word before the first is all clear
        const std::size_t from_top =
            static_cast<std::size_t>(std::countl_zero(high)) +
            (static_cast<std::size_t>(std::countl_zero(low)) & -std::size_t{high == 0});
        std::size_t found = 0;
        if (from_top == 128) [[unlikely]] {
            found = far_last(k, from, w);
            if (found == ~std::size_t{0}) {
                return pos;
            }
        } else {
            found = (w << 6) + 63 - from_top;
        }
        return found >= from ? found : pos;
    }

    /// Whether any position in [from, to) is of class `k`.
    [[nodiscard, gnu::always_inline]] bool
    any(kind k, std::size_t from, std::size_t to) const noexcept {
        if (from >= to) {
            return false;
        }
        const std::size_t first = from >> 6;
        const std::size_t last = (to - 1) >> 6;
        std::uint64_t bits = word(k, first) & (~std::uint64_t{0} << (from & 63));
        for (std::size_t w = first; w < last; bits = word(k, ++w)) {
            if (bits != 0) {
                return true;
            }
        }
        return (bits & (~std::uint64_t{0} >> (63 - ((to - 1) & 63)))) != 0;
    }

private:
    // Word w of class k; word -1 and the word after the last classified one are readable.
    [[nodiscard]] std::uint64_t word(kind k, std::size_t w) const noexcept {
        return words_[static_cast<std::ptrdiff_t>(w) * kinds + k];
    }

    // find (or, `inverted`, next_not).
    template <bool inverted>
    [[nodiscard, gnu::always_inline]] std::size_t
    first_from(kind k, std::size_t pos, std::size_t limit) const noexcept {
        if (pos >= limit) {
            return limit;
        }
        const auto bits = [this, k](std::size_t w) { return inverted ? ~word(k, w) : word(k, w); };
        const std::size_t w = pos >> 6;
        const std::size_t n = first_bit(bits(w) & (~std::uint64_t{0} << (pos & 63)), bits(w + 1));
        const std::size_t found = n == 128 ? far_next(k, w + 2, inverted, limit) : (w << 6) + n;
        return found < limit ? found : limit;
    }

    // The index of the lowest set bit of low:high as one 128-bit word, 128 when none.
    [[gnu::always_inline]] static std::size_t first_bit(std::uint64_t low,
                                                        std::uint64_t high) noexcept {
        return static_cast<std::size_t>(std::countr_zero(low)) +
               (static_cast<std::size_t>(std::countr_zero(high)) & -std::size_t{low == 0});
    }

    // The first set (or, `inverted`, clear) bit from word w on, giving up at `limit`.
    [[nodiscard]] std::size_t
    far_next(kind k, std::size_t w, bool inverted, std::size_t limit) const noexcept {
        for (; (w << 6) < limit; ++w) {
            const std::uint64_t bits = inverted ? ~word(k, w) : word(k, w);
            if (bits != 0) {
                return (w << 6) + static_cast<std::size_t>(std::countr_zero(bits));
            }
        }
        return limit;
    }

    // The last set bit in the words before w - 1 that reach `from`; ~0 when none.
    [[nodiscard]] std::size_t far_last(kind k, std::size_t from, std::size_t w) const noexcept {
        for (std::size_t i = w; i >= 2 && ((i - 2) << 6) + 63 >= from; --i) {
            if (const std::uint64_t bits = word(k, i - 2); bits != 0) {
                return ((i - 2) << 6) + 63 - static_cast<std::size_t>(std::countl_zero(bits));
            }
        }
        return ~std::size_t{0};
    }

    const std::uint64_t* words_;
};

inline byte_classes::view byte_classes::bits() const noexcept {
    return view{words_.data() + kinds}; // past the word of zeros before the first
}

inline bool byte_classes::any_bad(std::size_t from, std::size_t to) const noexcept {
    return first_bad_ < to && bits().any(bad, from, to);
}

} // namespace emqx::diag

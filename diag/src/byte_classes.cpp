// Classifying 64 bytes at a time: AVX2 when the CPU has it (chosen once, at run time), else a
// table per byte. Both give the same bits; the unit tests compare them.
#include <emqx/diag/byte_classes.hpp>

#include <array>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define EMQX_DIAG_AVX2 1
#endif

namespace emqx::diag {

namespace {

using kind = byte_classes::kind;

constexpr std::array<std::uint8_t, 256> class_table = [] {
    std::array<std::uint8_t, 256> table{};
    for (int ch = 0; ch < 256; ++ch) {
        const bool key = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                         (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '.' || ch == '-';
        const bool line_end = ch == '\n';
        std::uint8_t bits = 0;
        bits |= line_end ? 1U << byte_classes::newline : 0U;
        bits |= ch == ' ' || line_end ? 1U << byte_classes::space : 0U;
        bits |= ch == '=' || line_end ? 1U << byte_classes::equals : 0U;
        bits |= ch == '"' || line_end ? 1U << byte_classes::quote : 0U;
        bits |= !key ? 1U << byte_classes::nonkey : 0U;
        bits |= ch == '\\' || ch == 0x7F || (ch < 0x20 && ch != '\t' && ch != '\n')
                    ? 1U << byte_classes::bad
                    : 0U;
        table[static_cast<std::size_t>(ch)] = bits;
    }
    return table;
}();

// `words` 64-byte words of every class, a byte at a time.
void classify_plain(const char* p, std::uint64_t* out, std::size_t words) noexcept {
    for (std::size_t w = 0; w < words; ++w, p += 64, out += byte_classes::kinds) {
        std::array<std::uint64_t, byte_classes::kinds> word{};
        for (unsigned i = 0; i < 64; ++i) {
            const unsigned bits = class_table[static_cast<unsigned char>(p[i])];
            for (unsigned k = 0; k < byte_classes::kinds; ++k) {
                word[k] |= std::uint64_t{(bits >> k) & 1U} << i;
            }
        }
        std::memcpy(out, word.data(), sizeof word);
    }
}

#ifdef EMQX_DIAG_AVX2
// The classes of 32 bytes as bit masks.
struct masks32 {
    std::uint32_t newline, space, equals, quote, key, bad;
};

[[gnu::target("avx2")]] inline std::uint32_t bits_of(__m256i v) noexcept {
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(v));
}

[[gnu::target("avx2")]] inline __m256i equal(__m256i v, char ch) noexcept {
    return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(ch));
}

// Unsigned: low <= x <= low + span, as min(x - low, span) == x - low.
[[gnu::target("avx2")]] inline __m256i in_range(__m256i v, char low, char span) noexcept {
    const __m256i d = _mm256_sub_epi8(v, _mm256_set1_epi8(low));
    return _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(span)), d);
}

[[gnu::target("avx2")]] inline masks32 classify32(const char* p) noexcept {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i digit = in_range(v, '0', 9);
    const __m256i letter = in_range(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), 'a', 25);
    const __m256i punct =
        _mm256_or_si256(_mm256_or_si256(equal(v, '_'), equal(v, '.')), equal(v, '-'));
    const __m256i printable = _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(0x20)), v);
    masks32 m{};
    m.newline = bits_of(equal(v, '\n'));
    m.space = bits_of(equal(v, ' '));
    m.equals = bits_of(equal(v, '='));
    m.quote = bits_of(equal(v, '"'));
    m.key = bits_of(_mm256_or_si256(_mm256_or_si256(digit, letter), punct));
    m.bad = ~bits_of(printable) | bits_of(_mm256_or_si256(equal(v, '\\'), equal(v, 0x7F)));
    m.bad &= ~(bits_of(equal(v, '\t')) | m.newline);
    return m;
}

std::uint64_t join(std::uint32_t low, std::uint32_t high) noexcept {
    return low | (std::uint64_t{high} << 32);
}

[[gnu::target("avx2")]] void
classify_avx2(const char* p, std::uint64_t* out, std::size_t words) noexcept {
    for (std::size_t w = 0; w < words; ++w, p += 64, out += byte_classes::kinds) {
        const masks32 lo = classify32(p);
        const masks32 hi = classify32(p + 32);
        const std::uint64_t newline = join(lo.newline, hi.newline);
        out[byte_classes::newline] = newline;
        out[byte_classes::space] = join(lo.space, hi.space) | newline;
        out[byte_classes::equals] = join(lo.equals, hi.equals) | newline;
        out[byte_classes::quote] = join(lo.quote, hi.quote) | newline;
        out[byte_classes::nonkey] = ~join(lo.key, hi.key);
        out[byte_classes::bad] = join(lo.bad, hi.bad);
    }
}

const bool has_avx2 = __builtin_cpu_supports("avx2") != 0;

#endif

} // namespace

void byte_classes::classify(const char* data, std::size_t from, std::size_t to) {
#ifdef EMQX_DIAG_AVX2
    if (has_avx2) {
        classify_with(classify_avx2, data, from, to);
        return;
    }
#endif
    classify_with(classify_plain, data, from, to);
}

void byte_classes::classify_portable(const char* data, std::size_t from, std::size_t to) {
    classify_with(classify_plain, data, from, to);
}

// Classifies the words of [from, to), clears the bits past `to`, and notes the first word
// with a bad byte.
void byte_classes::classify_with(block_classifier classify_words,
                                 const char* data,
                                 std::size_t from,
                                 std::size_t to) {
    const std::size_t first = from >> 6;
    const std::size_t words = (to + 63) >> 6;
    if (words_.size() < (words + 2) * kinds) {
        words_.resize((words + 2) * kinds);
    }
    if (words > first) {
        classify_words(data + (first << 6), &words_[(first + 1) * kinds], words - first);
    }
    if ((to & 63) != 0) {
        const std::size_t last = (to >> 6) + 1;
        const std::uint64_t keep = ~std::uint64_t{0} >> (64 - (to & 63));
        for (unsigned k = 0; k < kinds; ++k) {
            words_[last * kinds + k] &= keep;
        }
    }
    if (from == 0) {
        first_bad_ = ~std::size_t{0};
    }
    for (std::size_t w = first; w < words && (w << 6) < first_bad_; ++w) {
        if (words_[(w + 1) * kinds + bad] != 0) {
            first_bad_ = w << 6;
        }
    }
}

bool byte_classes::simd() noexcept {
#ifdef EMQX_DIAG_AVX2
    return has_avx2;
#else
    return false;
#endif
}

} // namespace emqx::diag

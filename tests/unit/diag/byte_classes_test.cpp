// byte_classes (issue 8): the AVX2 and portable classifiers against the definition of each
// class, and the queries (next, find, next_not, last_before, any) against naive loops. Fixed
// seeds.
#include "log_fast_support.hpp"

namespace {

using namespace log_fast_support;

// ---------------------------------------------------------------------------------------------
// byte_classes against naive loops

// For one class of a classified buffer [0, size): the answers of the queries by naive loops
// over test(), precomputed for every position.
struct naive_index {
    std::vector<std::size_t> next_set;   // first set position >= i, or size
    std::vector<std::size_t> next_clear; // first clear position >= i, or size
    std::vector<std::size_t> prev_set;   // last set position < i, or none

    naive_index(const byte_classes::view& c, kind k, std::size_t size)
        : next_set(size + 1, size), next_clear(size + 1, size), prev_set(size + 1, none) {
        for (std::size_t i = size; i-- > 0;) {
            const bool bit = c.test(k, i);
            next_set[i] = bit ? i : next_set[i + 1];
            next_clear[i] = bit ? next_clear[i + 1] : i;
        }
        for (std::size_t i = 0; i < size; ++i) {
            prev_set[i + 1] = c.test(k, i) ? i : prev_set[i];
        }
    }
};

// A position in [0, size], half of the time next to a multiple of 64.
std::size_t interesting_position(rng& r, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    if (r.chance(50)) {
        return r.pick(size + 1);
    }
    const std::size_t word = r.pick(size / 64 + 2) * 64;
    const std::size_t pos = word + r.pick(5);
    return pos < 2 ? 0 : std::min(pos - 2, size);
}

// Checks every query of `c` for class `k` against the naive answers, on `queries` random
// position pairs; appends what disagrees to `errors`.
void check_queries(const byte_classes& classes,
                   kind k,
                   std::size_t size,
                   rng& r,
                   std::size_t queries,
                   std::vector<std::string>& errors) {
    const auto c = classes.bits();
    const naive_index naive{c, k, size};
    const auto fail =
        [&](const char* what, std::size_t a, std::size_t b, std::size_t got, std::size_t want) {
            if (errors.size() < 20) {
                errors.push_back(std::string{what} + "(kind " + std::to_string(unsigned{k}) + ", " +
                                 std::to_string(a) + ", " + std::to_string(b) + ") gave " +
                                 std::to_string(got) + ", naive " + std::to_string(want) +
                                 " (size " + std::to_string(size) + ")");
            }
        };
    for (std::size_t q = 0; q < queries; ++q) {
        const std::size_t a = interesting_position(r, size);
        // Mostly ranges from a, some empty, some reversed.
        std::size_t b = 0;
        switch (r.pick(4)) {
        case 0: b = a; break;
        case 1: b = interesting_position(r, size); break;
        default: b = std::min(size, a + r.pick(200)); break;
        }
        const std::size_t want_find = a < b ? std::min(naive.next_set[a], b) : b;
        if (const std::size_t got = c.find(k, a, b); got != want_find) {
            fail("find", a, b, got, want_find);
        }
        const std::size_t want_not = a < b ? std::min(naive.next_clear[a], b) : b;
        if (const std::size_t got = c.next_not(k, a, b); got != want_not) {
            fail("next_not", a, b, got, want_not);
        }
        const std::size_t last = naive.prev_set[b];
        const std::size_t want_last = b > a && last != none && last >= a ? last : b;
        if (const std::size_t got = c.last_before(k, a, b); got != want_last) {
            fail("last_before", a, b, got, want_last);
        }
        const bool want_any = a < b && naive.next_set[a] < b;
        if (const bool got = c.any(k, a, b); got != want_any) {
            fail("any",
                 a,
                 b,
                 got ? std::size_t{1} : std::size_t{0},
                 want_any ? std::size_t{1} : std::size_t{0});
        }
        // next() needs a set bit at or after its position.
        if (a < size && naive.next_set[a] < size) {
            if (const std::size_t got = c.next(k, a); got != naive.next_set[a]) {
                fail("next", a, 0, got, naive.next_set[a]);
            }
        }
    }
}

// Fills `bytes` with a mix of uniform bytes and the alphabet (with '\n'), with runs.
void fill_random(rng& r, char* bytes, std::size_t size, std::array<bool, 256>& seen) {
    for (std::size_t i = 0; i < size; ++i) {
        if (i > 0 && r.chance(15)) {
            bytes[i] = bytes[i - 1];
        } else if (r.chance(40)) {
            bytes[i] = static_cast<char>(r.pick(256));
        } else if (r.chance(15)) {
            bytes[i] = '\n';
        } else {
            bytes[i] = r.of(alphabet);
        }
        seen[static_cast<unsigned char>(bytes[i])] = true;
    }
}

} // namespace

TEST_SUITE("diag::log_fast") {
    TEST_CASE("byte_classes: classify and classify_portable give the bits of the definition") {
        MESSAGE("classify() uses AVX2: " << std::string{byte_classes::simd() ? "yes" : "no"});
        rng r{0x5eed'0001};
        byte_classes simd;
        byte_classes portable;
        std::array<bool, 256> seen{};
        std::vector<std::string> errors;
        std::size_t trials = 0;
        for (std::size_t trial = 0; trial < 400; ++trial, ++trials) {
            const std::size_t size = trial < 2 ? 700 - trial * 700 : r.pick(701);
            std::vector<char> buffer(round_up(size));
            if (trial == 0) {
                // Every byte value, at every offset modulo 32 for some.
                for (std::size_t i = 0; i < buffer.size(); ++i) {
                    buffer[i] = static_cast<char>((i * 7) & 0xFF);
                    seen[(i * 7) & 0xFF] = true;
                }
            } else {
                fill_random(r, buffer.data(), buffer.size(), seen);
            }
            // First the buffer up to `first_to`, then bytes from the word `from` change and the
            // buffer is classified again from there (as the line splitter does).
            const std::size_t from = r.pick(size / 64 + 1) * 64;
            const std::size_t first_to = from + r.pick(size - from + 1);
            simd.classify(buffer.data(), 0, first_to);
            portable.classify_portable(buffer.data(), 0, first_to);
            for (std::size_t i = from; i < buffer.size(); ++i) {
                if (r.chance(30)) {
                    buffer[i] = static_cast<char>(r.pick(256));
                }
            }
            simd.classify(buffer.data(), from, size);
            portable.classify_portable(buffer.data(), from, size);
            for (std::size_t pos = 0; pos < buffer.size(); ++pos) {
                const auto byte = static_cast<unsigned char>(buffer[pos]);
                for (unsigned k = 0; k < byte_classes::kinds; ++k) {
                    const bool want = pos < size && expected_class(k, byte);
                    const bool got_simd = simd.bits().test(static_cast<kind>(k), pos);
                    const bool got_portable = portable.bits().test(static_cast<kind>(k), pos);
                    if ((got_simd != want || got_portable != want) && errors.size() < 20) {
                        errors.push_back(
                            "size " + std::to_string(size) + " from " + std::to_string(from) +
                            ": byte " + std::to_string(unsigned{byte}) + " at " +
                            std::to_string(pos) + " class " + std::to_string(k) + ": classify " +
                            std::to_string(got_simd) + ", portable " +
                            std::to_string(got_portable) + ", expected " + std::to_string(want) +
                            (pos >= size ? " (past `to`)" : ""));
                    }
                }
            }
        }
        CHECK(trials == 400);
        CHECK(std::all_of(seen.begin(), seen.end(), [](bool b) { return b; }));
        std::string all;
        for (const auto& e : errors) {
            all += e + "\n";
        }
        CHECK_MESSAGE(errors.empty(), all);
    }

    TEST_CASE("byte_classes: next, find, next_not, last_before and any agree with naive loops") {
        rng r{0x5eed'0002};
        byte_classes simd;
        byte_classes portable;
        std::array<bool, 256> seen{};
        std::vector<std::string> errors;
        std::size_t checked = 0;
        for (std::size_t trial = 0; trial < 300; ++trial) {
            const std::size_t size = trial == 0 ? 0 : trial == 1 ? 700 : r.pick(701);
            std::vector<char> buffer(round_up(size));
            fill_random(r, buffer.data(), buffer.size(), seen);
            // Sparse classes too: long runs of one byte make the searches cross whole words.
            if (r.chance(30)) {
                std::fill(buffer.begin(), buffer.end(), r.chance(50) ? 'a' : ' ');
                for (std::size_t n = r.pick(4); n > 0 && size > 0; --n) {
                    buffer[r.pick(size)] = r.of(alphabet);
                }
            }
            const std::size_t from = r.pick(size / 64 + 1) * 64;
            simd.classify(buffer.data(), 0, size);
            portable.classify_portable(buffer.data(), 0, size);
            simd.classify(buffer.data(), from, size);
            portable.classify_portable(buffer.data(), from, size);
            for (unsigned k = 0; k < byte_classes::kinds; ++k) {
                check_queries(simd, static_cast<kind>(k), size, r, 150, errors);
                check_queries(portable, static_cast<kind>(k), size, r, 30, errors);
                checked += 180;
            }
        }
        CHECK(checked == std::size_t{300} * 180U * std::size_t{byte_classes::kinds});
        std::string all;
        for (const auto& e : errors) {
            all += e + "\n";
        }
        CHECK_MESSAGE(errors.empty(), all);
    }
}

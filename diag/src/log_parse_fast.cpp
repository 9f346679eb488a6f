// The fast path of the text line parser: the shape emqxd writes (a 24-byte timestamp, single
// spaces where the format has them, no escapes), read with the byte classes of the block
// instead of byte loops. Whatever it does not accept goes to the full parser, which gives the
// same result for every line this accepts (the unit tests compare the two on generated and
// mutated lines).
#include "log_time.hpp"
#include "words.hpp"

#include <emqx/diag/byte_classes.hpp>
#include <emqx/diag/log_record.hpp>

#include <algorithm>
#include <array>
#include <cstring>

namespace emqx::diag {

namespace {

using kinds = byte_classes;
using detail::load_word;
using detail::same_bytes;

constexpr std::uint64_t word_of(std::string_view text) noexcept {
    std::uint64_t word = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        word |= std::uint64_t{static_cast<unsigned char>(text[i])} << (8 * i);
    }
    return word;
}

// The level token of `size` bytes at `p` (readable for 8 bytes): the exact upper-case names
// by one compare each, anything else by parse_level.
std::optional<log_level> level_at(const char* p, std::size_t size) noexcept {
    std::uint64_t word = load_word(p);
    if (size == 4) {
        word &= 0xFFFF'FFFFULL;
        if (word == word_of("INFO")) {
            return log_level::info;
        }
        if (word == word_of("WARN")) {
            return log_level::warn;
        }
    } else if (size == 5) {
        word &= 0xFF'FFFF'FFFFULL;
        if (word == word_of("DEBUG")) {
            return log_level::debug;
        }
        if (word == word_of("ERROR")) {
            return log_level::error;
        }
        if (word == word_of("TRACE")) {
            return log_level::trace;
        }
    }
    return parse_level({p, size});
}

int digit(char ch) noexcept {
    return ch - '0';
}

// ---------------------------------------------------------------------------------------------
// Line shapes: emqxd writes a few dozen kinds of line, each with the same text from the level
// to its first '=' and the same later keys. A line whose first bytes name a known shape is
// parsed by comparing its head and finding only where each value ends.

// Shorter heads are not remembered: the lookup hashes this many bytes after the timestamp.
constexpr std::size_t head_hashed = 24;
constexpr std::size_t head_most = 512;

std::uint64_t hash_head(const char* p) noexcept {
    std::uint64_t h = load_word(p) * 0x9e3779b97f4a7c15ULL;
    h ^= load_word(p + 8) * 0xbf58476d1ce4e5b9ULL;
    h ^= load_word(p + 16) * 0x94d049bb133111ebULL;
    h ^= h >> 32;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 29);
}

} // namespace

struct line_shapes {
    /// " key=" of a field after the first, as the words that compare it.
    struct key {
        std::uint64_t first = 0; ///< its first eight bytes, zero-padded
        std::uint64_t last = 0;  ///< its last eight bytes, when it has more than eight
        std::size_t size = 0;
        std::string text; ///< the whole key, when the two words do not cover it (over 16 bytes)
    };
    struct shape {
        std::string head; ///< from the level on, through the first key's '=', or the whole rest
        std::uint64_t hash = 0;
        bool fields = false; ///< whether `head` ends with the first key's '='
        log_level level = log_level::info;
        std::size_t component = 0; ///< offsets into head
        std::size_t component_size = 0;
        std::size_t message = 0;
        std::size_t message_size = 0;
        std::size_t first_key = 0;
        std::vector<key> keys;
        std::array<std::uint8_t, known_fields> known{};
    };
    static constexpr std::size_t most = 512;
    std::vector<shape> shapes;
    std::array<std::uint16_t, 1024> index{}; ///< 1 + shape number, open addressing by hash

    /// The shape whose head the bytes at `p` (`room` of them before the '\n') start with.
    [[nodiscard]] const shape* find(const char* p, std::size_t room) const noexcept {
        const std::uint64_t hash = hash_head(p);
        for (std::size_t slot = hash % index.size(); index[slot] != 0;
             slot = (slot + 1) % index.size()) {
            const shape& s = shapes[index[slot] - 1U];
            // A head with fields ends at the line's first '=', so no other head with fields
            // starts with it; a head without fields is the whole rest of its line.
            const bool fits = s.fields ? s.head.size() <= room : s.head.size() == room;
            if (s.hash == hash && fits && same_bytes(s.head.data(), p, s.head.size())) {
                return &s;
            }
        }
        return nullptr;
    }

    void add(shape s) {
        std::size_t slot = s.hash % index.size();
        while (index[slot] != 0) {
            slot = (slot + 1) % index.size();
        }
        shapes.push_back(std::move(s));
        index[slot] = static_cast<std::uint16_t>(shapes.size());
    }
};

std::shared_ptr<line_shapes> make_line_shapes() {
    return std::make_shared<line_shapes>();
}

namespace {

line_shapes::key key_of(const char* p, std::size_t size) {
    line_shapes::key k;
    k.size = size;
    std::memcpy(&k.first, p, size < 8 ? size : 8);
    if (size > 8) {
        k.last = load_word(p + size - 8);
    }
    if (size > 16) {
        k.text.assign(p, size);
    }
    return k;
}

bool same_key(const char* p, const line_shapes::key& k) noexcept {
    std::uint64_t first = load_word(p); // the buffer is readable past the line
    if (k.size < 8) {
        first &= (std::uint64_t{1} << (8 * k.size)) - 1;
    }
    if (first != k.first || (k.size > 8 && load_word(p + k.size - 8) != k.last)) {
        return false;
    }
    // The bytes between the two words (" session_present=" has one): a key that differs only
    // there is another key, or no key at all (the fuzz target found "session[present=").
    return k.size <= 16 || same_bytes(k.text.data(), p, k.size);
}

// Parses a line of a known shape: true when it is one. `matched` is set to the shape whose head
// the line has, even when its fields then differ.
bool parse_shaped(const char* base,
                  std::size_t at,
                  std::size_t e,
                  const byte_classes::view& c,
                  const line_shapes& shapes,
                  log_view& out,
                  std::size_t& matched) {
    const std::size_t start = at + 25;
    if (e - at < 25 + head_hashed) {
        return false;
    }
    const line_shapes::shape* shape = shapes.find(base + start, e - start);
    if (shape == nullptr) {
        return false;
    }
    matched = static_cast<std::size_t>(shape - shapes.shapes.data());
    std::size_t pos = start + shape->head.size();
    out.fields.clear();
    if (!shape->fields) {
        if (pos != e) {
            return false;
        }
    } else {
        std::size_t key = start + shape->first_key;
        std::size_t key_size = shape->head.size() - 1 - shape->first_key;
        for (std::size_t i = 0;; ++i) {
            std::size_t value = pos;
            std::size_t value_end = 0;
            std::size_t end = 0;
            if (base[value] == '"') {
                value_end = c.next(kinds::quote, value + 1);
                if (value_end == e) {
                    return false;
                }
                ++value;
                end = value_end + 1;
            } else {
                if (base[value] == ' ') {
                    return false;
                }
                value_end = end = c.next(kinds::space, value);
            }
            out.fields.push_back(
                {{base + key, key_size}, {base + value, value_end - value}, false});
            if (i == shape->keys.size()) {
                if (end != e) {
                    return false;
                }
                break;
            }
            const auto& k = shape->keys[i];
            if (end + k.size > e || !same_key(base + end, k)) {
                return false;
            }
            key = end + 1;
            key_size = k.size - 2;
            pos = end + k.size;
        }
    }
    const char* head = base + start;
    out.known = shape->known;
    out.level = shape->level;
    out.component = {head + shape->component, shape->component_size};
    out.message = {head + shape->message, shape->message_size};
    out.shape = static_cast<std::uint32_t>(matched + 1);
    return true;
}

// After a line was parsed without its shape: remembers the shape (or, when its head matched a
// shape whose keys differ, that shape's keys become this line's). 1 + its number, else 0.
std::uint32_t learn(const char* base,
                    std::size_t at,
                    std::size_t e,
                    line_shapes& shapes,
                    const log_view& out,
                    std::size_t matched) {
    const std::size_t start = at + 25;
    const auto offset = [base](std::string_view v) {
        return static_cast<std::size_t>(v.data() - base);
    };
    const auto end_of = [&](const field_view& f) {
        const bool quoted = offset(f.value) == offset(f.key) + f.key.size() + 2;
        return offset(f.value) + f.value.size() + (quoted ? 1U : 0U);
    };
    std::size_t head_end = e;
    std::vector<line_shapes::key> keys;
    if (out.fields.empty()) {
        if (offset(out.message) + out.message.size() != e) {
            return 0;
        }
    } else {
        head_end = offset(out.fields.front().key) + out.fields.front().key.size() + 1;
        for (std::size_t i = 1; i < out.fields.size(); ++i) {
            const std::size_t previous_end = end_of(out.fields[i - 1]);
            if (offset(out.fields[i].key) != previous_end + 1) {
                return 0;
            }
            keys.push_back(key_of(base + previous_end, out.fields[i].key.size() + 2));
        }
        if (end_of(out.fields.back()) != e) {
            return 0;
        }
    }
    if (head_end - start < head_hashed || head_end - start > head_most) {
        return 0;
    }
    if (matched != ~std::size_t{0}) {
        auto& shape = shapes.shapes[matched];
        if (shape.fields == out.fields.empty() || shape.head.size() != head_end - start) {
            return 0; // not the same head after all (cannot happen: see find)
        }
        shape.keys = std::move(keys);
        shape.known = out.known;
        return static_cast<std::uint32_t>(matched + 1);
    }
    if (shapes.shapes.size() >= line_shapes::most) {
        return 0;
    }
    line_shapes::shape shape;
    shape.head.assign(base + start, head_end - start);
    shape.hash = hash_head(shape.head.data());
    shape.fields = !out.fields.empty();
    shape.level = out.level;
    shape.component = offset(out.component) - start;
    shape.component_size = out.component.size();
    shape.message = offset(out.message) - start;
    shape.message_size = out.message.size();
    shape.first_key = shape.fields ? offset(out.fields.front().key) - start : 0;
    shape.keys = std::move(keys);
    shape.known = out.known;
    shapes.add(std::move(shape));
    return static_cast<std::uint32_t>(shapes.shapes.size());
}

} // namespace

// Built twice, chosen at load time: x86-64-v3 has tzcnt/lzcnt, where the baseline's bsf needs
// a branch for a zero word, and this function counts zeros a dozen times a line.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
[[gnu::target_clones("arch=x86-64-v3", "default")]]
#endif
bool parse_text_fast(std::string_view line, const byte_classes& classes, std::size_t at, log_view& out) {
    const std::size_t e = at + line.size(); // the '\n'
    const auto c = classes.bits();
    if (line.size() < 26 || classes.any_bad(at, e)) {
        return false;
    }
    const char* p = line.data();
    const char* base = p - at;
    // "YYYY-MM-DDTHH:MM:SS.mmmZ " and a level right after the one space.
    if (p[10] != 'T' || p[16] != ':' || p[19] != '.' || p[23] != 'Z' || p[24] != ' ' ||
        p[25] == ' ' || !detail::is_digit(p[17]) || !detail::is_digit(p[18]) ||
        !detail::is_digit(p[20]) || !detail::is_digit(p[21]) || !detail::is_digit(p[22])) {
        return false;
    }
    const int second = digit(p[17]) * 10 + digit(p[18]);
    if (second > 60) {
        return false;
    }
    auto& cache = out.minute;
    if (!cache.valid || !same_bytes(p, cache.text.data(), cache.text.size())) {
        const auto minute = detail::minute_ms(line);
        if (!minute) {
            return false;
        }
        std::memcpy(cache.text.data(), p, cache.text.size());
        cache.unix_ms = *minute;
        cache.valid = true;
    }
    const std::int64_t unix_ms = cache.unix_ms + std::int64_t{second} * 1000 +
                                 (digit(p[20]) * 100 + digit(p[21]) * 10 + digit(p[22]));
    std::size_t matched = ~std::size_t{0};
    if (out.shapes && parse_shaped(base, at, e, c, *out.shapes, out, matched)) {
        out.unix_ms = unix_ms;
        return true;
    }
    // Each search below depends on as few others as possible: the first '=' is looked for
    // while the level and component are, and each field's parts hang off its '=' only, so
    // that the loads of different fields overlap instead of waiting on each other.
    const std::size_t level_end = c.next(kinds::space, at + 25);
    std::size_t equals = c.next(kinds::equals, at + 26);
    const auto level = level_at(p + 25, level_end - at - 25);
    if (!level) {
        return false;
    }
    const std::size_t component = c.next_not(kinds::space, level_end, e);
    if (component == e) {
        return false;
    }
    const std::size_t component_end = c.next(kinds::space, component);
    const std::size_t tail = c.next_not(kinds::space, component_end, e);

    out.fields.clear();
    std::size_t message_end = e;
    if (equals < e) {
        if (equals < tail) {
            return false; // a '=' in the level or the component
        }
        // The first '=' belongs to the first field: the words before its key are the message.
        std::size_t key = std::max(c.last_before(kinds::space, at + 26, equals) + 1, tail);
        message_end = key;
        std::size_t end = 0; // where the last field's value ended
        for (bool first = true;; first = false) {
            if (key >= equals || c.next(kinds::nonkey, key) != equals ||
                (!first && c.next_not(kinds::space, end, e) != key)) {
                return false; // not a key, or a word with no value between fields
            }
            std::size_t value = equals + 1;
            std::size_t value_end = 0;
            std::size_t next_equals = 0;
            if (base[value] == '"') {
                value_end = c.next(kinds::quote, value + 1);
                if (value_end == e) {
                    return false; // unterminated
                }
                ++value;
                end = value_end + 1;
                next_equals = c.next(kinds::equals, end);
            } else {
                if (base[value] == ' ') {
                    return false; // "key= value": the full parser's rules apply
                }
                value_end = end = c.next(kinds::space, value);
                next_equals = c.next(kinds::equals, value);
                if (next_equals < end) {
                    return false; // a '=' in an unquoted value
                }
            }
            out.fields.push_back(
                {{base + key, equals - key}, {base + value, value_end - value}, false});
            if (next_equals == e) {
                break;
            }
            const std::size_t space = c.last_before(kinds::space, equals, next_equals);
            key = space == next_equals ? end : space + 1;
            equals = next_equals;
        }
        if (c.next_not(kinds::space, end, e) != e) {
            return false; // a word with no value after the fields
        }
    }
    out.index_fields(); // rare: most lines take their shape's index
    while (message_end > tail && base[message_end - 1] == ' ') {
        --message_end;
    }
    out.unix_ms = unix_ms;
    out.level = *level;
    out.component = {base + component, component_end - component};
    out.message = {base + tail, message_end - tail};
    out.shape = out.shapes ? learn(base, at, e, *out.shapes, out, matched) : 0;
    return true;
}

} // namespace emqx::diag

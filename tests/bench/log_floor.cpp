// How fast could `emqxctl log analyze` ever be on this machine? This program does the least
// that any analysis of the benchmark log of scripts/bench-log.sh must do per line, and no more,
// so that its time is a floor under the real command's (issue 8; BENCHMARKS.md).
//
// It reads the file in 1 MB blocks, finds the line ends from 64-byte newline masks, reads each
// line's time (the seconds within a remembered minute), finds the line's kind by a hash of the
// 24 bytes after the timestamp, counts the lines of each kind with their last time, counts
// each connecting client id (what the flapping finding needs) in a prefetched open-addressing
// table, each disconnect reason, and the errors of each minute.
//
// It checks nothing: it trusts the generated layout (the timestamp at 0, the level at 25, a
// 6-byte client id right after a connect line's first '=', the disconnect reason told apart by
// the line's last eight bytes), parses no fields, and leaves out
// every other finding, the masking of the top messages, and the report. A real analysis, which
// must be right on any input, does all of this and more.
//
// Usage: log_floor FILE    (prints what it counted, so that no work can be left out)
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace {

constexpr std::size_t block = std::size_t{1} << 20;

std::uint64_t load_word(const char* p) noexcept {
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return w;
}

// One bit per byte of data[0, 64 * words) that is a '\n'.
void newline_masks_portable(const char* data, std::uint64_t* out, std::size_t words) noexcept {
    for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t bits = 0;
        for (std::size_t i = 0; i < 64; ++i) {
            bits |= std::uint64_t{data[w * 64 + i] == '\n'} << i;
        }
        out[w] = bits;
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("avx2")]] void
newline_masks_avx2(const char* data, std::uint64_t* out, std::size_t words) noexcept {
    const __m256i newline = _mm256_set1_epi8('\n');
    for (std::size_t w = 0; w < words; ++w) {
        const auto* p = reinterpret_cast<const __m256i*>(data + w * 64);
        const auto low = static_cast<std::uint32_t>(
            _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(p), newline)));
        const auto high = static_cast<std::uint32_t>(
            _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(p + 1), newline)));
        out[w] = low | (std::uint64_t{high} << 32);
    }
}
#endif

// --checked: four masks per 64 bytes, side by side: newline, space and quote (each with the
// newlines too: a search for the end of a value stops at the line's end), and bad (what a parser
// must leave to its careful path: a backslash, 0x7F, a control byte but tab and newline).
enum mask_kind : std::size_t { newline_mask, space_mask, quote_mask, bad_mask, masks_per_word };

bool is_bad(char ch) noexcept {
    const auto u = static_cast<unsigned char>(ch);
    return ch == '\\' || u == 0x7F || (u < 0x20 && ch != '\t' && ch != '\n');
}

void checked_masks_portable(const char* data, std::uint64_t* out, std::size_t words) noexcept {
    for (std::size_t w = 0; w < words; ++w) {
        std::array<std::uint64_t, masks_per_word> bits{};
        for (std::size_t i = 0; i < 64; ++i) {
            const char ch = data[w * 64 + i];
            bits[newline_mask] |= std::uint64_t{ch == '\n'} << i;
            bits[space_mask] |= std::uint64_t{ch == ' ' || ch == '\n'} << i;
            bits[quote_mask] |= std::uint64_t{ch == '"' || ch == '\n'} << i;
            bits[bad_mask] |= std::uint64_t{is_bad(ch)} << i;
        }
        std::memcpy(out + w * masks_per_word, bits.data(), sizeof bits);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("avx2")]] std::uint32_t mask(__m256i bytes) noexcept {
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(bytes));
}

[[gnu::target("avx2")]] void
checked_masks_avx2(const char* data, std::uint64_t* out, std::size_t words) noexcept {
    const __m256i newline = _mm256_set1_epi8('\n');
    const __m256i space = _mm256_set1_epi8(' ');
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    const __m256i del = _mm256_set1_epi8(0x7F);
    const __m256i tab = _mm256_set1_epi8('\t');
    const __m256i below_space = _mm256_set1_epi8(0x1F);
    for (std::size_t w = 0; w < words; ++w) {
        std::array<std::uint64_t, masks_per_word> bits{};
        for (std::size_t half = 0; half < 2; ++half) {
            const __m256i v =
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + w * 64 + half * 32));
            const __m256i nl = _mm256_cmpeq_epi8(v, newline);
            // A control byte: unsigned v <= 0x1F, that is min(v, 0x1F) == v.
            const __m256i control = _mm256_cmpeq_epi8(_mm256_min_epu8(v, below_space), v);
            const __m256i bad = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(v, backslash), _mm256_cmpeq_epi8(v, del)),
                _mm256_andnot_si256(_mm256_or_si256(nl, _mm256_cmpeq_epi8(v, tab)), control));
            const unsigned shift = static_cast<unsigned>(half * 32);
            bits[newline_mask] |= std::uint64_t{mask(nl)} << shift;
            bits[space_mask] |=
                std::uint64_t{mask(_mm256_or_si256(nl, _mm256_cmpeq_epi8(v, space)))} << shift;
            bits[quote_mask] |=
                std::uint64_t{mask(_mm256_or_si256(nl, _mm256_cmpeq_epi8(v, quote)))} << shift;
            bits[bad_mask] |= std::uint64_t{mask(bad)} << shift;
        }
        std::memcpy(out + w * masks_per_word, bits.data(), sizeof bits);
    }
}
#endif

using masks_fn = void (*)(const char*, std::uint64_t*, std::size_t) noexcept;

masks_fn pick_masks(bool checked) noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2")) {
        return checked ? checked_masks_avx2 : newline_masks_avx2;
    }
#endif
    return checked ? checked_masks_portable : newline_masks_portable;
}

// The first position at or after `pos` whose bit is set in masks of kind `k` (one exists: a
// '\n' ends every line, and a value searched for ends at one at the latest).
std::size_t next_bit(const std::uint64_t* masks, mask_kind k, std::size_t pos) noexcept {
    std::size_t w = pos >> 6;
    std::uint64_t bits = masks[w * masks_per_word + k] & (~std::uint64_t{0} << (pos & 63));
    while (bits == 0) {
        bits = masks[++w * masks_per_word + k];
    }
    return (w << 6) + static_cast<std::size_t>(__builtin_ctzll(bits));
}

// Whether any bit of kind `k` is set in [from, to).
bool any_bit(const std::uint64_t* masks, mask_kind k, std::size_t from, std::size_t to) noexcept {
    std::uint64_t bits =
        masks[(from >> 6) * masks_per_word + k] & (~std::uint64_t{0} << (from & 63));
    for (std::size_t w = from >> 6; (w << 6) < to; bits = masks[++w * masks_per_word + k]) {
        if (w == (to - 1) >> 6) {
            bits &= ~std::uint64_t{0} >> (63 - ((to - 1) & 63));
        }
        if (bits != 0) {
            return true;
        }
    }
    return false;
}

enum class kind : std::uint8_t { other, connect, disconnect, error };

// " key=" after a line's first value, as the words that compare it (--checked).
struct key_words {
    std::uint64_t first = 0;
    std::uint64_t last = 0; // the last eight bytes, when longer than eight
    std::size_t size = 0;
};

bool same_key(const char* p, const key_words& k) noexcept {
    std::uint64_t first = load_word(p);
    if (k.size < 8) {
        first &= (std::uint64_t{1} << (8 * k.size)) - 1;
    }
    return first == k.first && (k.size <= 8 || load_word(p + k.size - 8) == k.last);
}

struct line_kind {
    std::array<std::uint64_t, 3> head{};
    std::string full_head; // through the first '=' (--checked compares all of it)
    std::vector<key_words> keys;
    kind what = kind::other;
    bool used = false;
    std::size_t value = 0; // offset of the first value in the line
    std::uint64_t count = 0;
    std::int64_t last_ms = 0;
};

struct client_slot {
    std::uint64_t hash = 0;
    std::uint64_t count = 0;
};

std::uint64_t mix(std::uint64_t h) noexcept {
    h *= 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 31);
}

// The counts. The hot state is copied into locals for each block: as members, every store to
// a counter could alias them, and the compiler would reload them after each one.
class floor_counter {
public:
    floor_counter() : kinds_(1024), clients_(std::size_t{1} << 17), minutes_(1 << 16) {}

    // The lines of a block whose newline masks are `newlines` (`words` of them); `start` is
    // where the first line begins, and becomes where the unfinished last one does. The buffer
    // is readable 64 bytes past its last word.
    //
    // `checked`: `masks` holds the four masks of --checked, and each line is also checked as a
    // parser must before it trusts a line: no bad byte, the whole head, then each value's end
    // and the next key, the kind's keys in order. A line that fails is only counted as such.
    template <bool checked>
    void
    block(const char* base, const std::uint64_t* masks, std::size_t words, std::size_t& start) {
        constexpr std::size_t stride = checked ? std::size_t{masks_per_word} : std::size_t{1};
        line_kind* const kinds = kinds_.data();
        const std::size_t kinds_mask = kinds_.size() - 1;
        std::uint64_t* const minutes = minutes_.data();
        const std::size_t minutes_mask = minutes_.size() - 1;
        client_slot* const clients = clients_.data();
        const std::size_t clients_mask = clients_.size() - 1;
        std::size_t head_pending = pending_head_;
        std::size_t tail_pending = pending_tail_;
        std::uint64_t lines = 0;
        std::size_t at = start;
        for (std::size_t w = 0; w < words; ++w) {
            for (std::uint64_t bits = masks[w * stride]; bits != 0; bits &= bits - 1) {
                const std::size_t end = w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits));
                const std::size_t line_at = at;
                const char* p = base + at;
                const std::size_t size = end - at;
                at = end + 1;
                ++lines;
                if (size < 49) {
                    continue;
                }
                if (std::memcmp(p, minute_text_.data(), minute_text_.size()) != 0) {
                    std::memcpy(minute_text_.data(), p, minute_text_.size());
                    minute_ms_ += 60'000; // the log has no gap of a whole minute
                }
                const std::int64_t ms = minute_ms_ + ((p[17] - '0') * 10 + (p[18] - '0')) * 1000 +
                                        (p[20] - '0') * 100 + (p[21] - '0') * 10 + (p[22] - '0');
                const char* head = p + 25;
                const std::array<std::uint64_t, 3> head_words{
                    load_word(head), load_word(head + 8), load_word(head + 16)};
                // The three words hashed side by side, not one after the other.
                std::uint64_t h = (head_words[0] * 0x9e3779b97f4a7c15ULL) ^
                                  (head_words[1] * 0xbf58476d1ce4e5b9ULL) ^ head_words[2];
                h ^= h >> 29;
                std::size_t slot = h & kinds_mask;
                line_kind* kp = &kinds[slot];
                if (!kp->used) [[unlikely]] {
                    learn(*kp, head_words, p, size);
                } else if (((kp->head[0] ^ head_words[0]) | (kp->head[1] ^ head_words[1]) |
                            (kp->head[2] ^ head_words[2])) != 0) [[unlikely]] { // not memcmp
                    ++collisions_;
                }
                if constexpr (checked) {
                    // Kinds whose first 24 bytes agree ("authentication failed" and
                    // "... refused") take the next slots: the whole head tells them apart.
                    while (!same_head(base + line_at + 25, end - line_at - 25, *kp))
                        [[unlikely]] {
                            slot = (slot + 1) & kinds_mask;
                            kp = &kinds[slot];
                            if (!kp->used) {
                                learn(*kp, head_words, p, size);
                            }
                        }
                }
                line_kind& k = *kp;
                if constexpr (checked) {
                    if (any_bit(masks, bad_mask, line_at, end) ||
                        !well_formed(base, masks, line_at, end, k)) {
                        ++unchecked_;
                        continue;
                    }
                }
                ++k.count;
                k.last_ms = ms;
                switch (k.what) {
                case kind::connect: {
                    // Counted a few lines late: the slot is prefetched now.
                    const std::uint64_t id = mix(load_word(p + k.value) & 0xFFFF'FFFF'FFFFULL);
                    __builtin_prefetch(&clients[id & clients_mask]);
                    pending_[tail_pending++ % pending_.size()] = id;
                    if (tail_pending - head_pending > 8) {
                        apply(clients, clients_mask, pending_[head_pending++ % pending_.size()]);
                    }
                    break;
                }
                case kind::disconnect:
                    // The reason ends the line: its last eight bytes tell the reasons apart.
                    ++reasons_[mix(load_word(p + size - 8)) >> 58];
                    break;
                case kind::error:
                    ++minutes[static_cast<std::size_t>(ms / 60'000) & minutes_mask];
                    break;
                case kind::other: break;
                }
            }
        }
        pending_head_ = head_pending;
        pending_tail_ = tail_pending;
        lines_ += lines;
        start = at;
    }

    void finish() {
        while (pending_head_ != pending_tail_) {
            apply(
                clients_.data(), clients_.size() - 1, pending_[pending_head_++ % pending_.size()]);
        }
        std::uint64_t clients = 0;
        for (const auto& c : clients_) {
            clients += c.count != 0 ? 1U : 0U;
        }
        std::uint64_t errors = 0;
        for (const auto m : minutes_) {
            errors += m;
        }
        std::uint64_t reasons = 0;
        for (const auto r : reasons_) {
            reasons += r != 0 ? 1U : 0U;
        }
        std::uint64_t kinds = 0;
        for (const auto& k : kinds_) {
            kinds += k.used ? 1U : 0U;
        }
        std::printf("lines %llu, kinds %llu (hash collisions %llu), clients %llu, reasons %llu, "
                    "errors %llu\n",
                    static_cast<unsigned long long>(lines_),
                    static_cast<unsigned long long>(kinds),
                    static_cast<unsigned long long>(collisions_),
                    static_cast<unsigned long long>(clients),
                    static_cast<unsigned long long>(reasons),
                    static_cast<unsigned long long>(errors));
    }

    std::uint64_t unchecked() const noexcept { return unchecked_; }

private:
    // Whether the `room` bytes at `p` start with kind k's whole head (at least 24 bytes).
    static bool same_head(const char* p, std::size_t room, const line_kind& k) noexcept {
        const std::size_t n = k.full_head.size();
        if (room < n) {
            return false;
        }
        for (std::size_t i = 0; i + 8 < n; i += 8) {
            if (load_word(p + i) != load_word(k.full_head.data() + i)) {
                return false;
            }
        }
        return load_word(p + n - 8) == load_word(k.full_head.data() + n - 8);
    }

    // Whether the line [line, e), whose head is kind k's, has its values and keys.
    static bool well_formed(const char* base,
                            const std::uint64_t* masks,
                            std::size_t line,
                            std::size_t e,
                            const line_kind& k) noexcept {
        const std::size_t head_at = line + 25;
        const std::size_t n = k.full_head.size();
        if (k.full_head.back() != '=') {
            return head_at + n == e; // a line without fields is all head
        }
        std::size_t pos = head_at + n;
        for (std::size_t i = 0;; ++i) {
            std::size_t end = 0;
            if (base[pos] == '"') {
                const std::size_t close = next_bit(masks, quote_mask, pos + 1);
                if (close >= e) {
                    return false; // unterminated
                }
                end = close + 1;
            } else {
                if (base[pos] == ' ') {
                    return false;
                }
                end = next_bit(masks, space_mask, pos);
            }
            if (i == k.keys.size()) {
                return end == e;
            }
            const key_words& key = k.keys[i];
            if (end + key.size > e || !same_key(base + end, key)) {
                return false;
            }
            pos = end + key.size;
        }
    }

    static void learn(line_kind& k,
                      const std::array<std::uint64_t, 3>& words,
                      const char* p,
                      std::size_t size) {
        const std::string_view rest{p + 25, size - 25};
        k.used = true;
        k.head = words;
        const auto equals = rest.find('=');
        k.value = equals == std::string_view::npos ? size : 25 + equals + 1;
        k.full_head.assign(
            rest.substr(0, equals == std::string_view::npos ? rest.size() : equals + 1));
        // The keys after the first value, from this line (the generated values are plain words
        // or, last, a quoted text).
        for (std::size_t pos = k.value; pos < size;) {
            const std::size_t end = p[pos] == '"' ? std::string_view{p, size}.find('"', pos + 1) + 1
                                                  : std::string_view{p, size}.find(' ', pos);
            if (end == std::string_view::npos || end >= size) {
                break;
            }
            const std::size_t key_end = std::string_view{p, size}.find('=', end);
            if (key_end == std::string_view::npos) {
                break;
            }
            key_words key;
            key.size = key_end + 1 - end;
            std::memcpy(&key.first, p + end, std::min<std::size_t>(key.size, 8));
            if (key.size > 8) {
                key.last = load_word(p + end + key.size - 8);
            }
            k.keys.push_back(key);
            pos = key_end + 1;
        }
        k.what = rest.starts_with("INFO  mqtt client connected ")      ? kind::connect
                 : rest.starts_with("INFO  mqtt client disconnected ") ? kind::disconnect
                 : rest.starts_with("ERROR")                           ? kind::error
                                                                       : kind::other;
    }

    static void apply(client_slot* clients, std::size_t mask, std::uint64_t hash) {
        std::size_t i = hash & mask;
        while (clients[i].count != 0 && clients[i].hash != hash) {
            i = (i + 1) & mask;
        }
        clients[i].hash = hash;
        ++clients[i].count;
    }

    std::vector<line_kind> kinds_;
    std::vector<client_slot> clients_;
    std::vector<std::uint64_t> minutes_;
    std::array<std::uint64_t, 64> reasons_{};
    std::array<std::uint64_t, 16> pending_{};
    std::size_t pending_head_ = 0;
    std::size_t pending_tail_ = 0;
    std::array<char, 16> minute_text_{};
    std::int64_t minute_ms_ = 0;
    std::uint64_t lines_ = 0;
    std::uint64_t collisions_ = 0;
    std::uint64_t unchecked_ = 0;
};

} // namespace

int main(int argc, char** argv) {
    const bool checked = argc == 3 && std::string_view{argv[1]} == "--checked";
    if (argc != 2 && !checked) {
        std::fprintf(stderr, "usage: log_floor [--checked] FILE\n");
        return 64;
    }
    const char* path = argv[argc - 1];
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        std::perror(path);
        return 66;
    }
    const masks_fn masks = pick_masks(checked);
    std::vector<char> buffer(2 * block + 128);
    std::vector<std::uint64_t> mask_words((2 * block / 64 + 2) * masks_per_word);
    floor_counter counter;
    std::size_t kept = 0; // the start of an unfinished line, moved to the front
    for (;;) {
        const ssize_t got = ::read(fd, buffer.data() + kept, block);
        if (got <= 0) {
            break;
        }
        const std::size_t end = kept + static_cast<std::size_t>(got);
        std::memset(buffer.data() + end, 0, 64);
        const std::size_t words = (end + 63) / 64;
        masks(buffer.data(), mask_words.data(), words);
        std::size_t start = 0;
        if (checked) {
            counter.block<true>(buffer.data(), mask_words.data(), words, start);
        } else {
            counter.block<false>(buffer.data(), mask_words.data(), words, start);
        }
        kept = end - start;
        if (kept > block) {
            kept = 0; // a line longer than a block is left out: the benchmark log has none
        }
        std::memmove(buffer.data(), buffer.data() + start, kept);
    }
    ::close(fd);
    counter.finish();
    if (checked) {
        std::printf("lines that failed the checks %llu\n",
                    static_cast<unsigned long long>(counter.unchecked()));
    }
    return 0;
}

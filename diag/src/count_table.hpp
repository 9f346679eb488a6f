// A counter per distinct string for the log analysis' hot loop: open addressing, the keys in
// one arena, a hash made for short keys; one probe per line in the common case.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::diag {

/// A fast 64-bit hash of a short string (client ids, reasons, messages): eight bytes a step.
[[nodiscard]] inline std::uint64_t short_hash(std::string_view text) noexcept {
    constexpr std::uint64_t k1 = 0xbf58476d1ce4e5b9ULL;
    constexpr std::uint64_t k2 = 0x94d049bb133111ebULL;
    std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ text.size();
    const char* p = text.data();
    const std::size_t size = text.size();
    std::uint64_t word = 0;
    if (size >= 8) {
        for (std::size_t i = 0; i + 8 < size; i += 8) {
            std::memcpy(&word, p + i, 8);
            h = (h ^ word) * k1;
            h ^= h >> 31;
        }
        std::memcpy(&word, p + size - 8, 8); // the last eight, overlapping: no partial copy
    } else if (size >= 4) {
        std::uint32_t head = 0;
        std::uint32_t tail = 0;
        std::memcpy(&head, p, 4);
        std::memcpy(&tail, p + size - 4, 4);
        word = head | (std::uint64_t{tail} << 32);
    } else if (size > 0) {
        word = static_cast<unsigned char>(p[0]) | (std::uint64_t{static_cast<unsigned char>(p[size / 2])} << 8) |
               (std::uint64_t{static_cast<unsigned char>(p[size - 1])} << 16);
    }
    h = (h ^ word) * k1;
    h ^= h >> 29;
    h *= k2;
    return h ^ (h >> 32);
}

/// Counts occurrences of strings; the result comes out ordered by key.
class count_table {
public:
    /// Starts loading the slot of a key of this hash, so that add() a little later does not
    /// wait for memory: a table of many client ids does not fit in the cache.
    void prefetch(std::uint64_t hash) const noexcept {
        if (!slots_.empty()) {
            __builtin_prefetch(&slots_[static_cast<std::size_t>(hash) & (slots_.size() - 1)]);
        }
    }

    void add(std::string_view key) { add(key, short_hash(key)); }

    /// add() with the key's short_hash already known.
    void add(std::string_view key, std::uint64_t hash) {
        if ((used_ + 1) * 2 > slots_.size()) {
            grow();
        }
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
            slot& s = slots_[i];
            if (s.count == 0) {
                s = {hash, 1, static_cast<std::uint32_t>(keys_.size()),
                     static_cast<std::uint32_t>(key.size()), prefix_of(key)};
                keys_.append(key);
                ++used_;
                return;
            }
            // A key of up to 8 bytes is compared in the slot, without touching the arena.
            if (s.hash == hash && s.size == key.size() && s.prefix == prefix_of(key) &&
                (key.size() <= 8 || same_rest(keys_.data() + s.offset, key))) {
                ++s.count;
                return;
            }
        }
    }

    /// The keys counted at least `minimum` times, with their counts.
    [[nodiscard]] std::map<std::string, std::uint64_t> ordered(std::uint64_t minimum = 1) const {
        std::map<std::string, std::uint64_t> out;
        for (const slot& s : slots_) {
            if (s.count > 0 && s.count >= minimum) {
                out.emplace(keys_.substr(s.offset, s.size), s.count);
            }
        }
        return out;
    }

    void clear() {
        slots_.clear();
        keys_.clear();
        used_ = 0;
    }

private:
    struct slot {
        std::uint64_t hash = 0;
        std::uint64_t count = 0; ///< 0: empty
        std::uint32_t offset = 0;
        std::uint32_t size = 0;
        std::uint64_t prefix = 0; ///< the first 8 bytes of the key, zero-padded
    };

    // Bytes 8.. of `key` against the same bytes at `stored`, eight at a time (the last eight
    // overlap): keys are short, and a call to memcmp per line showed.
    static bool same_rest(const char* stored, std::string_view key) noexcept {
        const std::size_t n = key.size();
        for (std::size_t i = 8; i + 8 < n; i += 8) {
            std::uint64_t a = 0;
            std::uint64_t b = 0;
            std::memcpy(&a, stored + i, 8);
            std::memcpy(&b, key.data() + i, 8);
            if (a != b) {
                return false;
            }
        }
        std::uint64_t a = 0;
        std::uint64_t b = 0;
        std::memcpy(&a, stored + n - 8, 8);
        std::memcpy(&b, key.data() + n - 8, 8);
        return a == b;
    }

    static std::uint64_t prefix_of(std::string_view key) noexcept {
        std::uint64_t prefix = 0;
        if (!key.empty()) {
            std::memcpy(&prefix, key.data(), key.size() < 8 ? key.size() : 8);
        }
        return prefix;
    }

    void grow() {
        std::vector<slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 64 : old.size() * 2, slot{});
        const std::size_t mask = slots_.size() - 1;
        for (const slot& s : old) {
            if (s.count == 0) {
                continue;
            }
            std::size_t i = static_cast<std::size_t>(s.hash) & mask;
            while (slots_[i].count != 0) {
                i = (i + 1) & mask;
            }
            slots_[i] = s;
        }
    }

    std::vector<slot> slots_;
    std::string keys_;
    std::size_t used_ = 0;
};

} // namespace emqx::diag

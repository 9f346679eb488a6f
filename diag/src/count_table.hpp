// A counter per distinct string for the log analysis' hot loop: open addressing, the keys in
// one arena, a hash made for short keys; one probe per line in the common case.
#pragma once

#include "words.hpp"

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
    for (std::size_t i = 0; i + 8 < size; i += 8) {
        h = (h ^ detail::load_word(p + i)) * k1;
        h ^= h >> 31;
    }
    // The last eight bytes (overlapping the words before), or the whole of a shorter key.
    const std::uint64_t word =
        size >= 8 ? detail::load_word(p + size - 8) : detail::short_word(p, size);
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
                s = {hash,
                     1,
                     static_cast<std::uint32_t>(keys_.size()),
                     static_cast<std::uint32_t>(key.size()),
                     prefix_of(key)};
                keys_.append(key);
                ++used_;
                return;
            }
            // A key of up to 8 bytes is compared in the slot, without touching the arena.
            if (s.hash == hash && s.size == key.size() && s.prefix == prefix_of(key) &&
                (key.size() <= 8 ||
                 detail::same_bytes(keys_.data() + s.offset, key.data(), key.size()))) {
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

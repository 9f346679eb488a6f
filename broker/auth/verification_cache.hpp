// Recent successful logins, so that a reconnect storm of legitimate clients does not make the
// broker compute thousands of slow hashes for passwords it checked a moment ago.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace emqx::broker::auth {

using time_point = std::chrono::steady_clock::time_point;

struct cache_policy {
    /// How long a success is remembered, from the verification; 0 disables the cache.
    std::chrono::milliseconds ttl{60'000};
    std::size_t max_entries = 10'000; ///< 0 disables the cache
};

/// A (username, password) pair as the cache knows it: HMAC-SHA-256 under a key drawn at
/// random when the cache is made, so the cache never holds the password nor an unkeyed hash
/// of it that could be attacked offline.
using cache_key = std::array<unsigned char, 32>;

/// Successful (username, password) pairs for `ttl`. Pure (the time is passed in); not
/// thread-safe: it lives on the event-loop thread. Use: key() at CONNECT; contains() true
/// means accepted without verify(); else verify() on the workers and insert() on success.
/// clear() on SIGHUP, since users or passwords may have changed.
class verification_cache {
public:
    /// Throws std::runtime_error when no random key can be had (a broken system).
    explicit verification_cache(cache_policy policy = {});

    /// The cache key of `username` with `password`. Cheap (one HMAC over a few bytes).
    [[nodiscard]] cache_key key(std::string_view username, std::string_view password) const;

    /// True when `key` was inserted less than ttl ago and not cleared since.
    [[nodiscard]] bool contains(const cache_key& key, time_point now) const;

    /// Remembers a success until now + ttl. At max_entries the oldest entry is forgotten.
    void insert(const cache_key& key, time_point now);

    /// Forgets entries past their time (the other calls ignore them; this frees them).
    void expire(time_point now);

    /// Forgets everything (SIGHUP: users or passwords changed).
    void clear() noexcept;

    /// Changes the policy; clears the cache, which a new ttl or bound would otherwise not
    /// apply to.
    void set_policy(const cache_policy& policy);

    [[nodiscard]] const cache_policy& policy() const noexcept { return policy_; }
    [[nodiscard]] std::size_t size() const noexcept { return by_key_.size(); }

private:
    struct key_hash {
        std::size_t operator()(const cache_key& k) const noexcept {
            // The key is an HMAC output: any 8 of its bytes are already uniformly spread.
            std::size_t h = 0;
            std::memcpy(&h, k.data(), sizeof h);
            return h;
        }
    };

    struct entry {
        cache_key key;
        time_point expires_at;
    };

    void pop_oldest();

    cache_policy policy_;
    std::string secret_;
    std::list<entry> by_age_; ///< oldest first (the ttl is the same for all, so soonest to expire)
    std::unordered_map<cache_key, std::list<entry>::iterator, key_hash> by_key_;
};

} // namespace emqx::broker::auth

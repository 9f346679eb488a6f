// The cache of recent successful logins: keyed HMACs, oldest-first eviction, expiry by time.
#include "auth/verification_cache.hpp"

#include "auth/digest.hpp"

#include <cstdint>
#include <stdexcept>

namespace emqx::broker::auth {

verification_cache::verification_cache(cache_policy policy)
    : policy_(policy), secret_(detail::random_bytes(32)) {
}

cache_key verification_cache::key(std::string_view username, std::string_view password) const {
    // The username's length goes first, so that ("ab", "c") and ("a", "bc") differ.
    const auto length = static_cast<std::uint32_t>(username.size());
    std::string data;
    data.reserve(4 + username.size() + password.size());
    for (int shift = 24; shift >= 0; shift -= 8) {
        data.push_back(static_cast<char>((length >> static_cast<unsigned>(shift)) & 0xFFU));
    }
    data.append(username);
    data.append(password);
    const auto mac = detail::hmac_sha256(secret_, data);
    detail::wipe(data);
    if (!mac) {
        throw std::runtime_error("HMAC-SHA-256 failed");
    }
    return *mac;
}

bool verification_cache::contains(const cache_key& key, time_point now) const {
    const auto it = by_key_.find(key);
    return it != by_key_.end() && now < it->second->expires_at;
}

void verification_cache::insert(const cache_key& key, time_point now) {
    if (policy_.ttl.count() <= 0 || policy_.max_entries == 0) {
        return;
    }
    if (const auto it = by_key_.find(key); it != by_key_.end()) {
        by_age_.erase(it->second);
        by_key_.erase(it);
    }
    expire(now);
    while (by_key_.size() >= policy_.max_entries) {
        pop_oldest();
    }
    by_age_.push_back(entry{key, now + policy_.ttl});
    by_key_.emplace(key, std::prev(by_age_.end()));
}

void verification_cache::expire(time_point now) {
    while (!by_age_.empty() && now >= by_age_.front().expires_at) {
        pop_oldest();
    }
}

void verification_cache::clear() noexcept {
    by_key_.clear();
    by_age_.clear();
}

void verification_cache::set_policy(const cache_policy& policy) {
    policy_ = policy;
    clear();
}

void verification_cache::pop_oldest() {
    by_key_.erase(by_age_.front().key);
    by_age_.pop_front();
}

} // namespace emqx::broker::auth

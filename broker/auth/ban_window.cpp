// Failures per address in a sliding window, bans, and the bound on how many addresses are kept.
#include "auth/ban_window.hpp"

#include <algorithm>

namespace emqx::broker::auth {

ban_window::ban_window(ban_policy policy) {
    set_policy(policy);
}

bool ban_window::is_banned(std::string_view address, time_point now) const {
    const auto it = entries_.find(address);
    return it != entries_.end() && now < it->second.banned_until;
}

bool ban_window::record_failure(std::string_view address, time_point now) {
    if (policy_.max_failures == 0) {
        return false;
    }
    const auto it = find_or_add(address);
    entry& e = it->second;
    lru_.splice(lru_.end(), lru_, e.lru);
    if (now < e.banned_until) {
        // Verifications already running when the ban began come back as failures: they do
        // not lengthen it, so that a ban ends at a time the operator can predict.
        return false;
    }
    // Only failures less than one window old count; the vector holds at most max_failures.
    const auto first_kept = std::find_if(e.failures.begin(), e.failures.end(), [&](time_point t) {
        return now - t < policy_.window;
    });
    e.failures.erase(e.failures.begin(), first_kept);
    e.failures.push_back(now);
    if (e.failures.size() < policy_.max_failures) {
        return false;
    }
    e.failures.clear();
    e.banned_until = now + policy_.duration;
    return true;
}

void ban_window::record_success(std::string_view address, time_point now) {
    const auto it = entries_.find(address);
    if (it == entries_.end()) {
        return;
    }
    // The failures are forgiven, a running ban is not: a verification that started before the
    // ban may succeed after it, and must not lift a ban earned by other attempts.
    it->second.failures.clear();
    if (stale(it->second, now)) {
        erase(it);
    }
}

void ban_window::expire(time_point now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        const auto next = std::next(it);
        if (stale(it->second, now)) {
            erase(it);
        }
        it = next;
    }
}

void ban_window::set_policy(const ban_policy& policy) {
    policy_ = policy;
    policy_.max_addresses = std::max<std::size_t>(policy_.max_addresses, 1);
    while (entries_.size() > policy_.max_addresses) {
        erase(entries_.find(*lru_.front()));
    }
}

bool ban_window::stale(const entry& e, time_point now) const noexcept {
    return now >= e.banned_until &&
           (e.failures.empty() || now - e.failures.back() >= policy_.window);
}

ban_window::entry_map::iterator ban_window::find_or_add(std::string_view address) {
    if (const auto it = entries_.find(address); it != entries_.end()) {
        return it;
    }
    if (entries_.size() >= policy_.max_addresses) {
        // The least recently active address goes, banned or not: an attacker who controls
        // more addresses than the bound could flush bans, but memory stays bounded.
        erase(entries_.find(*lru_.front()));
    }
    const auto it = entries_.emplace(std::string(address), entry{}).first;
    it->second.lru = lru_.insert(lru_.end(), &it->first);
    return it;
}

void ban_window::erase(entry_map::iterator it) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
}

} // namespace emqx::broker::auth

// Slowing down password guessing: an address that fails authentication too often within a
// window is refused for a while, before any hash is computed for it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace emqx::broker::auth {

using time_point = std::chrono::steady_clock::time_point;

struct ban_policy {
    /// Failures within `window` that ban the address; 0 disables banning.
    std::size_t max_failures = 5;
    std::chrono::milliseconds window{60'000};
    std::chrono::milliseconds duration{300'000}; ///< how long a ban lasts
    /// Addresses tracked at most (failing or banned); beyond it the least recently active
    /// one is forgotten, so that a flood of addresses cannot grow memory without bound.
    std::size_t max_addresses = 10'000;
};

/// Failures and bans per peer address. Pure: the time is passed in and nothing is read from a
/// clock. Not thread-safe: it lives on the event-loop thread.
///
/// Give it the peer's IP address without the port: every connection comes from a new port.
class ban_window {
public:
    explicit ban_window(ban_policy policy = {});

    /// True while `address` is banned: refuse it before verifying anything.
    [[nodiscard]] bool is_banned(std::string_view address, time_point now) const;

    /// Counts a failed authentication. Returns true when this failure bans the address (the
    /// moment to log it once); a failure while banned neither counts nor extends the ban.
    bool record_failure(std::string_view address, time_point now);

    /// A successful authentication forgets the address's failures; a running ban stays (a
    /// verification begun before the ban may succeed after it). Note that a client with one
    /// valid login can thus reset its address's count between guesses at other users.
    void record_success(std::string_view address, time_point now);

    /// Forgets addresses whose ban is over and whose failures have all left the window. The
    /// other calls do this for the address they touch; call this now and then (on a tick) so
    /// that addresses never seen again are dropped too.
    void expire(time_point now);

    /// Changes the policy (SIGHUP). Running bans keep their end time; a smaller max_addresses
    /// forgets the least recently active addresses at once. max_addresses 0 counts as 1.
    void set_policy(const ban_policy& policy);

    [[nodiscard]] const ban_policy& policy() const noexcept { return policy_; }

    /// Addresses tracked now (memory bound check; tests).
    [[nodiscard]] std::size_t tracked() const noexcept { return entries_.size(); }

private:
    struct address_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    struct entry {
        /// Times of the latest failures, oldest first, at most max_failures of them: the
        /// address is banned when max_failures of them fall within one window.
        std::vector<time_point> failures;
        time_point banned_until{};
        std::list<const std::string*>::iterator lru; ///< position in lru_, newest at the back
    };

    using entry_map = std::unordered_map<std::string, entry, address_hash, std::equal_to<>>;

    [[nodiscard]] bool stale(const entry& e, time_point now) const noexcept;
    entry_map::iterator find_or_add(std::string_view address);
    void erase(entry_map::iterator it);

    ban_policy policy_;
    entry_map entries_;
    std::list<const std::string*> lru_; ///< keys of entries_ by last activity
};

} // namespace emqx::broker::auth

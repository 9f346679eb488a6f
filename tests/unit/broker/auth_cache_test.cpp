// The cache of recent successful logins: hits, expiry, other passwords and users missing,
// the bound on its size, and clearing on reload.
#include "auth/verification_cache.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace emqx::broker::auth;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

const time_point t0{}; // the tests' origin of time

cache_policy policy(std::size_t max_entries = 100) {
    cache_policy p;
    p.ttl = 60s;
    p.max_entries = max_entries;
    return p;
}

} // namespace

TEST_SUITE("broker::auth::verification_cache") {
    TEST_CASE("a remembered success is a hit for the same username and password") {
        verification_cache c{policy()};
        CHECK_FALSE(c.contains(c.key("alice", "pw"), t0));
        c.insert(c.key("alice", "pw"), t0);
        CHECK(c.contains(c.key("alice", "pw"), t0));
        CHECK(c.contains(c.key("alice", "pw"), t0 + 59s));
        CHECK(c.size() == 1);
    }

    TEST_CASE("a success is forgotten once its ttl has passed") {
        verification_cache c{policy()};
        c.insert(c.key("alice", "pw"), t0);
        CHECK_FALSE(c.contains(c.key("alice", "pw"), t0 + 60s));
        c.expire(t0 + 60s);
        CHECK(c.size() == 0);
    }

    TEST_CASE("inserting again restarts the ttl") {
        verification_cache c{policy()};
        c.insert(c.key("alice", "pw"), t0);
        c.insert(c.key("alice", "pw"), t0 + 30s);
        CHECK(c.size() == 1);
        CHECK(c.contains(c.key("alice", "pw"), t0 + 89s));
        CHECK_FALSE(c.contains(c.key("alice", "pw"), t0 + 90s));
    }

    TEST_CASE("another password, another user or a shifted split between them misses") {
        verification_cache c{policy()};
        c.insert(c.key("alice", "pw"), t0);
        CHECK_FALSE(c.contains(c.key("alice", "pW"), t0));
        CHECK_FALSE(c.contains(c.key("alice", "pw "), t0));
        CHECK_FALSE(c.contains(c.key("alice", ""), t0));
        CHECK_FALSE(c.contains(c.key("bob", "pw"), t0));
        CHECK_FALSE(c.contains(c.key("alicep", "w"), t0));
        CHECK_FALSE(c.contains(c.key("alic", "epw"), t0));
        CHECK_FALSE(c.contains(c.key("alice", "pw\0"s), t0));
    }

    TEST_CASE("keys are the same within one cache and differ between caches") {
        verification_cache a{policy()};
        verification_cache b{policy()};
        CHECK(a.key("alice", "pw") == a.key("alice", "pw"));
        CHECK(a.key("alice", "pw") != b.key("alice", "pw"));
    }

    TEST_CASE("the size stays within the bound, the oldest entry going first") {
        verification_cache c{policy(3)};
        c.insert(c.key("u1", "pw"), t0);
        c.insert(c.key("u2", "pw"), t0 + 1s);
        c.insert(c.key("u3", "pw"), t0 + 2s);
        c.insert(c.key("u4", "pw"), t0 + 3s);
        CHECK(c.size() == 3);
        CHECK_FALSE(c.contains(c.key("u1", "pw"), t0 + 3s));
        CHECK(c.contains(c.key("u2", "pw"), t0 + 3s));
        CHECK(c.contains(c.key("u4", "pw"), t0 + 3s));
        for (int i = 0; i < 1000; ++i) {
            c.insert(c.key("flood-" + std::to_string(i), "pw"), t0 + 4s);
        }
        CHECK(c.size() == 3);
    }

    TEST_CASE("expired entries make room before live ones are dropped") {
        verification_cache c{policy(2)};
        c.insert(c.key("old", "pw"), t0);
        c.insert(c.key("live", "pw"), t0 + 30s);
        c.insert(c.key("new", "pw"), t0 + 61s); // "old" has expired: it goes, "live" stays
        CHECK(c.contains(c.key("live", "pw"), t0 + 61s));
        CHECK(c.contains(c.key("new", "pw"), t0 + 61s));
        CHECK(c.size() == 2);
    }

    TEST_CASE("clear forgets everything (reload)") {
        verification_cache c{policy()};
        c.insert(c.key("alice", "pw"), t0);
        c.insert(c.key("bob", "pw"), t0);
        c.clear();
        CHECK(c.size() == 0);
        CHECK_FALSE(c.contains(c.key("alice", "pw"), t0));
    }

    TEST_CASE("a ttl or bound of 0 disables the cache") {
        auto no_ttl = policy();
        no_ttl.ttl = 0s;
        verification_cache a{no_ttl};
        a.insert(a.key("alice", "pw"), t0);
        CHECK_FALSE(a.contains(a.key("alice", "pw"), t0));
        verification_cache b{policy(0)};
        b.insert(b.key("alice", "pw"), t0);
        CHECK_FALSE(b.contains(b.key("alice", "pw"), t0));
        CHECK(b.size() == 0);
    }

    TEST_CASE("a new policy clears the cache") {
        verification_cache c{policy()};
        c.insert(c.key("alice", "pw"), t0);
        auto p = policy();
        p.ttl = 5s;
        c.set_policy(p);
        CHECK(c.size() == 0);
        c.insert(c.key("alice", "pw"), t0);
        CHECK_FALSE(c.contains(c.key("alice", "pw"), t0 + 5s));
    }
}

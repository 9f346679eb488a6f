// The ban window: failures counted per address in a sliding window, bans and their end,
// success forgiving failures, and the bound on tracked addresses.
#include "auth/ban_window.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace emqx::broker::auth;
using namespace std::chrono_literals;

namespace {

const time_point t0{}; // the tests' origin of time

ban_policy policy(std::size_t max_failures = 3) {
    ban_policy p;
    p.max_failures = max_failures;
    p.window = 60s;
    p.duration = 300s;
    p.max_addresses = 100;
    return p;
}

} // namespace

TEST_SUITE("broker::auth::ban_window") {
    TEST_CASE("failures below the limit do not ban") {
        ban_window w{policy(3)};
        CHECK_FALSE(w.is_banned("10.0.0.1", t0));
        CHECK_FALSE(w.record_failure("10.0.0.1", t0));
        CHECK_FALSE(w.record_failure("10.0.0.1", t0 + 1s));
        CHECK_FALSE(w.is_banned("10.0.0.1", t0 + 2s));
    }

    TEST_CASE("the failure that reaches the limit bans the address, and says so once") {
        ban_window w{policy(3)};
        CHECK_FALSE(w.record_failure("10.0.0.1", t0));
        CHECK_FALSE(w.record_failure("10.0.0.1", t0 + 1s));
        CHECK(w.record_failure("10.0.0.1", t0 + 2s));
        CHECK(w.is_banned("10.0.0.1", t0 + 2s));
        CHECK_FALSE(w.record_failure("10.0.0.1", t0 + 3s)); // above the limit: already banned
        CHECK(w.is_banned("10.0.0.1", t0 + 3s));
    }

    TEST_CASE("a ban concerns its address only") {
        ban_window w{policy(2)};
        (void)w.record_failure("10.0.0.1", t0);
        CHECK(w.record_failure("10.0.0.1", t0));
        CHECK(w.is_banned("10.0.0.1", t0));
        CHECK_FALSE(w.is_banned("10.0.0.2", t0));
        CHECK_FALSE(w.is_banned("10.0.0.10", t0));
        CHECK_FALSE(w.record_failure("10.0.0.2", t0));
    }

    TEST_CASE("failures older than the window stop counting as it slides") {
        ban_window w{policy(3)};
        (void)w.record_failure("a", t0);
        (void)w.record_failure("a", t0 + 30s);
        // At t0+60s the first failure is a full window old: only two count.
        CHECK_FALSE(w.record_failure("a", t0 + 60s));
        CHECK_FALSE(w.is_banned("a", t0 + 60s));
        // Now t0+30s, t0+60s and t0+89s lie within 60 s of each other.
        CHECK(w.record_failure("a", t0 + 89s));
        CHECK(w.is_banned("a", t0 + 89s));
    }

    TEST_CASE("failures spread wider than the window never ban") {
        ban_window w{policy(3)};
        for (int i = 0; i < 20; ++i) {
            CHECK_FALSE(w.record_failure("a", t0 + i * 31s));
        }
        CHECK_FALSE(w.is_banned("a", t0 + 20 * 31s));
    }

    TEST_CASE("a ban ends after its duration and the count starts afresh") {
        ban_window w{policy(2)};
        (void)w.record_failure("a", t0);
        REQUIRE(w.record_failure("a", t0 + 1s));
        CHECK(w.is_banned("a", t0 + 300s));
        CHECK_FALSE(w.is_banned("a", t0 + 301s));
        CHECK_FALSE(w.record_failure("a", t0 + 302s));
        CHECK_FALSE(w.is_banned("a", t0 + 302s));
        CHECK(w.record_failure("a", t0 + 303s));
        CHECK(w.is_banned("a", t0 + 303s));
    }

    TEST_CASE("failures during a ban do not lengthen it") {
        ban_window w{policy(2)};
        (void)w.record_failure("a", t0);
        REQUIRE(w.record_failure("a", t0));
        for (int i = 1; i < 10; ++i) {
            (void)w.record_failure("a", t0 + i * 29s);
        }
        CHECK_FALSE(w.is_banned("a", t0 + 300s));
    }

    TEST_CASE("a success forgets the failures before it") {
        ban_window w{policy(3)};
        (void)w.record_failure("a", t0);
        (void)w.record_failure("a", t0 + 1s);
        w.record_success("a", t0 + 2s);
        CHECK_FALSE(w.record_failure("a", t0 + 3s));
        CHECK_FALSE(w.record_failure("a", t0 + 4s));
        CHECK(w.record_failure("a", t0 + 5s));
    }

    TEST_CASE("a success does not lift a running ban") {
        ban_window w{policy(2)};
        (void)w.record_failure("a", t0);
        REQUIRE(w.record_failure("a", t0));
        w.record_success("a", t0 + 1s);
        CHECK(w.is_banned("a", t0 + 1s));
        CHECK_FALSE(w.is_banned("a", t0 + 300s));
    }

    TEST_CASE("max_failures 0 never bans") {
        ban_window w{policy(0)};
        for (int i = 0; i < 100; ++i) {
            CHECK_FALSE(w.record_failure("a", t0));
        }
        CHECK_FALSE(w.is_banned("a", t0));
        CHECK(w.tracked() == 0);
    }

    TEST_CASE("max_failures 1 bans at the first failure") {
        ban_window w{policy(1)};
        CHECK(w.record_failure("a", t0));
        CHECK(w.is_banned("a", t0));
    }

    TEST_CASE("expire forgets addresses whose failures left the window and whose ban ended") {
        ban_window w{policy(2)};
        (void)w.record_failure("quiet", t0);
        (void)w.record_failure("banned", t0);
        (void)w.record_failure("banned", t0);
        (void)w.record_failure("recent", t0 + 50s);
        REQUIRE(w.tracked() == 3);
        w.expire(t0 + 60s);
        CHECK(w.tracked() == 2); // "quiet" gone; "banned" still banned; "recent" in its window
        w.expire(t0 + 110s);
        CHECK(w.tracked() == 1);
        CHECK(w.is_banned("banned", t0 + 110s));
        w.expire(t0 + 300s);
        CHECK(w.tracked() == 0);
    }

    TEST_CASE("a success with no failures left forgets the address") {
        ban_window w{policy(3)};
        (void)w.record_failure("a", t0);
        REQUIRE(w.tracked() == 1);
        w.record_success("a", t0 + 1s);
        CHECK(w.tracked() == 0);
        w.record_success("never-seen", t0 + 1s);
        CHECK(w.tracked() == 0);
    }

    TEST_CASE("tracked addresses stay within the bound, the least recently active going first") {
        auto p = policy(2);
        p.max_addresses = 3;
        ban_window w{p};
        (void)w.record_failure("a", t0);
        (void)w.record_failure("b", t0 + 1s);
        (void)w.record_failure("c", t0 + 2s);
        CHECK(w.record_failure("a", t0 + 3s)); // "a" is now the most recently active, banned
        (void)w.record_failure("d", t0 + 4s);  // over the bound: "b" goes
        CHECK(w.tracked() == 3);
        CHECK(w.is_banned("a", t0 + 4s));
        CHECK(w.record_failure("c", t0 + 5s)); // "c" kept its failure
        // "b" starts from nothing, and "a", now the least recently active, goes although
        // banned: the documented price of the bound.
        CHECK_FALSE(w.record_failure("b", t0 + 6s));
        CHECK(w.tracked() == 3);
        CHECK_FALSE(w.is_banned("a", t0 + 6s));
        CHECK(w.is_banned("c", t0 + 6s));
        for (int i = 0; i < 1000; ++i) {
            (void)w.record_failure("flood-" + std::to_string(i), t0 + 7s);
        }
        CHECK(w.tracked() == 3);
    }

    TEST_CASE("a smaller bound set on reload applies at once; running bans keep their end") {
        ban_window w{policy(1)};
        CHECK(w.record_failure("a", t0));
        CHECK(w.record_failure("b", t0 + 1s));
        CHECK(w.record_failure("c", t0 + 2s));
        auto p = policy(1);
        p.max_addresses = 2;
        p.duration = 10s;
        w.set_policy(p);
        CHECK(w.tracked() == 2);
        CHECK_FALSE(w.is_banned("a", t0 + 3s));
        CHECK(w.is_banned("c", t0 + 250s));
        CHECK(w.policy().duration == 10s);
    }
}

// Loss, duplicate and reorder accounting of one stream, on synthetic sequences.
#include <emqx/perf/sequence_tracker.hpp>

#include <doctest/doctest.h>

#include <cstdint>

using emqx::perf::sequence_counts;
using emqx::perf::sequence_tracker;

namespace {

sequence_counts expect(std::uint64_t delivered,
                       std::uint64_t lost,
                       std::uint64_t duplicated,
                       std::uint64_t reordered,
                       std::uint64_t late = 0) {
    return sequence_counts{delivered, lost, duplicated, reordered, late};
}

} // namespace

TEST_SUITE("perf::sequence_tracker") {
    TEST_CASE("an in-order stream is all delivered") {
        sequence_tracker t(64);
        for (std::uint64_t n = 0; n < 1000; ++n) {
            CHECK(t.receive(n));
        }
        CHECK(t.counts(1000) == expect(1000, 0, 0, 0));
    }

    TEST_CASE("numbers never received are lost: gaps and the tail") {
        sequence_tracker t(64);
        for (std::uint64_t n = 0; n < 100; ++n) {
            if (n % 10 != 3) {
                t.receive(n);
            }
        }
        // 10 gaps (3, 13, ... 93) and a tail of 20 numbers that were sent but never came.
        CHECK(t.counts(120) == expect(90, 30, 0, 0));
    }

    TEST_CASE("a number received twice is a duplicate, counted once as delivered") {
        sequence_tracker t(64);
        t.receive(0);
        t.receive(1);
        CHECK_FALSE(t.receive(1));
        t.receive(2);
        CHECK_FALSE(t.receive(0));
        CHECK(t.counts(3) == expect(3, 0, 2, 0));
    }

    TEST_CASE("a number arriving after a higher one is reordered, and not lost") {
        sequence_tracker t(64);
        t.receive(0);
        t.receive(2);
        t.receive(3);
        CHECK(t.receive(1));
        CHECK(t.counts(4) == expect(4, 0, 0, 1));
    }

    TEST_CASE("a swapped pair counts one reordered, and its repetition a duplicate") {
        sequence_tracker t(64);
        for (const std::uint64_t n : {0U, 2U, 1U, 1U, 3U}) {
            t.receive(n);
        }
        CHECK(t.counts(4) == expect(4, 0, 1, 1));
    }

    TEST_CASE("a gap that leaves the window is lost; arriving later it is late") {
        sequence_tracker t(64);
        t.receive(0);
        for (std::uint64_t n = 2; n < 200; ++n) {
            t.receive(n);
        }
        CHECK(t.counts(200) == expect(199, 1, 0, 0));
        CHECK_FALSE(t.receive(1));
        CHECK(t.counts(200) == expect(199, 1, 0, 0, 1));
    }

    TEST_CASE("a jump longer than the window counts every skipped number lost") {
        sequence_tracker t(64);
        t.receive(0);
        t.receive(1000);
        CHECK(t.counts(1001) == expect(2, 999, 0, 0));
        t.receive(1001);
        CHECK(t.counts(1002) == expect(3, 999, 0, 0));
    }

    TEST_CASE("numbers below the first one (warm-up) are ignored") {
        sequence_tracker t(64, 100);
        CHECK_FALSE(t.receive(5));
        CHECK_FALSE(t.receive(99));
        CHECK(t.receive(100));
        CHECK(t.receive(101));
        CHECK(t.ignored() == 2);
        CHECK(t.counts(102) == expect(2, 0, 0, 0));
    }

    TEST_CASE("restart forgets the counts and starts at the new first number") {
        sequence_tracker t(64);
        t.receive(0);
        t.receive(5);
        t.restart(10);
        CHECK(t.next() == 10);
        t.receive(7);
        t.receive(10);
        t.receive(11);
        CHECK(t.counts(12) == expect(2, 0, 0, 0));
        CHECK(t.ignored() == 1);
    }

    TEST_CASE("the window is rounded up to a multiple of 64") {
        CHECK(sequence_tracker(1).window() == 64);
        CHECK(sequence_tracker(65).window() == 128);
        CHECK(sequence_tracker().window() == sequence_tracker::default_window);
    }

    TEST_CASE("counts() does not change the tracker") {
        sequence_tracker t(64);
        t.receive(0);
        t.receive(3);
        const auto before = t.counts(10);
        CHECK(t.counts(10) == before);
        CHECK(t.receive(1)); // still a gap the tracker can fill
    }

    TEST_CASE("delivered plus lost equals the numbers sent, over a long noisy stream") {
        sequence_tracker t(256);
        std::uint64_t received = 0;
        for (std::uint64_t n = 0; n < 100'000; ++n) {
            if (n % 97 == 0) {
                continue; // lost
            }
            if (n > 0 && n % 31 == 0 && (n - 1) % 97 != 0) {
                t.receive(n - 1); // a duplicate of the one before (which was not lost)
            }
            received += t.receive(n) ? 1U : 0U;
        }
        const auto c = t.counts(100'000);
        CHECK(c.delivered == received);
        CHECK(c.delivered + c.lost == 100'000);
        CHECK(c.lost == 1031); // the multiples of 97 below 100,000, 0 included
    }
}

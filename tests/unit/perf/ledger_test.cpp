// The bookkeeping of a run without sockets: closed-loop windows, open-loop pacing, warm-up
// exclusion, loss accounting, topics and giving up on overdue deliveries.
#include <emqx/perf/ledger.hpp>

#include <doctest/doctest.h>

#include <cstdint>

using emqx::perf::ledger;
using emqx::perf::run_options;
using emqx::perf::run_results;
using emqx::perf::stamp;

namespace {

constexpr std::uint64_t t0 = 1'000'000'000; // an arbitrary start time, in ns
constexpr std::uint64_t ms = 1'000'000;

run_options shape(std::uint32_t publishers, std::uint32_t subscribers, std::uint32_t inflight) {
    run_options o;
    o.publishers = publishers;
    o.subscribers = subscribers;
    o.inflight = inflight;
    o.max_time_s = 60;
    return o;
}

/// Publishes `n` messages from `pub` at `now` and returns the first sequence number.
std::uint64_t publish(ledger& book, std::uint32_t pub, std::uint64_t n, std::uint64_t now) {
    const std::uint64_t first = book.next_sequence(pub);
    book.published(pub, n, now);
    return first;
}

void deliver(ledger& book, std::uint32_t sub, std::uint32_t pub, std::uint64_t seq, std::uint64_t sent,
             std::uint64_t now) {
    book.delivered(sub, stamp{pub, seq, sent}, now);
}

} // namespace

TEST_SUITE("perf::ledger") {
    TEST_CASE("nothing may be sent before the warm-up starts") {
        ledger book(shape(1, 1, 10));
        CHECK(book.allowance(0, t0) == 0);
        book.start(t0);
        CHECK(book.allowance(0, t0) == 10);
    }

    TEST_CASE("the closed loop keeps at most --inflight messages outstanding") {
        ledger book(shape(1, 1, 10));
        book.start(t0);
        book.begin_measuring(t0);
        publish(book, 0, 10, t0);
        CHECK(book.allowance(0, t0) == 0);
        for (std::uint64_t seq = 0; seq < 4; ++seq) {
            deliver(book, 0, 0, seq, t0, t0 + ms);
        }
        CHECK(book.allowance(0, t0 + ms) == 4);
        CHECK_FALSE(book.drained());
    }

    TEST_CASE("a delivery that overtakes lost messages frees their places too") {
        ledger book(shape(1, 1, 10));
        book.start(t0);
        publish(book, 0, 10, t0);
        deliver(book, 0, 0, 9, t0, t0 + ms);
        CHECK(book.allowance(0, t0 + ms) == 10);
        CHECK(book.drained());
    }

    TEST_CASE("the in-flight budget is split over the publishers, at least one each") {
        ledger book(shape(3, 1, 10));
        book.start(t0);
        CHECK(book.allowance(0, t0) == 4);
        CHECK(book.allowance(1, t0) == 3);
        CHECK(book.allowance(2, t0) == 3);
        ledger tiny(shape(3, 1, 1));
        tiny.start(t0);
        CHECK(tiny.allowance(2, t0) == 1);
    }

    TEST_CASE("with fan-out a message is outstanding until every subscriber has it") {
        ledger book(shape(1, 3, 2));
        book.start(t0);
        publish(book, 0, 2, t0);
        CHECK(book.allowance(0, t0) == 0);
        deliver(book, 0, 0, 0, t0, t0 + ms);
        deliver(book, 1, 0, 0, t0, t0 + ms);
        CHECK(book.allowance(0, t0 + ms) == 1); // two thirds of a message free: round up
        deliver(book, 2, 0, 0, t0, t0 + ms);
        CHECK(book.allowance(0, t0 + ms) == 1);
    }

    TEST_CASE("--count is split over the publishers and bounds what they send") {
        auto o = shape(3, 1, 100);
        o.count = 10;
        ledger book(o);
        book.start(t0);
        book.begin_measuring(t0);
        CHECK(book.allowance(0, t0) == 4);
        CHECK(book.allowance(1, t0) == 3);
        publish(book, 0, 4, t0);
        publish(book, 1, 3, t0);
        CHECK_FALSE(book.all_sent());
        publish(book, 2, 3, t0);
        CHECK(book.all_sent());
        CHECK(book.allowance(0, t0) == 0);
    }

    TEST_CASE("stop_publishing ends every publisher's allowance") {
        ledger book(shape(2, 1, 100));
        book.start(t0);
        book.begin_measuring(t0);
        book.stop_publishing();
        CHECK(book.allowance(0, t0) == 0);
        CHECK(book.all_sent());
    }

    TEST_CASE("the open loop schedules messages at the rate, split over publishers") {
        auto o = shape(2, 1, 1);
        o.rate = 1000; // 500/s each: one message every 2 ms
        ledger book(o);
        book.start(t0);
        CHECK(book.allowance(0, t0) == 1);
        CHECK(book.allowance(0, t0 + 3 * ms) == 2);
        CHECK(book.allowance(1, t0 + 1000 * ms) == 501);
        publish(book, 0, 2, t0 + 3 * ms);
        CHECK(book.allowance(0, t0 + 3 * ms) == 0);
        CHECK(book.next_due(0) == t0 + 4 * ms);
    }

    TEST_CASE("open-loop pacing stays on schedule over ten simulated seconds") {
        auto o = shape(1, 1, 1);
        o.rate = 12'345;
        ledger book(o);
        book.start(t0);
        // Wake every 0.7 ms, as a timer would, and send what is due.
        for (std::uint64_t now = t0; now <= t0 + 10'000 * ms; now += 700'000) {
            publish(book, 0, book.allowance(0, now), now);
        }
        const std::uint64_t expected = 123'450 + 1; // message 0 is due at the start
        CHECK(book.next_sequence(0) >= expected - 9); // at most one wake (0.7 ms) behind
        CHECK(book.next_sequence(0) <= expected);
    }

    TEST_CASE("the open loop stamps the intended send time, not the actual one") {
        auto o = shape(1, 1, 1);
        o.rate = 1000;
        ledger book(o);
        book.start(t0);
        CHECK(book.stamp_time(0, 5, t0 + 50 * ms) == t0 + 5 * ms);
        ledger closed(shape(1, 1, 1));
        closed.start(t0);
        CHECK(closed.stamp_time(0, 5, t0 + 50 * ms) == t0 + 50 * ms);
    }

    TEST_CASE("the warm-up is excluded from every figure") {
        ledger book(shape(1, 1, 100));
        book.start(t0);
        publish(book, 0, 5, t0);
        for (std::uint64_t seq = 0; seq < 3; ++seq) {
            deliver(book, 0, 0, seq, t0, t0 + 10 * ms);
        }
        book.begin_measuring(t0 + 20 * ms);
        deliver(book, 0, 0, 3, t0, t0 + 30 * ms); // a warm-up message arriving late
        const auto first = publish(book, 0, 2, t0 + 40 * ms);
        deliver(book, 0, 0, first, t0 + 40 * ms, t0 + 41 * ms);
        deliver(book, 0, 0, first + 1, t0 + 40 * ms, t0 + 42 * ms);
        run_results r;
        book.fill(r);
        CHECK(r.warmup_published == 5);
        CHECK(r.published == 2);
        CHECK(r.expected_deliveries == 2);
        CHECK(r.deliveries.delivered == 2);
        CHECK(r.deliveries.lost == 0);
        CHECK(r.latency.count() == 2);
        CHECK(r.latency.max() == 2 * ms);
    }

    TEST_CASE("messages that never arrive are lost; rates use the measured times") {
        ledger book(shape(1, 1, 100));
        book.start(t0);
        book.begin_measuring(t0);
        publish(book, 0, 10, t0 + 500 * ms);
        for (std::uint64_t seq = 0; seq < 8; ++seq) {
            deliver(book, 0, 0, seq, t0, t0 + 1000 * ms);
        }
        run_results r;
        book.fill(r);
        CHECK(r.deliveries.delivered == 8);
        CHECK(r.deliveries.lost == 2);
        CHECK(r.publish_seconds == doctest::Approx(0.5));
        CHECK(r.deliver_seconds == doctest::Approx(1.0));
        CHECK(r.delivered_per_second() == doctest::Approx(8.0));
    }

    TEST_CASE("each second of the measured phase gets its own sample") {
        ledger book(shape(1, 1, 100));
        book.start(t0);
        book.begin_measuring(t0);
        publish(book, 0, 3, t0 + 100 * ms);
        deliver(book, 0, 0, 0, t0, t0 + 500 * ms);
        deliver(book, 0, 0, 1, t0, t0 + 1500 * ms);
        deliver(book, 0, 0, 2, t0, t0 + 1600 * ms);
        run_results r;
        book.fill(r);
        REQUIRE(r.per_second.size() == 2);
        CHECK(r.per_second[0].published == 3);
        CHECK(r.per_second[0].delivered == 1);
        CHECK(r.per_second[1].delivered == 2);
    }

    TEST_CASE("with several topics a subscriber gets only its topic's publishers") {
        auto o = shape(2, 2, 100);
        o.topics = 2;
        ledger book(o);
        book.start(t0);
        book.begin_measuring(t0);
        publish(book, 0, 1, t0);
        publish(book, 1, 1, t0);
        deliver(book, 0, 0, 0, t0, t0 + ms);
        deliver(book, 1, 1, 0, t0, t0 + ms);
        deliver(book, 0, 1, 0, t0, t0 + ms); // misrouted: subscriber 0 is on topic 0
        run_results r;
        book.fill(r);
        CHECK(r.expected_deliveries == 2);
        CHECK(r.deliveries.delivered == 2);
        CHECK(r.foreign == 1);
        CHECK(book.drained());
    }

    TEST_CASE("a stamp with a number the publisher never sent is foreign") {
        ledger book(shape(1, 1, 100));
        book.start(t0);
        book.begin_measuring(t0);
        publish(book, 0, 1, t0);
        deliver(book, 0, 0, 5, t0, t0 + ms);
        deliver(book, 0, 7, 0, t0, t0 + ms);
        run_results r;
        book.fill(r);
        CHECK(r.foreign == 2);
        CHECK(r.deliveries.delivered == 0);
    }

    TEST_CASE("overdue deliveries are given up: the window reopens, the loss stays counted") {
        ledger book(shape(1, 1, 5));
        book.start(t0);
        book.begin_measuring(t0);
        publish(book, 0, 5, t0 + ms);
        // Checkpoints remember when messages were sent, at most age / 32 apart.
        CHECK(book.release_overdue(t0 + 100 * ms, 1000 * ms) == 0);
        CHECK(book.release_overdue(t0 + 600 * ms, 1000 * ms) == 0);
        CHECK(book.allowance(0, t0 + 600 * ms) == 0);
        CHECK(book.release_overdue(t0 + 1100 * ms, 1000 * ms) == 5);
        CHECK(book.overdue() == 5);
        CHECK(book.drained());
        CHECK(book.allowance(0, t0 + 1100 * ms) == 5);
        run_results r;
        book.fill(r);
        CHECK(r.deliveries.lost == 5);
    }

    TEST_CASE("nothing sent within the age is given up") {
        ledger book(shape(1, 1, 5));
        book.start(t0);
        book.begin_measuring(t0);
        book.release_overdue(t0, 1000 * ms);
        publish(book, 0, 5, t0 + 10 * ms);
        // The only checkpoint old enough was taken before the messages were sent.
        CHECK(book.release_overdue(t0 + 1005 * ms, 1000 * ms) == 0);
        CHECK_FALSE(book.drained());
    }

    TEST_CASE("a given-up message that arrives after all is delivered, not lost") {
        ledger book(shape(1, 1, 5));
        book.start(t0);
        book.begin_measuring(t0);
        publish(book, 0, 2, t0 + ms);
        book.release_overdue(t0 + 100 * ms, 1000 * ms);
        REQUIRE(book.release_overdue(t0 + 1100 * ms, 1000 * ms) == 2);
        deliver(book, 0, 0, 1, t0, t0 + 1200 * ms);
        run_results r;
        book.fill(r);
        CHECK(r.deliveries.delivered == 1);
        CHECK(r.deliveries.lost == 1);
        CHECK(r.deliveries.reordered == 0);
    }
}

// The load generator against the real mosquitto: short throughput runs at every QoS over MQTT
// 3.1.1 and 5, fan-out, latency, pacing; QoS 1 and 2 must lose and duplicate nothing.
#include "mosquitto.hpp"

#include <emqx/perf/run.hpp>

#include <doctest/doctest.h>

using emqx::mqtt::protocol_version;
using emqx::mqtt::qos;
using emqx::perf::run_results;
using emqx::perf::run_status;

namespace {

/// The counts of a completed run agree with each other.
void check_consistent(const run_results& r, std::uint64_t fanout) {
    INFO("status " << to_string(r.status) << ": " << r.reason);
    CHECK(r.status == run_status::completed);
    CHECK(r.expected_deliveries == r.published * fanout);
    CHECK(r.deliveries.delivered + r.deliveries.lost == r.expected_deliveries);
    CHECK(r.deliveries.late == 0);
    CHECK(r.foreign == 0);
    CHECK(r.latency.count() == r.deliveries.delivered);
    CHECK(r.delivered_per_second() > 0.0);
    CHECK(r.broker_cpu_seconds.has_value());
}

/// Nothing lost, nothing twice: what QoS 1 and 2 promise on one connection each way.
void check_nothing_lost(const run_results& r) {
    CHECK(r.deliveries.lost == 0);
    CHECK(r.deliveries.duplicated == 0);
    CHECK(r.deliveries.reordered == 0);
    CHECK(r.deliveries.delivered == r.expected_deliveries);
}

} // namespace

TEST_SUITE("integration::perf::mosquitto") {
    TEST_CASE("throughput at QoS 0 publishes the count and accounts for every message") {
        for (const auto version : {protocol_version::v3_1_1, protocol_version::v5}) {
            emqx::test::mosquitto broker;
            auto o = broker.short_run(20'000);
            o.version = version;
            const auto r = emqx::perf::run(o);
            CHECK(r.published == 20'000);
            check_consistent(r, 1);
            CHECK(r.warmup_published > 0);
        }
    }

    TEST_CASE("throughput at QoS 1 loses and duplicates nothing, and every PUBLISH is acked") {
        for (const auto version : {protocol_version::v3_1_1, protocol_version::v5}) {
            emqx::test::mosquitto broker;
            auto o = broker.short_run(20'000);
            o.qos = qos::at_least_once;
            o.version = version;
            const auto r = emqx::perf::run(o);
            check_consistent(r, 1);
            check_nothing_lost(r);
            CHECK(r.granted_qos == qos::at_least_once);
            // Acks of the measured messages, and of warm-up messages still in flight then.
            CHECK(r.acknowledged >= r.published);
            CHECK(r.acknowledged <= r.published + o.inflight);
            CHECK(r.refused == 0);
        }
    }

    TEST_CASE("throughput at QoS 2 loses and duplicates nothing over the four-packet flow") {
        for (const auto version : {protocol_version::v3_1_1, protocol_version::v5}) {
            emqx::test::mosquitto broker;
            auto o = broker.short_run(10'000);
            o.qos = qos::exactly_once;
            o.version = version;
            const auto r = emqx::perf::run(o);
            check_consistent(r, 1);
            check_nothing_lost(r);
            CHECK(r.granted_qos == qos::exactly_once);
            CHECK(r.acknowledged >= r.published);
        }
    }

    TEST_CASE("fan-out to three subscribers delivers every message three times") {
        emqx::test::mosquitto broker;
        auto o = broker.short_run(5'000);
        o.qos = qos::at_least_once;
        o.subscribers = 3;
        const auto r = emqx::perf::run(o);
        check_consistent(r, 3);
        check_nothing_lost(r);
        CHECK(r.deliveries.delivered == 15'000);
    }

    TEST_CASE("two topics split two publishers and two subscribers into two pairs") {
        emqx::test::mosquitto broker;
        auto o = broker.short_run(10'000);
        o.qos = qos::at_least_once;
        o.publishers = 2;
        o.subscribers = 2;
        o.topics = 2;
        const auto r = emqx::perf::run(o);
        check_consistent(r, 1);
        check_nothing_lost(r);
    }

    TEST_CASE("a duration bound ends the run after about that long") {
        emqx::test::mosquitto broker;
        auto o = broker.short_run(0);
        o.count.reset();
        o.duration_s = 1.0;
        const auto r = emqx::perf::run(o);
        check_consistent(r, 1);
        CHECK(r.publish_seconds >= 0.9);
        CHECK(r.publish_seconds <= 1.3);
        CHECK(r.per_second.size() >= 1);
    }

    TEST_CASE("latency, one message at a time, over both versions") {
        for (const auto version : {protocol_version::v3_1_1, protocol_version::v5}) {
            emqx::test::mosquitto broker;
            auto o = broker.short_run(2'000);
            o.version = version;
            o.inflight = 1;
            const auto r = emqx::perf::run(o);
            check_consistent(r, 1);
            CHECK(r.latency.count() == 2'000);
            CHECK(r.latency.min() > 0);
            CHECK(r.latency.percentile(50) <= r.latency.percentile(99));
            CHECK(r.latency.percentile(99) <= r.latency.max());
        }
    }

    TEST_CASE("an open-loop run publishes at the rate asked") {
        emqx::test::mosquitto broker;
        auto o = broker.short_run(0);
        o.count.reset();
        o.duration_s = 1.0;
        o.rate = 5'000;
        o.qos = qos::at_least_once;
        const auto r = emqx::perf::run(o);
        check_consistent(r, 1);
        check_nothing_lost(r);
        // One second at 5,000/s: the tick that ends the phase may add up to one more tick.
        CHECK(r.published >= 4'900);
        CHECK(r.published <= 5'400);
        CHECK(r.published_per_second() == doctest::Approx(5'000).epsilon(0.03));
    }
}

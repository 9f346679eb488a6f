// The latency histogram: percentiles within 1% of the exact ones for known distributions.
#include <emqx/perf/histogram.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using emqx::perf::histogram;

/// The nearest-rank percentile of `sorted`, the definition histogram::percentile follows.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double p) {
    const auto rank = static_cast<std::size_t>(
        std::max(1.0, std::ceil(p / 100.0 * static_cast<double>(sorted.size()))));
    return sorted[std::min(rank, sorted.size()) - 1];
}

/// Records `values` and checks every usual percentile against the sorted reference.
void check_against_reference(std::vector<std::uint64_t> values) {
    histogram h;
    for (const auto v : values) {
        h.record(v);
    }
    std::sort(values.begin(), values.end());
    for (const double p : {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
        const auto expected = static_cast<double>(exact_percentile(values, p));
        const auto got = static_cast<double>(h.percentile(p));
        INFO("p" << p << ": expected " << expected << ", got " << got);
        CHECK(std::abs(got - expected) <= 0.01 * expected);
    }
    CHECK(h.count() == values.size());
    CHECK(h.min() == values.front());
    CHECK(h.max() == values.back());
}

} // namespace

TEST_SUITE("perf::histogram") {
    TEST_CASE("an empty histogram reports zeros") {
        const histogram h;
        CHECK(h.count() == 0);
        CHECK(h.min() == 0);
        CHECK(h.max() == 0);
        CHECK(h.mean() == 0.0);
        CHECK(h.percentile(50) == 0);
    }

    TEST_CASE("a constant distribution gives that value at every percentile") {
        histogram h;
        for (int i = 0; i < 1000; ++i) {
            h.record(123'456);
        }
        CHECK(h.percentile(0) == 123'456);
        CHECK(h.percentile(50) == 123'456);
        CHECK(h.percentile(99.9) == 123'456);
        CHECK(h.percentile(100) == 123'456);
        CHECK(h.mean() == doctest::Approx(123'456.0));
    }

    TEST_CASE("a uniform distribution from 1 us to 10 ms is within 1% at every percentile") {
        std::mt19937_64 random(42);
        std::uniform_int_distribution<std::uint64_t> uniform(1'000, 10'000'000);
        std::vector<std::uint64_t> values(100'000);
        for (auto& v : values) {
            v = uniform(random);
        }
        check_against_reference(values);
    }

    TEST_CASE("an exponential distribution (mean 50 us) is within 1% at every percentile") {
        std::mt19937_64 random(7);
        std::exponential_distribution<double> exponential(1.0 / 50'000.0);
        std::vector<std::uint64_t> values(100'000);
        for (auto& v : values) {
            v = 1'000 + static_cast<std::uint64_t>(exponential(random));
        }
        check_against_reference(values);
    }

    TEST_CASE("a bimodal distribution (fast path and a 200 ms stall) keeps both modes") {
        std::mt19937_64 random(3);
        std::normal_distribution<double> fast(40'000.0, 2'000.0);
        std::normal_distribution<double> slow(200'000'000.0, 5'000'000.0);
        std::vector<std::uint64_t> values;
        for (int i = 0; i < 50'000; ++i) {
            values.push_back(static_cast<std::uint64_t>(i % 100 < 95 ? fast(random) : slow(random)));
        }
        check_against_reference(values);
        histogram h;
        for (const auto v : values) {
            h.record(v);
        }
        CHECK(h.percentile(90) < 50'000);
        CHECK(h.percentile(99) > 150'000'000);
    }

    TEST_CASE("values from 1 us to one hour keep at most 1% relative error") {
        std::vector<std::uint64_t> values;
        for (std::uint64_t v = 1'000; v <= 3'600'000'000'000; v = v * 11 / 10 + 7) {
            values.push_back(v);
        }
        check_against_reference(values);
    }

    TEST_CASE("a value beyond the range is counted, and min, max and mean stay exact") {
        histogram h;
        const std::uint64_t huge = histogram::max_trackable * 4;
        h.record(huge);
        h.record(1'000);
        CHECK(h.count() == 2);
        CHECK(h.max() == huge);
        CHECK(h.percentile(100) == huge);
        CHECK(h.min() == 1'000);
        CHECK(h.mean() == doctest::Approx((static_cast<double>(huge) + 1'000.0) / 2.0));
    }

    TEST_CASE("merging two histograms equals recording everything in one") {
        histogram a;
        histogram b;
        histogram both;
        for (std::uint64_t v = 1'000; v < 2'000'000; v += 997) {
            (v % 2 == 0 ? a : b).record(v);
            both.record(v);
        }
        a.merge(b);
        CHECK(a.count() == both.count());
        CHECK(a.min() == both.min());
        CHECK(a.max() == both.max());
        CHECK(a.mean() == doctest::Approx(both.mean()));
        for (const double p : {1.0, 50.0, 99.0, 99.9}) {
            CHECK(a.percentile(p) == both.percentile(p));
        }
    }

    TEST_CASE("merging into an empty histogram takes the other's minimum") {
        histogram empty;
        histogram other;
        other.record(5'000);
        other.record(9'000);
        empty.merge(other);
        CHECK(empty.min() == 5'000);
        CHECK(empty.max() == 9'000);
    }

    TEST_CASE("reset forgets every value") {
        histogram h;
        h.record(5'000);
        h.record(7'000'000);
        h.reset();
        CHECK(h.count() == 0);
        CHECK(h.max() == 0);
        h.record(2'000);
        CHECK(h.min() == 2'000);
        CHECK(h.percentile(50) == 2'000);
    }

    TEST_CASE("percentiles outside [0, 100] are clamped to min and max") {
        histogram h;
        h.record(1'500);
        h.record(90'000);
        CHECK(h.percentile(-5) == 1'500);
        CHECK(h.percentile(250) == 90'000);
    }
}

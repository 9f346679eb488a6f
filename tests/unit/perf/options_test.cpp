// Checking a run's options: every usage error named in the user's words.
#include <emqx/perf/options.hpp>

#include <doctest/doctest.h>

using emqx::perf::run_options;
using emqx::perf::validate;

TEST_SUITE("perf::options") {
    TEST_CASE("the defaults can be run") {
        CHECK_FALSE(validate(run_options{}));
    }

    TEST_CASE("a payload smaller than the 20-byte stamp is refused with the reason") {
        run_options o;
        o.size = 19;
        const auto problem = validate(o);
        REQUIRE(problem);
        CHECK(problem->find("--size must be at least 20 bytes") != std::string::npos);
        o.size = 20;
        CHECK_FALSE(validate(o));
    }

    TEST_CASE("zero publishers, subscribers, topics, count or in-flight are refused") {
        run_options o;
        o.publishers = 0;
        CHECK(validate(o));
        o = {};
        o.subscribers = 0;
        CHECK(validate(o));
        o = {};
        o.topics = 0;
        CHECK(validate(o));
        o = {};
        o.count = 0;
        CHECK(validate(o));
        o = {};
        o.inflight = 0;
        CHECK(validate(o));
    }

    TEST_CASE("negative or zero durations, rates and limits are refused") {
        run_options o;
        o.duration_s = 0.0;
        CHECK(validate(o));
        o = {};
        o.rate = -1.0;
        CHECK(validate(o));
        o = {};
        o.warmup_s = -0.5;
        CHECK(validate(o));
        o = {};
        o.timeout_s = 0.0;
        CHECK(validate(o));
        o = {};
        o.max_time_s = 0.0;
        CHECK(validate(o));
    }

    TEST_CASE("port 0 is refused") {
        run_options o;
        o.port = 0;
        CHECK(validate(o));
    }
}

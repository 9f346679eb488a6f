// Routing throughput: subscription_tree::match over 10,000 and 100,000 mixed subscriptions and
// for a topic with 1 or 50 subscribers, and retained_map::match over 100,000 retained topics.
#include "router/retained_map.hpp"
#include "router/subscription_tree.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace emqx::broker;

namespace {

/// Topics of 3 to 5 levels: <region>/<device>/<metric>[/<channel>[/<sample>]], with 10
/// regions, 1,000 devices, 10 metrics and 4 values for each optional level.
class topic_space {
public:
    explicit topic_space(std::uint32_t seed) : rng_(seed) {}

    std::vector<std::string> random_levels() {
        std::vector<std::string> levels = {"region" + number(10), "device" + number(1'000),
                                           "metric" + number(10)};
        const std::size_t extra = pick(3);
        for (std::size_t i = 0; i < extra; ++i) {
            levels.push_back((i == 0 ? "ch" : "s") + number(4));
        }
        return levels;
    }

    std::string random_topic() { return join(random_levels()); }

    /// 60% exact topics, 25% with one level replaced by `+`, 15% a 1-3 level prefix and `#`.
    std::string random_filter() {
        std::vector<std::string> levels = random_levels();
        const std::size_t kind = pick(100);
        if (kind < 60) {
            return join(levels);
        }
        if (kind < 85) {
            levels[pick(levels.size())].assign(1, '+');
            return join(levels);
        }
        levels.resize(1 + pick(3));
        return join(levels) + "/#";
    }

    std::size_t pick(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }

private:
    std::mt19937 rng_;

    std::string number(std::size_t n) { return std::to_string(pick(n)); }

    static std::string join(const std::vector<std::string>& levels) {
        std::string out;
        for (const auto& level : levels) {
            out += out.empty() ? "" : "/";
            out += level;
        }
        return out;
    }
};

subscriber_entry subscriber(std::size_t id) {
    subscriber_entry e;
    e.id = static_cast<subscriber_id>(id);
    return e;
}

void fill(subscription_tree& tree, topic_space& space, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        tree.subscribe(space.random_filter(), subscriber(i % 5'000));
    }
}

void bm_match_mixed(benchmark::State& state) {
    topic_space space(1);
    subscription_tree tree;
    fill(tree, space, static_cast<std::size_t>(state.range(0)));
    std::vector<std::string> topics(1'024);
    for (auto& t : topics) {
        t = space.random_topic();
    }
    match_result result;
    std::size_t i = 0;
    std::size_t found = 0;
    for (auto _ : state) {
        tree.match(topics[i++ & 1'023], result);
        found += result.subscribers.size();
        benchmark::DoNotOptimize(result.subscribers.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["subscriptions"] = static_cast<double>(tree.size());
    state.counters["matches_per_topic"] =
        static_cast<double>(found) / static_cast<double>(state.iterations());
}
BENCHMARK(bm_match_mixed)->Arg(10'000)->Arg(100'000);

/// One topic matched by `n` subscribers (a third each by an exact, a `+` and a `#` filter),
/// in a tree that also holds 100,000 subscriptions the topic does not match.
void bm_match_fanout(benchmark::State& state) {
    topic_space space(2);
    subscription_tree tree;
    fill(tree, space, 100'000);
    const char* const filters[] = {"fan/out/topic", "fan/+/topic", "fan/#"};
    const auto n = static_cast<std::size_t>(state.range(0));
    for (std::size_t i = 0; i < n; ++i) {
        tree.subscribe(filters[i % 3], subscriber(10'000 + i));
    }
    match_result result;
    for (auto _ : state) {
        tree.match("fan/out/topic", result);
        benchmark::DoNotOptimize(result.subscribers.data());
    }
    if (result.subscribers.size() != n) {
        state.SkipWithError("the topic does not match the expected subscribers");
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_match_fanout)->Arg(1)->Arg(50);

/// Subscribing and unsubscribing one new filter in a tree of 100,000 subscriptions.
void bm_subscribe_unsubscribe(benchmark::State& state) {
    topic_space space(3);
    subscription_tree tree;
    fill(tree, space, 100'000);
    std::vector<std::string> filters(1'024);
    for (auto& f : filters) {
        f = space.random_filter();
    }
    std::size_t i = 0;
    for (auto _ : state) {
        const std::string& f = filters[i++ & 1'023];
        tree.subscribe(f, subscriber(99'999));
        tree.unsubscribe(f, 99'999);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_subscribe_unsubscribe);

/// 100,000 retained topics <l1>/n<k>/<l3>: 10 first levels, 1,000 second, 10 third.
void bm_retained_match(benchmark::State& state, const char* filter) {
    retained_map<std::uint32_t> map;
    const char* const letters[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    std::uint32_t value = 0;
    for (const char* first : letters) {
        for (int k = 0; k < 1'000; ++k) {
            for (const char* third : letters) {
                map.set(std::string(first) + "/n" + std::to_string(k) + "/" + third, value++);
            }
        }
    }
    std::vector<const std::uint32_t*> out;
    for (auto _ : state) {
        out.clear();
        map.match(filter, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["retained"] = static_cast<double>(map.size());
    state.counters["matches"] = static_cast<double>(out.size());
}
BENCHMARK_CAPTURE(bm_retained_match, a_plus_c, "a/+/c")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_retained_match, hash, "#")->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();

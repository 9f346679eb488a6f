// The subscription index: adding, replacing and removing subscriptions, matching topics by the
// rules of 4.7, shared groups (4.8.2), and freeing what unsubscribing leaves empty.
#include "router/subscription_tree.hpp"

#include <emqx/mqtt/topic.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace emqx::broker;
namespace mqtt = emqx::mqtt;

namespace {

subscriber_entry entry(subscriber_id id, std::uint32_t identifier = 0,
                       mqtt::qos max_qos = mqtt::qos::at_most_once) {
    subscriber_entry e;
    e.id = id;
    e.subscription_identifier = identifier;
    e.options.max_qos = max_qos;
    return e;
}

/// The ids of the non-shared subscribers matching `topic`, sorted, one per matching filter.
std::vector<subscriber_id> matched_ids(const subscription_tree& tree, std::string_view topic) {
    match_result result;
    tree.match(topic, result);
    std::vector<subscriber_id> ids;
    for (const auto* e : result.subscribers) {
        ids.push_back(e->id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

/// True when a tree holding only `filter` delivers a message published on `topic`.
bool delivers(std::string_view filter, std::string_view topic) {
    subscription_tree tree;
    tree.subscribe(filter, entry(1));
    match_result result;
    tree.match(topic, result);
    return result.subscribers.size() + result.groups.size() == 1;
}

std::map<std::string, std::size_t> filters_of(const subscription_tree& tree) {
    std::map<std::string, std::size_t> out;
    tree.for_each_filter([&](std::string_view filter, std::size_t count) {
        const bool fresh = out.emplace(std::string(filter), count).second;
        CHECK_MESSAGE(fresh, "listed twice: ", filter);
    });
    return out;
}

struct match_row {
    std::string_view filter;
    std::string_view topic;
    bool expected;
};

void check_rows(const std::vector<match_row>& rows) {
    for (const auto& r : rows) {
        CAPTURE(r.filter);
        CAPTURE(r.topic);
        CHECK(delivers(r.filter, r.topic) == r.expected);
    }
}

/// Random topics and filters over a small alphabet of levels, so that they often overlap.
class random_source {
public:
    explicit random_source(std::uint32_t seed) : rng_(seed) {}

    std::size_t pick(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }

    /// 1 to 4 levels; with wildcards, a level is `+` one time in four and the last one `#`
    /// one time in five.
    std::string levels(bool wildcards) {
        static const std::vector<std::string> alphabet = {"a", "b", "c", "", "$s"};
        std::string out;
        while (out.empty()) { // "" alone is neither a topic nor a filter [MQTT-4.7.3-1]
            const std::size_t count = 1 + pick(4);
            for (std::size_t i = 0; i < count; ++i) {
                out += i == 0 ? "" : "/";
                if (wildcards && i + 1 == count && pick(5) == 0) {
                    out += "#";
                } else {
                    out += wildcards && pick(4) == 0 ? "+" : alphabet[pick(alphabet.size())];
                }
            }
        }
        return out;
    }

    /// A filter; one in four is shared, in group g1 or g2.
    std::string filter() {
        const std::string plain = levels(true);
        const std::size_t share = pick(8);
        return share == 0 ? "$share/g1/" + plain : share == 1 ? "$share/g2/" + plain : plain;
    }

private:
    std::mt19937 rng_;
};

/// (filter, id) -> the subscription identifier it was last subscribed with.
using held_map = std::map<std::pair<std::string, subscriber_id>, std::uint32_t>;

/// Checks match(topic) against mqtt::topic_matches over every held subscription.
void check_against(const subscription_tree& tree, const held_map& reference,
                   const std::string& topic) {
    std::multiset<std::pair<subscriber_id, std::uint32_t>> want_subscribers;
    std::map<std::string, std::set<subscriber_id>> want_groups;
    for (const auto& [key, identifier] : reference) {
        const auto& [filter, id] = key;
        if (!mqtt::is_shared_filter(filter)) {
            if (mqtt::topic_matches(filter, topic)) {
                want_subscribers.emplace(id, identifier);
            }
            continue;
        }
        const auto shared = mqtt::parse_shared_filter(filter);
        REQUIRE(shared);
        if (mqtt::topic_matches(shared->filter, topic)) {
            want_groups[std::string(shared->group) + "|" + std::string(shared->filter)].insert(id);
        }
    }
    match_result result;
    tree.match(topic, result);
    std::multiset<std::pair<subscriber_id, std::uint32_t>> got_subscribers;
    for (const auto* e : result.subscribers) {
        got_subscribers.emplace(e->id, e->subscription_identifier);
    }
    std::map<std::string, std::set<subscriber_id>> got_groups;
    for (const auto* g : result.groups) {
        auto& ids = got_groups[g->group + "|" + g->filter];
        CHECK(ids.empty()); // one entry per (group, filter)
        for (const auto& m : g->members) {
            ids.insert(m.id);
        }
    }
    CAPTURE(topic);
    CHECK(got_subscribers == want_subscribers);
    CHECK(got_groups == want_groups);
}

} // namespace

TEST_SUITE("broker::subscription_tree") {
    TEST_CASE("a new tree holds no subscriptions and no nodes") {
        subscription_tree tree;
        CHECK(tree.size() == 0);
        CHECK(tree.node_count() == 0);
        CHECK(matched_ids(tree, "a/b").empty());
        CHECK(filters_of(tree).empty());
    }

    TEST_CASE("subscribing counts one subscription per subscriber and filter") {
        subscription_tree tree;
        CHECK(tree.subscribe("a/b", entry(1)));
        CHECK(tree.subscribe("a/b", entry(2)));
        CHECK(tree.subscribe("a/+", entry(1)));
        CHECK(tree.size() == 3);
        CHECK(matched_ids(tree, "a/b") == std::vector<subscriber_id>{1, 1, 2});
    }

    TEST_CASE("subscribing again to the same filter replaces the options [MQTT-3.8.4-3]") {
        subscription_tree tree;
        CHECK(tree.subscribe("a/b", entry(1, 7, mqtt::qos::at_most_once)));
        CHECK_FALSE(tree.subscribe("a/b", entry(1, 9, mqtt::qos::exactly_once)));
        CHECK(tree.size() == 1);
        match_result result;
        tree.match("a/b", result);
        REQUIRE(result.subscribers.size() == 1);
        CHECK(*result.subscribers[0] == entry(1, 9, mqtt::qos::exactly_once));
    }

    TEST_CASE("unsubscribing removes exactly the filter given, compared as text [MQTT-3.10.4-1]") {
        subscription_tree tree;
        tree.subscribe("a/b", entry(1));
        tree.subscribe("a/+", entry(1));
        tree.subscribe("a/b", entry(2));
        CHECK_FALSE(tree.unsubscribe("a/c", 1));
        CHECK_FALSE(tree.unsubscribe("a/#", 1));
        CHECK_FALSE(tree.unsubscribe("a/b", 3));
        CHECK_FALSE(tree.unsubscribe("a", 1));
        CHECK(tree.size() == 3);
        CHECK(tree.unsubscribe("a/+", 1));
        CHECK(tree.size() == 2);
        CHECK(matched_ids(tree, "a/b") == std::vector<subscriber_id>{1, 2});
        CHECK(matched_ids(tree, "a/c").empty());
        CHECK_FALSE(tree.unsubscribe("a/+", 1));
        CHECK(tree.unsubscribe("a/b", 1));
        CHECK(matched_ids(tree, "a/b") == std::vector<subscriber_id>{2});
    }

    TEST_CASE("unsubscribing everything frees every node") {
        subscription_tree tree;
        const std::vector<std::string> filters = {"a/b/c", "a/b", "a/+/c", "a/#", "#", "+",
                                                  "/", "a//b", "$SYS/#", "$share/g/a/b"};
        for (const auto& f : filters) {
            tree.subscribe(f, entry(1));
            tree.subscribe(f, entry(2));
        }
        CHECK(tree.node_count() > 0);
        for (const auto& f : filters) {
            CHECK(tree.unsubscribe(f, 2));
            CHECK(tree.unsubscribe(f, 1));
        }
        CHECK(tree.size() == 0);
        CHECK(tree.node_count() == 0);
        CHECK(filters_of(tree).empty());
        match_result result;
        for (const auto* topic : {"a/b/c", "a/b", "a", "/", "$SYS/x", "a//b"}) {
            tree.match(topic, result);
            CHECK(result.subscribers.empty());
            CHECK(result.groups.empty());
        }
    }

    TEST_CASE("unsubscribing a leaf keeps the nodes that still lead somewhere") {
        subscription_tree tree;
        tree.subscribe("a/b/c", entry(1));
        tree.subscribe("a", entry(1));
        CHECK(tree.node_count() == 3);
        CHECK(tree.unsubscribe("a/b/c", 1));
        CHECK(tree.node_count() == 1);
        CHECK(matched_ids(tree, "a") == std::vector<subscriber_id>{1});
        tree.subscribe("a/b/c", entry(1));
        CHECK(tree.unsubscribe("a", 1));
        CHECK(tree.node_count() == 3);
        CHECK(matched_ids(tree, "a/b/c") == std::vector<subscriber_id>{1});
    }

    TEST_CASE("100 rounds of subscribing and unsubscribing do not grow the tree") {
        subscription_tree tree;
        std::size_t nodes_when_full = 0;
        for (int round = 0; round < 100; ++round) {
            for (subscriber_id id = 1; id <= 20; ++id) {
                const std::string n = std::to_string(id);
                tree.subscribe("dev/" + n + "/state", entry(id));
                tree.subscribe("dev/+/cmd/" + n, entry(id));
                tree.subscribe("dev/#", entry(id));
                tree.subscribe("$share/g/dev/" + n, entry(id));
            }
            if (round == 0) {
                nodes_when_full = tree.node_count();
            }
            CHECK(tree.node_count() == nodes_when_full);
            CHECK(tree.size() == 80);
            for (subscriber_id id = 1; id <= 20; ++id) {
                const std::string n = std::to_string(id);
                tree.unsubscribe("dev/" + n + "/state", id);
                tree.unsubscribe("dev/+/cmd/" + n, id);
                tree.unsubscribe("dev/#", id);
                tree.unsubscribe("$share/g/dev/" + n, id);
            }
            CHECK(tree.size() == 0);
            CHECK(tree.node_count() == 0);
        }
    }

    TEST_CASE("a filter held by a thousand subscribers adds, replaces and removes each one") {
        // Crosses the size at which a node indexes its subscribers, both ways.
        subscription_tree tree;
        for (subscriber_id id = 1; id <= 1000; ++id) {
            CHECK(tree.subscribe("popular", entry(id, id)));
        }
        CHECK_FALSE(tree.subscribe("popular", entry(500, 5000)));
        for (subscriber_id id = 1; id <= 1000; id += 2) {
            CHECK(tree.unsubscribe("popular", id));
        }
        CHECK_FALSE(tree.unsubscribe("popular", 1));
        match_result result;
        tree.match("popular", result);
        REQUIRE(result.subscribers.size() == 500);
        for (const auto* e : result.subscribers) {
            CHECK(e->id % 2 == 0);
            CHECK(e->subscription_identifier == (e->id == 500 ? 5000u : e->id));
        }
        for (subscriber_id id = 2; id <= 990; id += 2) {
            CHECK(tree.unsubscribe("popular", id));
        }
        CHECK(matched_ids(tree, "popular") ==
              std::vector<subscriber_id>{992, 994, 996, 998, 1000});
        CHECK_FALSE(tree.subscribe("popular", entry(994, 1)));
        CHECK(tree.subscribe("popular", entry(3)));
        CHECK(tree.unsubscribe("popular", 1000));
        CHECK(matched_ids(tree, "popular") == std::vector<subscriber_id>{3, 992, 994, 996, 998});
        CHECK(tree.size() == 5);
    }

    TEST_CASE("`#` matches the parent level and every level below it (4.7.1.2) [MQTT-4.7.1-1]") {
        check_rows({
            {"sport/tennis/player1/#", "sport/tennis/player1", true},
            {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
            {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
            {"sport/tennis/player1/#", "sport/tennis/player2", false},
            {"sport/tennis/player1/#", "sport/tennis", false},
            {"sport/#", "sport", true},
            {"#", "sport", true},
            {"#", "sport/tennis/player1", true},
            {"#", "/", true},
            {"a/#", "a", true},
            {"a/#", "a/", true},
            {"a/#", "a/b/c", true},
            {"a/#", "ab", false},
            {"a/#", "b/a", false},
            {"a/b/#", "a", false},
            {"+/#", "a", true},
            {"+/#", "a/b/c", true},
        });
    }

    TEST_CASE("`+` matches exactly one level, an empty one too (4.7.1.3) [MQTT-4.7.1-2]") {
        check_rows({
            {"sport/tennis/+", "sport/tennis/player1", true},
            {"sport/tennis/+", "sport/tennis/player2", true},
            {"sport/tennis/+", "sport/tennis/player1/ranking", false},
            {"sport/+", "sport", false},
            {"sport/+", "sport/", true},
            {"+/+", "/finance", true},
            {"/+", "/finance", true},
            {"+", "/finance", false},
            {"+/tennis/#", "sport/tennis/player1", true},
            {"+/tennis/#", "sport/tennis", true},
            {"+/tennis/#", "sport/golf", false},
            {"+", "a", true},
            {"+", "/", false},
            {"+/+", "/", true},
            {"+/b", "/b", true},
            {"a/+/c", "a//c", true},
            {"a/+/c", "a/b/c", true},
            {"a/+/c", "a/b/d", false},
            {"a/+/c", "a/b/b/c", false},
            {"+/+/+", "a/b", false},
        });
    }

    TEST_CASE("a filter without wildcards matches only the identical topic (4.7.3) "
              "[MQTT-4.7.3-4]") {
        check_rows({
            {"a/b", "a/b", true},
            {"a/b", "a/b/c", false},
            {"a/b", "a", false},
            {"a/b", "a/bc", false},
            {"ACCOUNTS", "Accounts", false},
            {"Accounts payable", "Accounts payable", true},
            {"/finance", "finance", false},
            {"finance", "/finance", false},
            {"/", "/", true},
            {"a//b", "a/b", false},
            {"a/b/", "a/b", false},
            {"température/+", "température/salon", true},
        });
    }

    TEST_CASE("wildcard-first filters do not match `$` topics [MQTT-4.7.2-1]") {
        check_rows({
            {"#", "$SYS/monitor/Clients", false},
            {"#", "$SYS", false},
            {"+/monitor/Clients", "$SYS/monitor/Clients", false},
            {"+", "$SYS", false},
            {"+/#", "$SYS/a", false},
            {"$SYS/#", "$SYS/monitor/Clients", true},
            {"$SYS/#", "$SYS", true},
            {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
            {"$SYS/+/Clients", "$SYS/monitor/Clients", true},
            {"a/+", "a/$b", true},
            {"a/#", "a/$b/c", true},
            {"+/$b", "a/$b", true},
            {"$share/g/#", "$SYS/a", false},
            {"$share/g/$SYS/#", "$SYS/a", true},
        });
    }

    TEST_CASE("to receive `$SYS` topics and the others a client needs both `#` and `$SYS/#` "
              "(4.7.2)") {
        subscription_tree tree;
        tree.subscribe("#", entry(1, 1));
        tree.subscribe("$SYS/#", entry(1, 2));
        match_result result;
        tree.match("$SYS/broker/uptime", result);
        REQUIRE(result.subscribers.size() == 1);
        CHECK(result.subscribers[0]->subscription_identifier == 2);
        tree.match("sensors/t1", result);
        REQUIRE(result.subscribers.size() == 1);
        CHECK(result.subscribers[0]->subscription_identifier == 1);
    }

    TEST_CASE("overlapping filters of one subscriber give one entry per matching filter") {
        subscription_tree tree;
        tree.subscribe("a/b", entry(1, 1));
        tree.subscribe("a/+", entry(1, 2, mqtt::qos::at_least_once));
        tree.subscribe("a/#", entry(1, 3));
        tree.subscribe("#", entry(1, 4, mqtt::qos::exactly_once));
        tree.subscribe("+/+", entry(1, 5));
        tree.subscribe("a/c", entry(1, 6));
        match_result result;
        tree.match("a/b", result);
        std::vector<std::uint32_t> identifiers;
        for (const auto* e : result.subscribers) {
            CHECK(e->id == 1);
            identifiers.push_back(e->subscription_identifier);
        }
        std::sort(identifiers.begin(), identifiers.end());
        CHECK(identifiers == std::vector<std::uint32_t>{1, 2, 3, 4, 5});
        CHECK(result.groups.empty());
    }

    TEST_CASE("match_result points at the stored entries and is cleared by each match") {
        subscription_tree tree;
        tree.subscribe("a/+", entry(7, 42, mqtt::qos::at_least_once));
        match_result result;
        tree.match("a/x", result);
        REQUIRE(result.subscribers.size() == 1);
        const subscriber_entry* first = result.subscribers[0];
        CHECK(*first == entry(7, 42, mqtt::qos::at_least_once));
        tree.match("a/y", result);
        REQUIRE(result.subscribers.size() == 1);
        CHECK(result.subscribers[0] == first);
        tree.match("b", result);
        CHECK(result.subscribers.empty());
        CHECK(result.groups.empty());
    }

    TEST_CASE("10,000-level topics and filters match and unsubscribe without recursion") {
        std::string topic = "l";
        std::string plus_filter = "+";
        for (int i = 1; i < 10'000; ++i) {
            topic += "/l";
            plus_filter += "/+";
        }
        const std::string deep_hash = topic.substr(0, topic.size() - 2) + "/#";
        subscription_tree tree;
        tree.subscribe(topic, entry(1));
        tree.subscribe(plus_filter, entry(2));
        tree.subscribe("l/#", entry(3));
        tree.subscribe(deep_hash, entry(4));
        tree.subscribe("$share/g/" + plus_filter, entry(5));
        CHECK(matched_ids(tree, topic) == std::vector<subscriber_id>{1, 2, 3, 4});
        match_result result;
        tree.match(topic, result);
        CHECK(result.groups.size() == 1);
        CHECK(matched_ids(tree, topic + "/l") == std::vector<subscriber_id>{3, 4});
        CHECK(matched_ids(tree, topic.substr(0, topic.size() - 2)) ==
              std::vector<subscriber_id>{3, 4});
        CHECK(filters_of(tree).at(plus_filter) == 1);
        CHECK(tree.unsubscribe(topic, 1));
        CHECK(tree.unsubscribe(plus_filter, 2));
        CHECK(tree.unsubscribe("l/#", 3));
        CHECK(tree.unsubscribe(deep_hash, 4));
        CHECK(tree.unsubscribe("$share/g/" + plus_filter, 5));
        CHECK(tree.node_count() == 0);
    }

    TEST_CASE("a tree holding a 65,536-level filter is destroyed without exhausting the stack") {
        // The longest filter a packet can carry (65,535 bytes, 1.5.4): every level empty.
        const std::string slashes(65'535, '/');
        subscription_tree tree;
        tree.subscribe(slashes, entry(1));
        tree.subscribe(slashes.substr(1) + "#", entry(2));
        CHECK(tree.node_count() == 65'537);
        CHECK(matched_ids(tree, slashes) == std::vector<subscriber_id>{1, 2});
    }

    TEST_CASE("match agrees with mqtt::topic_matches over random filters and topics") {
        random_source random(20'240'601);
        held_map reference;
        subscription_tree tree;
        std::uint32_t next_identifier = 1;
        for (int step = 0; step < 4'000; ++step) {
            const std::size_t op = random.pick(10);
            if (op < 6) {
                const std::string filter = random.filter();
                const auto id = static_cast<subscriber_id>(1 + random.pick(8));
                const std::uint32_t identifier = next_identifier++;
                const bool fresh = reference.insert_or_assign({filter, id}, identifier).second;
                CHECK(tree.subscribe(filter, entry(id, identifier)) == fresh);
            } else if (op < 9 && !reference.empty()) {
                auto it = reference.begin();
                std::advance(it, static_cast<std::ptrdiff_t>(random.pick(reference.size())));
                CHECK(tree.unsubscribe(it->first.first, it->first.second));
                reference.erase(it);
            } else {
                const std::string filter = random.filter();
                const auto id = static_cast<subscriber_id>(1 + random.pick(8));
                const bool held = reference.erase({filter, id}) == 1;
                CHECK(tree.unsubscribe(filter, id) == held);
            }
            REQUIRE(tree.size() == reference.size());
            if (step % 20 == 0) {
                for (int i = 0; i < 10; ++i) {
                    check_against(tree, reference, random.levels(false));
                }
            }
        }
        std::map<std::string, std::size_t> want_filters;
        for (const auto& held : reference) {
            ++want_filters[held.first.first];
        }
        CHECK(filters_of(tree) == want_filters);
        for (const auto& [key, identifier] : reference) {
            CHECK(tree.unsubscribe(key.first, key.second));
        }
        CHECK(tree.size() == 0);
        CHECK(tree.node_count() == 0);
    }
}

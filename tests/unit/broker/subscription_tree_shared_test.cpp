// The subscription index's shared groups (4.8.2) and its listing of the filters it holds.
#include "router/subscription_tree.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

using namespace emqx::broker;
namespace mqtt = emqx::mqtt;

namespace {

subscriber_entry member(subscriber_id id, mqtt::qos max_qos = mqtt::qos::at_most_once) {
    subscriber_entry e;
    e.id = id;
    e.options.max_qos = max_qos;
    return e;
}

std::vector<subscriber_id> ids_of(const share_group& group) {
    std::vector<subscriber_id> ids;
    for (const auto& m : group.members) {
        ids.push_back(m.id);
    }
    return ids;
}

/// The groups matching `topic`, by "<group>|<filter>".
std::map<std::string, const share_group*> groups_matching(const subscription_tree& tree,
                                                          std::string_view topic) {
    match_result result;
    tree.match(topic, result);
    std::map<std::string, const share_group*> out;
    for (const auto* g : result.groups) {
        const bool fresh = out.emplace(g->group + "|" + g->filter, g).second;
        CHECK_MESSAGE(fresh, "group listed twice: ", g->group);
    }
    return out;
}

std::map<std::string, std::size_t> filters_of(const subscription_tree& tree) {
    std::map<std::string, std::size_t> out;
    tree.for_each_filter([&](std::string_view filter, std::size_t count) {
        const bool fresh = out.emplace(std::string(filter), count).second;
        CHECK_MESSAGE(fresh, "listed twice: ", filter);
    });
    return out;
}

} // namespace

TEST_SUITE("broker::subscription_tree") {
    TEST_CASE("joining a shared group puts the group, not the member, in the match (4.8.2)") {
        subscription_tree tree;
        CHECK(tree.subscribe("$share/g/a/+", member(1)));
        CHECK(tree.size() == 1);
        match_result result;
        tree.match("a/b", result);
        CHECK(result.subscribers.empty());
        REQUIRE(result.groups.size() == 1);
        const share_group& g = *result.groups[0];
        CHECK(g.group == "g");
        CHECK(g.filter == "a/+");
        CHECK(ids_of(g) == std::vector<subscriber_id>{1});
        CHECK(g.cursor == 0);
        tree.match("a", result);
        CHECK(result.groups.empty());
        tree.match("b/b", result);
        CHECK(result.groups.empty());
    }

    TEST_CASE("members are kept in the order they joined") {
        subscription_tree tree;
        CHECK(tree.subscribe("$share/g/a", member(3)));
        CHECK(tree.subscribe("$share/g/a", member(1)));
        CHECK(tree.subscribe("$share/g/a", member(2)));
        CHECK(tree.size() == 3);
        const auto groups = groups_matching(tree, "a");
        REQUIRE(groups.size() == 1);
        CHECK(ids_of(*groups.at("g|a")) == std::vector<subscriber_id>{3, 1, 2});
    }

    TEST_CASE("a member joining its group again replaces its options and keeps its place "
              "[MQTT-3.8.4-3]") {
        subscription_tree tree;
        tree.subscribe("$share/g/a", member(1));
        tree.subscribe("$share/g/a", member(2));
        CHECK_FALSE(tree.subscribe("$share/g/a", member(1, mqtt::qos::exactly_once)));
        CHECK(tree.size() == 2);
        const auto groups = groups_matching(tree, "a");
        REQUIRE(groups.size() == 1);
        const share_group& g = *groups.at("g|a");
        REQUIRE(g.members.size() == 2);
        CHECK(g.members[0] == member(1, mqtt::qos::exactly_once));
        CHECK(g.members[1] == member(2));
    }

    TEST_CASE("leaving a group removes only that member; the last one out removes the group") {
        subscription_tree tree;
        tree.subscribe("$share/g/a/b", member(1));
        tree.subscribe("$share/g/a/b", member(2));
        CHECK_FALSE(tree.unsubscribe("$share/g/a/b", 3));
        CHECK_FALSE(tree.unsubscribe("$share/h/a/b", 1));
        CHECK_FALSE(tree.unsubscribe("$share/g/a/+", 1));
        CHECK_FALSE(tree.unsubscribe("a/b", 1));
        CHECK(tree.unsubscribe("$share/g/a/b", 1));
        CHECK(tree.size() == 1);
        auto groups = groups_matching(tree, "a/b");
        REQUIRE(groups.size() == 1);
        CHECK(ids_of(*groups.at("g|a/b")) == std::vector<subscriber_id>{2});
        CHECK_FALSE(tree.unsubscribe("$share/g/a/b", 1));
        CHECK(tree.unsubscribe("$share/g/a/b", 2));
        CHECK(tree.size() == 0);
        CHECK(groups_matching(tree, "a/b").empty());
        CHECK(filters_of(tree).empty());
        CHECK(tree.node_count() == 0);
    }

    TEST_CASE("two groups on one filter are matched as two groups") {
        subscription_tree tree;
        tree.subscribe("$share/g1/a/b", member(1));
        tree.subscribe("$share/g2/a/b", member(1));
        tree.subscribe("$share/g2/a/b", member(2));
        CHECK(tree.size() == 3);
        auto groups = groups_matching(tree, "a/b");
        REQUIRE(groups.size() == 2);
        CHECK(ids_of(*groups.at("g1|a/b")) == std::vector<subscriber_id>{1});
        CHECK(ids_of(*groups.at("g2|a/b")) == std::vector<subscriber_id>{1, 2});
        CHECK(tree.unsubscribe("$share/g1/a/b", 1));
        groups = groups_matching(tree, "a/b");
        REQUIRE(groups.size() == 1);
        CHECK(groups.count("g2|a/b") == 1);
    }

    TEST_CASE("a group on a wildcard filter and one on a literal filter both match") {
        subscription_tree tree;
        tree.subscribe("$share/g/a/+", member(1));
        tree.subscribe("$share/g/a/b", member(2));
        tree.subscribe("$share/g/#", member(3));
        const auto groups = groups_matching(tree, "a/b");
        REQUIRE(groups.size() == 3);
        CHECK(ids_of(*groups.at("g|a/+")) == std::vector<subscriber_id>{1});
        CHECK(ids_of(*groups.at("g|a/b")) == std::vector<subscriber_id>{2});
        CHECK(ids_of(*groups.at("g|#")) == std::vector<subscriber_id>{3});
    }

    TEST_CASE("shared and non-shared subscriptions to one filter are kept apart") {
        subscription_tree tree;
        tree.subscribe("a/b", member(1));
        tree.subscribe("$share/g/a/b", member(1));
        tree.subscribe("$share/g/a/b", member(2));
        CHECK(tree.size() == 3);
        match_result result;
        tree.match("a/b", result);
        REQUIRE(result.subscribers.size() == 1);
        CHECK(result.subscribers[0]->id == 1);
        REQUIRE(result.groups.size() == 1);
        CHECK(ids_of(*result.groups[0]) == std::vector<subscriber_id>{1, 2});
        CHECK_FALSE(tree.unsubscribe("a/b", 2));
        CHECK(tree.unsubscribe("a/b", 1));
        tree.match("a/b", result);
        CHECK(result.subscribers.empty());
        REQUIRE(result.groups.size() == 1);
        CHECK(ids_of(*result.groups[0]) == std::vector<subscriber_id>{1, 2});
    }

    TEST_CASE("the round-robin cursor set through match_result is kept between matches") {
        subscription_tree tree;
        tree.subscribe("$share/g/a", member(1));
        tree.subscribe("$share/g/a", member(2));
        tree.subscribe("$share/g/a", member(3));
        match_result result;
        tree.match("a", result);
        REQUIRE(result.groups.size() == 1);
        result.groups[0]->cursor = 2;
        tree.match("a", result);
        REQUIRE(result.groups.size() == 1);
        CHECK(result.groups[0]->cursor == 2);
    }

    TEST_CASE("a member leaving keeps the member that was due next due next") {
        subscription_tree tree;
        for (subscriber_id id = 1; id <= 3; ++id) {
            tree.subscribe("$share/g/a", member(id));
        }
        match_result result;
        tree.match("a", result);
        REQUIRE(result.groups.size() == 1);
        result.groups[0]->cursor = 2; // member 3 is next
        CHECK(tree.unsubscribe("$share/g/a", 1));
        tree.match("a", result);
        REQUIRE(result.groups.size() == 1);
        share_group& g = *result.groups[0];
        CHECK(g.members.at(g.cursor).id == 3);
        CHECK(tree.unsubscribe("$share/g/a", 3)); // the due one leaves: wrap to the first
        tree.match("a", result);
        REQUIRE(result.groups.size() == 1);
        CHECK(result.groups[0]->cursor == 0);
        CHECK(result.groups[0]->members.at(0).id == 2);
    }

    TEST_CASE("for_each_filter lists each held filter once with its subscription count") {
        subscription_tree tree;
        tree.subscribe("a/b", member(1));
        tree.subscribe("a/b", member(2));
        tree.subscribe("a/+", member(1));
        tree.subscribe("#", member(6));
        tree.subscribe("$share/g/a/b", member(3));
        tree.subscribe("$share/g/a/b", member(4));
        tree.subscribe("$share/h/a/b", member(5));
        tree.subscribe("$share/g/#", member(5));
        tree.subscribe("a/b/c", member(1));
        CHECK(tree.unsubscribe("a/b/c", 1)); // its node remains only as a way to nothing
        const std::map<std::string, std::size_t> expected = {
            {"a/b", 2},          {"a/+", 1},          {"#", 1},
            {"$share/g/a/b", 2}, {"$share/h/a/b", 1}, {"$share/g/#", 1},
        };
        CHECK(filters_of(tree) == expected);
        std::size_t total = 0;
        for (const auto& [filter, count] : expected) {
            total += count;
        }
        CHECK(tree.size() == total);
    }

    TEST_CASE("for_each_filter follows unsubscribes, and leaves out a filter with no one left") {
        subscription_tree tree;
        tree.subscribe("x/+", member(1));
        tree.subscribe("x/+", member(2));
        tree.subscribe("x", member(1));
        tree.subscribe("$share/g/x/+", member(1));
        CHECK(tree.unsubscribe("x/+", 1));
        CHECK(tree.unsubscribe("x", 1));
        const std::map<std::string, std::size_t> expected = {{"x/+", 1}, {"$share/g/x/+", 1}};
        CHECK(filters_of(tree) == expected);
    }
}

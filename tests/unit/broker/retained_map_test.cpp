// Retained messages by topic (3.3.1.3): set, replace, erase, expiry, and finding them by topic
// filter with the matching rules of 4.7.
#include "router/retained_map.hpp"

#include <emqx/mqtt/topic.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace emqx::broker;
namespace mqtt = emqx::mqtt;

namespace {

using strings = std::vector<std::string>;

/// The values matching `filter`, sorted; each test stores a topic's own name as its value.
strings matched(const retained_map<std::string>& map, std::string_view filter) {
    std::vector<const std::string*> out;
    map.match(filter, out);
    strings values;
    for (const auto* v : out) {
        values.push_back(*v);
    }
    std::sort(values.begin(), values.end());
    return values;
}

/// Topics from the examples of 4.7, stored under their own names.
retained_map<std::string> spec_topics() {
    retained_map<std::string> map;
    for (const char* topic :
         {"sport", "sport/", "sport/tennis", "sport/tennis/player1", "sport/tennis/player1/ranking",
          "sport/tennis/player1/score/wimbledon", "sport/tennis/player2", "/finance", "finance",
          "/", "a//c", "$SYS", "$SYS/monitor/Clients", "Accounts payable", "ACCOUNTS"}) {
        map.set(topic, topic);
    }
    return map;
}

std::map<std::string, std::string> contents(const retained_map<std::string>& map) {
    std::map<std::string, std::string> out;
    map.for_each([&](std::string_view topic, const std::string& value) {
        const bool fresh = out.emplace(std::string(topic), value).second;
        CHECK_MESSAGE(fresh, "listed twice: ", topic);
    });
    return out;
}

} // namespace

TEST_SUITE("broker::retained_map") {
    TEST_CASE("a new map holds nothing") {
        retained_map<std::string> map;
        CHECK(map.size() == 0);
        CHECK(map.node_count() == 0);
        CHECK(map.find("a") == nullptr);
        CHECK(matched(map, "#").empty());
        CHECK(contents(map).empty());
    }

    TEST_CASE("one value per topic: setting again replaces it (3.3.1.3)") {
        retained_map<std::string> map;
        map.set("a/b", "first");
        map.set("a/b", "second");
        CHECK(map.size() == 1);
        REQUIRE(map.find("a/b") != nullptr);
        CHECK(*map.find("a/b") == "second");
        CHECK(map.find("a") == nullptr);
        CHECK(map.find("a/b/c") == nullptr);
    }

    TEST_CASE("topics that differ by case or by an empty level are distinct (4.7.3)") {
        retained_map<std::string> map;
        for (const char* topic : {"a", "a/", "/a", "A", "a//", "/"}) {
            map.set(topic, topic);
        }
        CHECK(map.size() == 6);
        for (const char* topic : {"a", "a/", "/a", "A", "a//", "/"}) {
            CAPTURE(topic);
            REQUIRE(map.find(topic) != nullptr);
            CHECK(*map.find(topic) == topic);
        }
        CHECK(map.find("//") == nullptr);
    }

    TEST_CASE("erase removes exactly one topic and frees the nodes only it used") {
        retained_map<std::string> map;
        map.set("a/b/c", "abc");
        map.set("a/b", "ab");
        CHECK(map.node_count() == 3);
        CHECK_FALSE(map.erase("a"));
        CHECK_FALSE(map.erase("a/b/c/d"));
        CHECK_FALSE(map.erase("x"));
        CHECK(map.erase("a/b"));
        CHECK_FALSE(map.erase("a/b"));
        CHECK(map.size() == 1);
        CHECK(map.node_count() == 3); // a/b still leads to a/b/c
        REQUIRE(map.find("a/b/c") != nullptr);
        map.set("a/b", "ab");
        CHECK(map.erase("a/b/c"));
        CHECK(map.node_count() == 2);
        CHECK(map.erase("a/b"));
        CHECK(map.size() == 0);
        CHECK(map.node_count() == 0);
    }

    TEST_CASE("a value's address stays put while other topics come and go") {
        retained_map<std::string> map;
        map.set("keep", "v");
        const std::string* before = map.find("keep");
        for (int i = 0; i < 1'000; ++i) {
            map.set("other/" + std::to_string(i), "x");
        }
        for (int i = 0; i < 1'000; ++i) {
            map.erase("other/" + std::to_string(i));
        }
        CHECK(map.find("keep") == before);
    }

    TEST_CASE("moving a map hands over its contents and leaves the source empty") {
        retained_map<std::string> source;
        source.set("a/b", "ab");
        const std::string* value = source.find("a/b");
        retained_map<std::string> moved(std::move(source));
        CHECK(moved.find("a/b") == value);
        CHECK(moved.size() == 1);
        CHECK(moved.node_count() == 2);
        CHECK(source.size() == 0);        // NOLINT(bugprone-use-after-move): checked on purpose
        CHECK(source.node_count() == 0);  // NOLINT(bugprone-use-after-move)
        CHECK(source.find("a/b") == nullptr); // NOLINT(bugprone-use-after-move)
        retained_map<std::string> target;
        target.set("x", "x");
        target = std::move(moved);
        CHECK(target.find("x") == nullptr);
        CHECK(target.find("a/b") == value);
        CHECK(target.size() == 1);
        CHECK(target.node_count() == 2);
        source.set("c", "c"); // a moved-from map is usable again
        CHECK(matched(source, "#") == strings{"c"});
    }

    TEST_CASE("a move-only value is stored and replaced") {
        retained_map<std::unique_ptr<int>> map;
        map.set("t", std::make_unique<int>(1));
        map.set("t", std::make_unique<int>(2));
        REQUIRE(map.find("t") != nullptr);
        CHECK(**map.find("t") == 2);
    }

    TEST_CASE("`#` matches the parent level and every level below (4.7.1.2)") {
        const auto map = spec_topics();
        CHECK(matched(map, "sport/tennis/player1/#") ==
              strings{"sport/tennis/player1", "sport/tennis/player1/ranking",
                      "sport/tennis/player1/score/wimbledon"});
        CHECK(matched(map, "sport/#") ==
              strings{"sport", "sport/", "sport/tennis", "sport/tennis/player1",
                      "sport/tennis/player1/ranking", "sport/tennis/player1/score/wimbledon",
                      "sport/tennis/player2"});
        CHECK(matched(map, "#") == strings{"/", "/finance", "ACCOUNTS", "Accounts payable",
                                           "a//c", "finance", "sport", "sport/",
                                           "sport/tennis", "sport/tennis/player1",
                                           "sport/tennis/player1/ranking",
                                           "sport/tennis/player1/score/wimbledon",
                                           "sport/tennis/player2"});
        CHECK(matched(map, "nothing/#").empty());
    }

    TEST_CASE("`+` matches exactly one level, an empty one too (4.7.1.3)") {
        const auto map = spec_topics();
        CHECK(matched(map, "sport/tennis/+") ==
              strings{"sport/tennis/player1", "sport/tennis/player2"});
        CHECK(matched(map, "sport/+") == strings{"sport/", "sport/tennis"});
        CHECK(matched(map, "+/+") == strings{"/", "/finance", "sport/", "sport/tennis"});
        CHECK(matched(map, "/+") == strings{"/", "/finance"});
        CHECK(matched(map, "+") == strings{"ACCOUNTS", "Accounts payable", "finance", "sport"});
        CHECK(matched(map, "+/tennis/#") ==
              strings{"sport/tennis", "sport/tennis/player1", "sport/tennis/player1/ranking",
                      "sport/tennis/player1/score/wimbledon", "sport/tennis/player2"});
        CHECK(matched(map, "a/+/c") == strings{"a//c"});
        CHECK(matched(map, "+/+/+/+/+") == strings{"sport/tennis/player1/score/wimbledon"});
    }

    TEST_CASE("a filter without wildcards finds only its own topic (4.7.3) [MQTT-4.7.3-4]") {
        const auto map = spec_topics();
        CHECK(matched(map, "Accounts payable") == strings{"Accounts payable"});
        CHECK(matched(map, "Accounts").empty());
        CHECK(matched(map, "finance") == strings{"finance"});
        CHECK(matched(map, "/finance") == strings{"/finance"});
        CHECK(matched(map, "a/c").empty());
    }

    TEST_CASE("wildcard-first filters find no `$` topics [MQTT-4.7.2-1]") {
        const auto map = spec_topics();
        CHECK(matched(map, "+/monitor/Clients").empty());
        CHECK(matched(map, "$SYS/#") == strings{"$SYS", "$SYS/monitor/Clients"});
        CHECK(matched(map, "$SYS/monitor/+") == strings{"$SYS/monitor/Clients"});
        CHECK(matched(map, "$SYS") == strings{"$SYS"});
        retained_map<std::string> inner;
        inner.set("a/$b", "a/$b");
        inner.set("a/$b/c", "a/$b/c");
        CHECK(matched(inner, "a/+") == strings{"a/$b"});
        CHECK(matched(inner, "a/#") == strings{"a/$b", "a/$b/c"});
        CHECK(matched(inner, "+/+/c") == strings{"a/$b/c"});
    }

    TEST_CASE("match appends to what the vector already holds") {
        retained_map<std::string> map;
        map.set("a", "a");
        std::vector<const std::string*> out;
        map.match("a", out);
        map.match("+", out);
        REQUIRE(out.size() == 2);
        CHECK(out[0] == out[1]);
    }

    TEST_CASE("for_each visits every stored topic once with its value") {
        retained_map<std::string> map;
        map.set("a/b", "1");
        map.set("a", "2");
        map.set("$SYS/x", "3");
        map.set("/", "4");
        map.set("a/b/c", "5");
        map.erase("a/b/c");
        const std::map<std::string, std::string> expected = {
            {"a/b", "1"}, {"a", "2"}, {"$SYS/x", "3"}, {"/", "4"}};
        CHECK(contents(map) == expected);
    }

    TEST_CASE("erase_if removes the values its predicate picks and frees their nodes") {
        retained_map<int> map;
        retained_map<int> survivors;
        int expiry = 0;
        for (const char* topic : {"a", "a/b", "a/b/c", "a/b/d", "x/y/z", "$SYS/t", "/", "q"}) {
            map.set(topic, ++expiry);
            if (expiry % 2 == 0) {
                survivors.set(topic, expiry);
            }
        }
        const std::size_t erased =
            map.erase_if([](std::string_view, const int& value) { return value % 2 == 1; });
        CHECK(erased == 4);
        CHECK(map.size() == 4);
        CHECK(map.node_count() == survivors.node_count());
        std::map<std::string, int> left;
        map.for_each([&](std::string_view topic, const int& v) { left[std::string(topic)] = v; });
        const std::map<std::string, int> expected = {
            {"a/b", 2}, {"a/b/d", 4}, {"$SYS/t", 6}, {"q", 8}};
        CHECK(left == expected);
        CHECK(map.erase_if([](std::string_view topic, const int&) { return topic != "q"; }) == 3);
        CHECK(map.node_count() == 1);
        CHECK(map.erase_if([](std::string_view, const int&) { return true; }) == 1);
        CHECK(map.size() == 0);
        CHECK(map.node_count() == 0);
        CHECK(map.erase_if([](std::string_view, const int&) { return true; }) == 0);
    }

    TEST_CASE("100 rounds of setting and erasing do not grow the map") {
        retained_map<int> map;
        std::size_t nodes_when_full = 0;
        for (int round = 0; round < 100; ++round) {
            for (int i = 0; i < 50; ++i) {
                map.set("dev/" + std::to_string(i) + "/state", i);
                map.set("dev/" + std::to_string(i), i);
            }
            if (round == 0) {
                nodes_when_full = map.node_count();
            }
            CHECK(map.node_count() == nodes_when_full);
            if (round % 2 == 0) {
                for (int i = 0; i < 50; ++i) {
                    map.erase("dev/" + std::to_string(i) + "/state");
                    map.erase("dev/" + std::to_string(i));
                }
            } else {
                map.erase_if([](std::string_view, const int&) { return true; });
            }
            CHECK(map.size() == 0);
            CHECK(map.node_count() == 0);
        }
    }

    TEST_CASE("10,000-level topics are stored, matched and erased without recursion") {
        std::string topic = "l";
        std::string plus_filter = "+";
        for (int i = 1; i < 10'000; ++i) {
            topic += "/l";
            plus_filter += "/+";
        }
        retained_map<std::string> map;
        map.set(topic, "deep");
        map.set("l", "top");
        CHECK(map.node_count() == 10'000);
        CHECK(matched(map, plus_filter) == strings{"deep"});
        CHECK(matched(map, "#") == strings{"deep", "top"});
        CHECK(matched(map, "l/#") == strings{"deep", "top"});
        CHECK(matched(map, topic) == strings{"deep"});
        CHECK(contents(map).size() == 2);
        CHECK(map.erase(topic));
        CHECK(map.node_count() == 1);
        map.set(topic, "deep");
        const auto is_deep = [](std::string_view, const std::string& v) { return v == "deep"; };
        CHECK(map.erase_if(is_deep) == 1);
        CHECK(map.node_count() == 1);
        map.set(std::string(65'535, '/'), "slashes"); // freed by the destructor, iteratively
        CHECK(map.node_count() == 65'537);
    }

    TEST_CASE("match agrees with mqtt::topic_matches over random topics and filters") {
        std::mt19937 rng(7'041'977);
        const auto pick = [&](std::size_t n) {
            return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
        };
        const std::vector<std::string> alphabet = {"a", "b", "c", "", "$s"};
        const auto random_levels = [&](bool wildcards) {
            std::string out;
            while (out.empty()) {
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
        };
        retained_map<std::string> map;
        std::map<std::string, std::string> reference;
        for (int step = 0; step < 3'000; ++step) {
            const std::string topic = random_levels(false);
            if (pick(3) == 0) {
                CHECK(map.erase(topic) == (reference.erase(topic) == 1));
            } else {
                map.set(topic, topic);
                reference[topic] = topic;
            }
            REQUIRE(map.size() == reference.size());
            if (step % 10 == 0) {
                const std::string filter = random_levels(true);
                strings want;
                for (const auto& [t, v] : reference) {
                    if (mqtt::topic_matches(filter, t)) {
                        want.push_back(v);
                    }
                }
                CAPTURE(filter);
                CHECK(matched(map, filter) == want);
            }
        }
        CHECK(contents(map) == reference);
        for (const auto& [topic, value] : reference) {
            CHECK(map.erase(topic));
        }
        CHECK(map.node_count() == 0);
    }
}

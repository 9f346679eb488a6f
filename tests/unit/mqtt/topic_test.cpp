// Topic names and filters (4.7, 4.8.2): validation, shared filters, level counts and matching.
#include <emqx/mqtt/topic.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>

using namespace emqx::mqtt;
using namespace std::string_literals;

namespace {

// `levels` copies of `level` joined by '/'.
std::string repeat_levels(std::string_view level, std::size_t levels) {
    std::string out;
    for (std::size_t i = 0; i < levels; ++i) {
        if (i > 0) {
            out += '/';
        }
        out += level;
    }
    return out;
}

// True when `part` lies inside `whole`'s bytes (compared as addresses, not contents).
bool is_view_into(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

} // namespace

TEST_SUITE("mqtt::topic") {
    TEST_CASE("ordinary topic names are valid, including `$` topics, spaces and lone `/`") {
        const std::string rows[] = {
            "a",
            "sport/tennis/player1",
            "$SYS/broker/clients",
            "Accounts payable", // 4.7.3: spaces are allowed
            "/",                // 4.7.3: a topic of only `/` is valid
            "/finance",
            "finance/",
            "a//b",
            "\xC3\xA9t\xC3\xA9/\xE2\x82\xAC"s,
            "$share/g/a", // only a filter is a shared subscription; as a name it is literal
        };
        for (const auto& topic : rows) {
            CAPTURE(topic);
            CHECK(is_valid_topic_name(topic));
        }
    }

    TEST_CASE("an empty topic name is invalid [MQTT-4.7.3-1]") {
        CHECK_FALSE(is_valid_topic_name(""));
    }

    TEST_CASE("a topic name with a wildcard anywhere is invalid [MQTT-3.3.2-2]") {
        const std::string rows[] = {"+", "#", "a/+", "a/#", "+/a", "a+", "a#b", "sport/tennis#"};
        for (const auto& topic : rows) {
            CAPTURE(topic);
            CHECK_FALSE(is_valid_topic_name(topic));
        }
    }

    TEST_CASE("a topic name that is not valid UTF-8 or holds U+0000 is invalid [MQTT-4.7.3-2]") {
        CHECK_FALSE(is_valid_topic_name("a\x00" "b"s));
        CHECK_FALSE(is_valid_topic_name("a/\xC0\xAF"s));
        CHECK_FALSE(is_valid_topic_name("a/\xED\xA0\x80"s));
        CHECK_FALSE(is_valid_topic_name("\xFF"s));
    }

    TEST_CASE("filters with wildcards in whole levels are valid (4.7.1)") {
        const std::string rows[] = {
            "#",      "+",          "sport/tennis/#", "sport/tennis/+", "+/tennis/#",
            "sport/+/player1", "+/+", "/+", "+/", "/#", "//#", "+/+/#", "$SYS/#",
            "$SYS/monitor/+", "a/b", "/", "a//b",
        };
        for (const auto& filter : rows) {
            CAPTURE(filter);
            CHECK(is_valid_topic_filter(filter));
        }
    }

    TEST_CASE("an empty topic filter is invalid [MQTT-4.7.3-1]") {
        CHECK_FALSE(is_valid_topic_filter(""));
    }

    TEST_CASE("`#` that is not the whole last level is invalid [MQTT-4.7.1-1]") {
        const std::string rows[] = {
            "sport/tennis#", "sport/tennis/#/ranking", "#/", "#/a", "a#", "#a", "a/#b",
            "##", "a/##", "#+",
        };
        for (const auto& filter : rows) {
            CAPTURE(filter);
            CHECK_FALSE(is_valid_topic_filter(filter));
        }
    }

    TEST_CASE("`+` that is not a whole level is invalid [MQTT-4.7.1-2]") {
        const std::string rows[] = {"sport+", "+sport", "a/b+/c", "a/+b", "++", "a/++/b", "+a/b"};
        for (const auto& filter : rows) {
            CAPTURE(filter);
            CHECK_FALSE(is_valid_topic_filter(filter));
        }
    }

    TEST_CASE("a filter that is not valid UTF-8 or holds U+0000 is invalid [MQTT-4.7.3-2]") {
        CHECK_FALSE(is_valid_topic_filter("a/\x00"s));
        CHECK_FALSE(is_valid_topic_filter("+/\xC0\x80"s));
        CHECK_FALSE(is_valid_topic_filter("\xF4\x90\x80\x80/#"s));
    }

    TEST_CASE("a level count is one more than the number of separators") {
        CHECK(topic_level_count("a") == 1);
        CHECK(topic_level_count("a/b") == 2);
        CHECK(topic_level_count("/") == 2);
        CHECK(topic_level_count("/finance") == 2);
        CHECK(topic_level_count("a/b/") == 3);
        CHECK(topic_level_count("//") == 3);
        CHECK(topic_level_count("sport/tennis/player1/#") == 4);
        CHECK(topic_level_count(repeat_levels("x", 10'000)) == 10'000);
    }

    TEST_CASE("only a filter starting with \"$share/\" is a shared filter") {
        CHECK(is_shared_filter("$share/g/a"));
        CHECK(is_shared_filter("$share/"));
        CHECK_FALSE(is_shared_filter("$share"));
        CHECK_FALSE(is_shared_filter("$SHARE/g/a"));
        CHECK_FALSE(is_shared_filter("$sharex/g/a"));
        CHECK_FALSE(is_shared_filter("a/$share/g/a"));
        CHECK_FALSE(is_shared_filter("$queue/a"));
    }

    TEST_CASE("a shared filter splits into views of its group and its filter (4.8.2)") {
        struct row {
            std::string_view input;
            std::string_view group;
            std::string_view filter;
        };
        const row rows[] = {
            {"$share/consumer1/sport/tennis/+", "consumer1", "sport/tennis/+"},
            {"$share/g/#", "g", "#"},
            {"$share/g/+", "g", "+"},
            {"$share/g//", "g", "/"},
            {"$share/g//a", "g", "/a"},
            {"$share/g/$SYS/#", "g", "$SYS/#"},
            {"$share/$g/a", "$g", "a"},
            {"$share/gr\xC3\xBCn/a", "gr\xC3\xBCn", "a"},
        };
        for (const auto& r : rows) {
            CAPTURE(r.input);
            const auto parsed = parse_shared_filter(r.input);
            REQUIRE(parsed.has_value());
            CHECK(parsed.value() == shared_filter{r.group, r.filter});
            CHECK(is_view_into(parsed.value().group, r.input));
            CHECK(is_view_into(parsed.value().filter, r.input));
            CHECK(is_valid_topic_filter(r.input));
        }
    }

    TEST_CASE("a shared filter with an empty group is invalid [MQTT-4.8.2-1]") {
        for (const std::string_view input : {"$share/", "$share//a", "$share//#"}) {
            CAPTURE(input);
            const auto parsed = parse_shared_filter(input);
            REQUIRE_FALSE(parsed.has_value());
            CHECK(parsed.error() == reason_code::topic_filter_invalid);
            CHECK_FALSE(is_valid_topic_filter(input));
        }
    }

    TEST_CASE("a shared filter whose group has a wildcard or no following filter is invalid "
              "[MQTT-4.8.2-2]") {
        const std::string_view rows[] = {
            "$share/g",        // no `/` after the group
            "$share/g/",       // no filter after the `/`
            "$share/g+/a",     // `+` in the group
            "$share/+/a",
            "$share/g#/a",     // `#` in the group
            "$share/#/a",
            "$share/#",
            "$share/g/a/#/b",  // the filter part breaks [MQTT-4.7.1-1]
            "$share/g/a+",     // the filter part breaks [MQTT-4.7.1-2]
        };
        for (const auto input : rows) {
            CAPTURE(input);
            const auto parsed = parse_shared_filter(input);
            REQUIRE_FALSE(parsed.has_value());
            CHECK(parsed.error() == reason_code::topic_filter_invalid);
            CHECK_FALSE(is_valid_topic_filter(input));
        }
    }

    TEST_CASE("a shared filter with bad UTF-8 in its group or filter is invalid [MQTT-1.5.4-1]") {
        for (const auto& input : {"$share/\xC0\xAF/a"s, "$share/g/\xED\xA0\x80"s,
                                  "$share/g\x00/a"s, "$share/g/a\x00"s}) {
            CAPTURE(input);
            CHECK_FALSE(parse_shared_filter(input).has_value());
            CHECK_FALSE(is_valid_topic_filter(input));
        }
    }

    TEST_CASE("\"$share\" without its `/` is an ordinary filter") {
        CHECK(is_valid_topic_filter("$share"));
        CHECK(is_valid_topic_filter("$sharefoo/#"));
    }

    TEST_CASE("matching follows the examples of sections 4.7.1 and 4.7.3 of both versions") {
        struct row {
            std::string_view filter;
            std::string_view topic;
            bool matches;
        };
        const row rows[] = {
            // 4.7.1.2 multi-level wildcard: `#` includes the parent level
            {"sport/tennis/player1/#", "sport/tennis/player1", true},
            {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
            {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
            {"sport/tennis/player1/#", "sport/tennis/player2", false},
            {"sport/tennis/player1/#", "sport/tennis", false},
            {"sport/#", "sport", true},
            {"#", "sport/tennis/player1", true},
            // 4.7.1.3 single-level wildcard
            {"sport/tennis/+", "sport/tennis/player1", true},
            {"sport/tennis/+", "sport/tennis/player2", true},
            {"sport/tennis/+", "sport/tennis/player1/ranking", false},
            {"sport/+", "sport", false},
            {"sport/+", "sport/", true},
            {"sport/+/player1", "sport/tennis/player1", true},
            {"+/tennis/#", "sport/tennis/player1/ranking", true},
            // 4.7.3: `/finance` has an empty first level
            {"+/+", "/finance", true},
            {"/+", "/finance", true},
            {"+", "/finance", false},
            {"/finance", "finance", false},
            {"finance", "/finance", false},
            // 4.7.3: topics are case sensitive
            {"ACCOUNTS", "Accounts", false},
            {"Accounts payable", "Accounts payable", true},
        };
        for (const auto& r : rows) {
            CAPTURE(r.filter);
            CAPTURE(r.topic);
            CHECK(topic_matches(r.filter, r.topic) == r.matches);
        }
    }

    TEST_CASE("a filter starting with a wildcard does not match a `$` topic [MQTT-4.7.2-1]") {
        struct row {
            std::string_view filter;
            std::string_view topic;
            bool matches;
        };
        const row rows[] = {
            {"#", "$SYS/broker/clients", false},
            {"+/monitor/Clients", "$SYS/monitor/Clients", false},
            {"+/monitor", "$SYS/monitor", false},
            {"+", "$SYS", false},
            {"#", "$", false},
            {"$SYS/#", "$SYS/x", true},
            {"$SYS/#", "$SYS", true},
            {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
            {"$SYS/+", "$SYS/monitor/Clients", false},
            // a `$` later in the topic is an ordinary character
            {"#", "a/$SYS", true},
            {"+/+", "a/$SYS", true},
        };
        for (const auto& r : rows) {
            CAPTURE(r.filter);
            CAPTURE(r.topic);
            CHECK(topic_matches(r.filter, r.topic) == r.matches);
        }
    }

    TEST_CASE("matching handles empty levels, lone wildcards and trailing slashes") {
        struct row {
            std::string_view filter;
            std::string_view topic;
            bool matches;
        };
        const row rows[] = {
            {"#", "a", true},
            {"#", "/", true},
            {"#", "a/b/c/", true},
            {"+", "a", true},
            {"+", "/", false},
            {"+", "a/", false},
            {"+/+", "/", true},
            {"/", "/", true},
            {"/#", "/", true},
            {"/#", "/a/b", true},
            {"/#", "a", false},
            {"a/+", "a/", true},
            {"a/+", "a", false},
            {"a/+", "a//", false},
            {"a/#", "a", true},
            {"a/#", "a/", true},
            {"a/#", "ab", false},
            {"a/#", "b", false},
            {"a/+/#", "a", false},
            {"a/+/#", "a/", true},
            {"a/+/#", "a/b/c", true},
            {"+/#", "a", true},
            {"a//b", "a//b", true},
            {"a/+/b", "a//b", true},
            {"a//b", "a/b", false},
            {"a/", "a/", true},
            {"a/", "a", false},
            {"a", "a/", false},
            {"a/b", "a/b/", false},
            {"a/b/", "a/b", false},
            {"a/b", "a/bc", false},
            {"a/bc", "a/b", false},
            {"a/b/c", "a/b", false},
            {"a/b", "a/b/c", false},
            {"+/b", "a/c", false},
            {"\xC3\xA9/+", "\xC3\xA9/x", true},
            {"\xC3\xA9/+", "\xC3\xA8/x", false},
        };
        for (const auto& r : rows) {
            CAPTURE(r.filter);
            CAPTURE(r.topic);
            CHECK(topic_matches(r.filter, r.topic) == r.matches);
        }
    }

    TEST_CASE("a literal filter matches exactly the topic it spells") {
        for (const std::string_view topic : {"a", "/", "a/b/c", "$SYS/x", "a//b/"}) {
            CAPTURE(topic);
            CHECK(topic_matches(topic, topic));
        }
    }

    TEST_CASE("matching 10,000 levels neither recurses deeply nor overflows the stack") {
        const std::string topic = repeat_levels("level", 10'000);
        CHECK(topic_matches(repeat_levels("level", 10'000), topic));
        CHECK(topic_matches(repeat_levels("+", 10'000), topic));
        CHECK(topic_matches(repeat_levels("+", 9'999) + "/#", topic));
        CHECK(topic_matches(repeat_levels("+", 10'000) + "/#", topic));
        CHECK_FALSE(topic_matches(repeat_levels("+", 10'001), topic));
        CHECK_FALSE(topic_matches(repeat_levels("+", 9'999), topic));
        CHECK_FALSE(topic_matches(repeat_levels("level", 9'999) + "/levem", topic));
    }
}

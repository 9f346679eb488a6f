// JSON in and out for the tools: text whatever bytes a string holds, and a parse that refuses
// a document nested too deep to be handled without running off the stack.
#include <emqx/client/json_text.hpp>

#include <doctest/doctest.h>

#include <string>

using emqx::client::json_text;
using emqx::client::parse_json;

namespace {

std::string nested(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

} // namespace

TEST_SUITE("client::json_text") {
    TEST_CASE("a string that is not UTF-8 is written with U+FFFD instead of throwing") {
        const nlohmann::json doc = {{"user",
                                     std::string{"b\xff"
                                                 "ob"}}};
        CHECK_THROWS(static_cast<void>(doc.dump())); // what the tools did before
        CHECK(json_text(doc) == "{\"user\":\"b\xef\xbf\xbdob\"}");
        CHECK(json_text(doc, 2) == "{\n  \"user\": \"b\xef\xbf\xbdob\"\n}");
    }

    TEST_CASE("parse_json refuses a document nested deeper than its limit, at any depth") {
        CHECK(parse_json(nested(65)).is_array()); // the outer array is level 0
        CHECK(parse_json(nested(66)).is_discarded());
        CHECK(parse_json(nested(200'000)).is_discarded()); // no crash while parsing or after
        // A container's members are one level below it: "b" and 2 are at level 3 here.
        CHECK(parse_json(R"({"a":[1,{"b":2}]})", 3).is_object());
        CHECK(parse_json(R"({"a":[1,{"b":[3]}]})", 3).is_discarded());
        CHECK(parse_json("{not json").is_discarded());
    }

    TEST_CASE("parse_json keeps the key order of an ordered_json") {
        const auto doc = parse_json<nlohmann::ordered_json>(R"({"z":1,"a":2,"m":3})");
        REQUIRE(doc.is_object());
        CHECK(json_text(doc) == R"({"z":1,"a":2,"m":3})");
    }
}

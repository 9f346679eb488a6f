// JSON in and out for the tools. Out: as text whatever bytes its strings hold. A string
// taken from a log line, a file name or a command line need not be UTF-8, and nlohmann's
// dump() throws on one that is not; this replaces such bytes with U+FFFD instead, as the
// broker's HTTP API does, so that one odd byte cannot cost a whole report or bundle. In:
// parse_json refuses a document nested too deep to be handled safely.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace emqx::client {

/// `value` (a nlohmann::json or ordered_json, whose key order it keeps) as JSON text: compact
/// with `indent` -1, else pretty with that many spaces.
template <typename Json>
[[nodiscard]] std::string json_text(const Json& value, int indent = -1) {
    return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

/// Parses JSON that comes from outside (a node's answer, a file, a log line). A document nested
/// deeper than `depth_most` levels (the outer object or array is level 0, a container's members
/// one level below it) comes back discarded, like a malformed one: nlohmann parses any depth,
/// but its serializer, comparison and copies recurse per level, and 100,000 nested arrays ran
/// them off the stack.
template <typename Json = nlohmann::json>
[[nodiscard]] Json parse_json(std::string_view text, int depth_most = 64) {
    bool too_deep = false;
    // Values deeper than the limit are dropped while parsing, so no deep structure is built.
    Json doc = Json::parse(
        text,
        [&too_deep, depth_most](int depth, typename Json::parse_event_t, Json&) {
            too_deep = too_deep || depth > depth_most;
            return depth <= depth_most;
        },
        false);
    return too_deep ? Json(Json::value_t::discarded) : doc;
}

} // namespace emqx::client

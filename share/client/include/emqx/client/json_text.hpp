// JSON as text for what the tools print and write, whatever bytes its strings hold. A string
// taken from a log line, a file name or a command line need not be UTF-8, and nlohmann's
// dump() throws on one that is not; this replaces such bytes with U+FFFD instead, as the
// broker's HTTP API does, so that one odd byte cannot cost a whole report or bundle.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace emqx::client {

/// `value` (a nlohmann::json or ordered_json, whose key order it keeps) as JSON text: compact
/// with `indent` -1, else pretty with that many spaces.
template <typename Json>
[[nodiscard]] std::string json_text(const Json& value, int indent = -1) {
    return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

} // namespace emqx::client

// Topic names and topic filters (4.7, 4.8.2): validation, shared subscriptions, matching.
#pragma once

#include <cstddef>
#include <string_view>

#include <emqx/base/expected.hpp>
#include <emqx/mqtt/reason_code.hpp>

namespace emqx::mqtt {

/// A topic name a PUBLISH or Will may carry: at least one character [MQTT-4.7.3-1], no `+`
/// or `#` [MQTT-3.3.2-2], valid MQTT UTF-8. `$`-topics are valid names.
[[nodiscard]] bool is_valid_topic_name(std::string_view topic) noexcept;

/// A topic filter a SUBSCRIBE or UNSUBSCRIBE may carry: at least one character, `+` only as a
/// whole level [MQTT-4.7.1-2], `#` only as the whole last level [MQTT-4.7.1-1], valid MQTT
/// UTF-8. A `$share/...` filter is checked as such (see parse_shared_filter).
[[nodiscard]] bool is_valid_topic_filter(std::string_view filter) noexcept;

/// Number of levels: one more than the number of `/` ("a/b" -> 2, "/" -> 2, "a" -> 1).
[[nodiscard]] std::size_t topic_level_count(std::string_view topic) noexcept;

/// True when `filter` begins with "$share/" (4.8.2).
[[nodiscard]] bool is_shared_filter(std::string_view filter) noexcept;

/// The two parts of `$share/<group>/<filter>`; views into the argument.
struct shared_filter {
    std::string_view group;
    std::string_view filter;

    bool operator==(const shared_filter&) const = default;
};

/// Splits a shared subscription filter. Fails with topic_filter_invalid (0x8F) when the
/// group is empty or contains `+` or `#` [MQTT-4.8.2-1], [MQTT-4.8.2-2], when no `/` and
/// filter follow the group, or when the filter part is not a valid topic filter.
/// Precondition: is_shared_filter(filter).
[[nodiscard]] emqx::expected<shared_filter, reason_code>
parse_shared_filter(std::string_view filter) noexcept;

/// True when topic name `topic` matches topic filter `filter` (4.7): `+` matches exactly one
/// level, `#` the parent level and any number below it ("a/#" matches "a"), and a filter
/// starting with a wildcard does not match a topic starting with `$` [MQTT-4.7.2-1].
/// Preconditions: both valid (the filter not a $share one). One pass over both strings, no
/// recursion and no allocation: the cost is linear in their length.
[[nodiscard]] bool topic_matches(std::string_view filter, std::string_view topic) noexcept;

} // namespace emqx::mqtt

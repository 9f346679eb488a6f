// Topic names and filters (4.7, 4.8.2): validation, shared subscription parsing, and matching.
#include <emqx/mqtt/topic.hpp>

#include <emqx/mqtt/utf8.hpp>

#include <algorithm>

namespace emqx::mqtt {
namespace {

constexpr std::string_view share_prefix = "$share/";

/// The wildcard rules of a non-shared filter: `+` is a whole level [MQTT-4.7.1-2], `#` is the
/// whole last level [MQTT-4.7.1-1]. Neither `/`, `+` nor `#` occurs inside a multi-byte UTF-8
/// sequence, so scanning bytes is exact.
[[nodiscard]] bool has_valid_wildcards(std::string_view filter) noexcept {
    const std::size_t n = filter.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char c = filter[i];
        if (c != '+' && c != '#') {
            continue;
        }
        const bool starts_level = i == 0 || filter[i - 1] == '/';
        const bool ends_level = i + 1 == n || filter[i + 1] == '/';
        if (!starts_level || !ends_level || (c == '#' && i + 1 != n)) {
            return false;
        }
    }
    return true;
}

[[nodiscard]] bool is_valid_plain_filter(std::string_view filter) noexcept {
    // [MQTT-4.7.3-1] at least one character; U+0000 [MQTT-4.7.3-2] is caught by the UTF-8 check
    return !filter.empty() && has_valid_wildcards(filter) && is_valid_mqtt_utf8(filter);
}

} // namespace

bool is_valid_topic_name(std::string_view topic) noexcept {
    // [MQTT-4.7.3-1] at least one character; [MQTT-3.3.2-2] no wildcards in a topic name
    return !topic.empty() && topic.find_first_of("+#") == std::string_view::npos &&
           is_valid_mqtt_utf8(topic);
}

bool is_valid_topic_filter(std::string_view filter) noexcept {
    if (is_shared_filter(filter)) {
        return parse_shared_filter(filter).has_value();
    }
    return is_valid_plain_filter(filter);
}

std::size_t topic_level_count(std::string_view topic) noexcept {
    return static_cast<std::size_t>(std::count(topic.begin(), topic.end(), '/')) + 1;
}

bool is_shared_filter(std::string_view filter) noexcept {
    return filter.starts_with(share_prefix);
}

emqx::expected<shared_filter, reason_code> parse_shared_filter(std::string_view filter) noexcept {
    const auto fail = emqx::unexpected{reason_code::topic_filter_invalid};
    const std::string_view rest = filter.substr(share_prefix.size());
    // [MQTT-4.8.2-2] the ShareName cannot contain `/`, so the first `/` ends it, and it must
    // be followed by one
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
        return fail;
    }
    const std::string_view group = rest.substr(0, slash);
    // [MQTT-4.8.2-1] at least one character; [MQTT-4.8.2-2] no `+` or `#`. The group is
    // checked as UTF-8 too, so that a parsed group is safe to log and to use as a key.
    if (group.empty() || group.find_first_of("+#") != std::string_view::npos ||
        !is_valid_mqtt_utf8(group)) {
        return fail;
    }
    // [MQTT-4.8.2-2] the `/` must be followed by a topic filter. It is checked as a plain
    // filter: the broker matches it as one, so "$share/g/$share/h/x" names a literal topic.
    const std::string_view inner = rest.substr(slash + 1);
    if (!is_valid_plain_filter(inner)) {
        return fail;
    }
    return shared_filter{group, inner};
}

bool topic_matches(std::string_view filter, std::string_view topic) noexcept {
    const std::size_t fn = filter.size();
    const std::size_t tn = topic.size();
    // [MQTT-4.7.2-1] a filter starting with a wildcard does not match a `$` topic
    if (tn > 0 && topic[0] == '$' && fn > 0 && (filter[0] == '+' || filter[0] == '#')) {
        return false;
    }
    std::size_t f = 0;
    std::size_t t = 0;
    // Each turn starts with f and t at the start of a level and ends with each at a `/` or at
    // its end; no index ever moves back, so the cost is linear.
    for (;;) {
        if (f < fn && filter[f] == '#') {
            return true; // this level and everything below it
        }
        if (f < fn && filter[f] == '+') {
            ++f; // `+` is the whole level: the filter is at its next `/` or end
            while (t < tn && topic[t] != '/') {
                ++t;
            }
        } else {
            for (; f < fn && filter[f] != '/'; ++f, ++t) {
                if (t == tn || topic[t] != filter[f]) {
                    return false;
                }
            }
            if (t < tn && topic[t] != '/') {
                return false; // the topic's level is longer
            }
        }
        if (f == fn) {
            return t == tn;
        }
        if (t == tn) {
            // The topic has no more levels: only a trailing "/#" still matches, since `#`
            // includes the parent level ("a/#" matches "a").
            return fn - f == 2 && filter[f + 1] == '#';
        }
        ++f;
        ++t;
    }
}

} // namespace emqx::mqtt

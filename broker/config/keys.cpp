// The key table (see keys.hpp). Ranges: where MQTT fixes a bound it is cited; elsewhere the
// bound only keeps a typo (an extra zero, a value in the wrong unit) from being accepted.
#include "config/keys.hpp"

#include <array>
#include <type_traits>

namespace emqx::broker::config {

namespace {

using std::chrono::milliseconds;

constexpr std::int64_t ms_second = 1'000;
constexpr std::int64_t ms_minute = 60 * ms_second;
constexpr std::int64_t ms_day = 24 * 60 * ms_minute;

constexpr std::array<std::string_view, 5> level_names{"trace", "debug", "info", "warn", "error"};
constexpr std::array<std::string_view, 2> format_names{"text", "json"};
constexpr std::array<std::string_view, 4> algorithms{"bcrypt", "sha256", "plain", "argon2id"};
constexpr std::array<std::string_view, 5> user_field_names{
    "username", "password", "algorithm", "salt", "enabled"};

template <auto member>
void set_limit(settings& s, const value& v) {
    using field = std::remove_cvref_t<decltype(s.mqtt.*member)>;
    if constexpr (std::is_same_v<field, milliseconds>) {
        s.mqtt.*member = std::get<milliseconds>(v);
    } else {
        s.mqtt.*member = static_cast<field>(std::get<std::int64_t>(v));
    }
}

template <auto member>
value get_limit(const settings& s) {
    using field = std::remove_cvref_t<decltype(s.mqtt.*member)>;
    if constexpr (std::is_same_v<field, milliseconds>) {
        return s.mqtt.*member;
    } else {
        return static_cast<std::int64_t>(s.mqtt.*member);
    }
}

template <auto member>
constexpr key_info
limit(std::string_view path, value_kind kind, std::int64_t min, std::int64_t max) {
    return {.path = path,
            .kind = kind,
            .min = min,
            .max = max,
            .reloadable = true,
            .set = set_limit<member>,
            .get = get_limit<member>};
}

const std::string& text_of(const value& v) {
    return std::get<std::string>(v);
}

std::int64_t index_of(std::span<const std::string_view> names, std::string_view name) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) {
            return static_cast<std::int64_t>(i);
        }
    }
    return 0;
}

// Table order is print order; keys of one section stay together.
const key_info table[]{
    {.path = "node.id",
     .kind = value_kind::identifier,
     .set = [](settings& s, const value& v) { s.node.id = text_of(v); },
     .get = [](const settings& s) -> value { return s.node.id; }},
    {.path = "node.data_dir",
     .kind = value_kind::text,
     .set = [](settings& s, const value& v) { s.node.data_dir = text_of(v); },
     .get = [](const settings& s) -> value { return s.node.data_dir; }},

    {.path = "listeners.mqtt",
     .kind = value_kind::listener,
     .set = [](settings& s, const value& v) { s.listeners.mqtt = std::get<listen_address>(v); },
     .get = [](const settings& s) -> value { return s.listeners.mqtt; }},
    {.path = "listeners.http",
     .kind = value_kind::listener,
     .set = [](settings& s, const value& v) { s.listeners.http = std::get<listen_address>(v); },
     .get = [](const settings& s) -> value { return s.listeners.http; }},
    {.path = "listeners.cluster",
     .kind = value_kind::listener,
     .set = [](settings& s, const value& v) { s.listeners.cluster = std::get<listen_address>(v); },
     .get = [](const settings& s) -> value { return s.listeners.cluster; }},
    {.path = "listeners.dashboard",
     .kind = value_kind::optional_listener,
     .set =
         [](settings& s, const value& v) {
             if (const auto* address = std::get_if<listen_address>(&v)) {
                 s.listeners.dashboard = *address;
             } else {
                 s.listeners.dashboard.reset();
             }
         },
     .get = [](const settings& s) -> value {
         if (s.listeners.dashboard) {
             return *s.listeners.dashboard;
         }
         return std::monostate{};
     }},

    limit<&limits::max_connections>("mqtt.max_connections", value_kind::integer, 1, 10'000'000),
    // 268,435,455 is the largest Remaining Length (2.2.3), plus at most 5 header bytes.
    limit<&limits::max_packet_size>("mqtt.max_packet_size", value_kind::bytes, 64, 268'435'460),
    // A Receive Maximum of 0 is a Protocol Error (3.2.2.3.3).
    limit<&limits::max_inflight>("mqtt.max_inflight", value_kind::integer, 1, 65'535),
    limit<&limits::max_queued_messages>(
        "mqtt.max_queued_messages", value_kind::integer, 0, 10'000'000),
    limit<&limits::max_awaiting_rel>("mqtt.max_awaiting_rel", value_kind::integer, 1, 65'535),
    limit<&limits::max_topic_levels>("mqtt.max_topic_levels", value_kind::integer, 1, 65'535),
    limit<&limits::max_topic_alias>("mqtt.max_topic_alias", value_kind::integer, 0, 65'535),
    // [MQTT-3.1.3-5]: the Server MUST allow client ids of 1 to 23 characters.
    limit<&limits::max_clientid_len>("mqtt.max_clientid_len", value_kind::integer, 23, 65'535),
    limit<&limits::max_subscriptions>("mqtt.max_subscriptions", value_kind::integer, 0, 10'000'000),
    limit<&limits::max_keepalive>("mqtt.max_keepalive", value_kind::integer, 1, 65'535),
    limit<&limits::connect_timeout>(
        "mqtt.connect_timeout", value_kind::duration, 100, 10 * ms_minute),
    limit<&limits::max_outbox_bytes>(
        "mqtt.max_outbox_bytes", value_kind::bytes, 64LL << 10U, 4LL << 30U),

    {.path = "auth.enabled",
     .kind = value_kind::boolean,
     .reloadable = true,
     .set = [](settings& s, const value& v) { s.auth.enabled = std::get<bool>(v); },
     .get = [](const settings& s) -> value { return s.auth.enabled; }},
    {.path = "auth.allow_anonymous",
     .kind = value_kind::boolean,
     .reloadable = true,
     .set = [](settings& s, const value& v) { s.auth.allow_anonymous = std::get<bool>(v); },
     .get = [](const settings& s) -> value { return s.auth.allow_anonymous; }},
    {.path = "auth.users", .kind = value_kind::user_list, .secret = true, .reloadable = true},
    {.path = "auth.ban.max_failures",
     .kind = value_kind::integer,
     .min = 0,
     .max = 1'000'000,
     .reloadable = true,
     .set =
         [](settings& s, const value& v) {
             s.auth.ban.max_failures = static_cast<std::uint32_t>(std::get<std::int64_t>(v));
         },
     .get = [](const settings& s) -> value {
         return static_cast<std::int64_t>(s.auth.ban.max_failures);
     }},
    {.path = "auth.ban.window",
     .kind = value_kind::duration,
     .min = ms_second,
     .max = ms_day,
     .reloadable = true,
     .set = [](settings& s, const value& v) { s.auth.ban.window = std::get<milliseconds>(v); },
     .get = [](const settings& s) -> value { return s.auth.ban.window; }},
    {.path = "auth.ban.duration",
     .kind = value_kind::duration,
     .min = ms_second,
     .max = 30 * ms_day,
     .reloadable = true,
     .set = [](settings& s, const value& v) { s.auth.ban.duration = std::get<milliseconds>(v); },
     .get = [](const settings& s) -> value { return s.auth.ban.duration; }},

    {.path = "cluster.name",
     .kind = value_kind::identifier,
     .set = [](settings& s, const value& v) { s.cluster.name = text_of(v); },
     .get = [](const settings& s) -> value { return s.cluster.name; }},
    {.path = "cluster.cookie",
     .kind = value_kind::text,
     .secret = true,
     .set = [](settings& s, const value& v) { s.cluster.cookie = text_of(v); },
     .get = [](const settings& s) -> value { return s.cluster.cookie; }},
    {.path = "cluster.peers",
     .kind = value_kind::peer_list,
     .set = [](settings& s,
               const value& v) { s.cluster.peers = std::get<std::vector<std::string>>(v); },
     .get = [](const settings& s) -> value { return s.cluster.peers; }},
    {.path = "cluster.discovery",
     .kind = value_kind::dns_name,
     .set = [](settings& s, const value& v) { s.cluster.discovery = text_of(v); },
     .get = [](const settings& s) -> value { return s.cluster.discovery; }},
    {.path = "cluster.heartbeat_interval",
     .kind = value_kind::duration,
     .min = 100,
     .max = ms_minute,
     .set = [](settings& s,
               const value& v) { s.cluster.heartbeat_interval = std::get<milliseconds>(v); },
     .get = [](const settings& s) -> value { return s.cluster.heartbeat_interval; }},
    {.path = "cluster.failure_timeout",
     .kind = value_kind::duration,
     .min = 500,
     .max = 10 * ms_minute,
     .set = [](settings& s,
               const value& v) { s.cluster.failure_timeout = std::get<milliseconds>(v); },
     .get = [](const settings& s) -> value { return s.cluster.failure_timeout; }},

    {.path = "log.level",
     .kind = value_kind::choice,
     .choices = level_names,
     .reloadable = true,
     .set =
         [](settings& s, const value& v) {
             s.log.level = static_cast<log::level>(index_of(level_names, text_of(v)));
         },
     .get = [](const settings& s) -> value {
         return std::string{level_names.at(static_cast<std::size_t>(s.log.level))};
     }},
    {.path = "log.format",
     .kind = value_kind::choice,
     .choices = format_names,
     .reloadable = true,
     .set =
         [](settings& s, const value& v) {
             s.log.format = static_cast<log_format>(index_of(format_names, text_of(v)));
         },
     .get = [](const settings& s) -> value {
         return std::string{format_names.at(static_cast<std::size_t>(s.log.format))};
     }},
    {.path = "log.file",
     .kind = value_kind::text,
     .reloadable = true,
     .set = [](settings& s, const value& v) { s.log.file = text_of(v); },
     .get = [](const settings& s) -> value { return s.log.file; }},

    {.path = "http.auth_token",
     .kind = value_kind::text,
     .secret = true,
     .reloadable = true,
     .set = [](settings& s, const value& v) { s.http.auth_token = text_of(v); },
     .get = [](const settings& s) -> value { return s.http.auth_token; }},
};

constexpr std::array<std::string_view, 8> sections{
    "node", "listeners", "mqtt", "auth", "auth.ban", "cluster", "log", "http"};

} // namespace

std::span<const key_info> all_keys() noexcept {
    return table;
}

const key_info* find_key(std::string_view path) noexcept {
    for (const auto& key : table) {
        if (key.path == path) {
            return &key;
        }
    }
    return nullptr;
}

bool is_section(std::string_view path) noexcept {
    for (const auto section : sections) {
        if (section == path) {
            return true;
        }
    }
    return false;
}

std::span<const std::string_view> user_fields() noexcept {
    return user_field_names;
}

std::span<const std::string_view> algorithm_names() noexcept {
    return algorithms;
}

std::vector<std::string> accepted_keys() {
    std::vector<std::string> keys;
    for (const auto& key : table) {
        keys.emplace_back(key.path);
    }
    for (const auto field : user_field_names) {
        keys.push_back(cat({"auth.users[].", field}));
    }
    return keys;
}

std::vector<std::string> known_paths() {
    auto paths = accepted_keys();
    for (const auto section : sections) {
        paths.emplace_back(section);
    }
    return paths;
}

} // namespace emqx::broker::config

// The table of every configuration key: its path, type, allowed values, and how it is read
// from and written into `settings`. Loading, flags, --print-config, did-you-mean and the
// man-page test all work from this one table.
#pragma once

#include "config/parse.hpp"
#include "config/settings.hpp"

#include <emqx/base/expected.hpp>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace emqx::broker::config {

enum class value_kind : std::uint8_t {
    text,              ///< any string
    identifier,        ///< is_identifier()
    dns_name,          ///< is_dns_name(), or empty for none
    boolean,           ///< true or false
    integer,           ///< a whole number in [min, max]
    bytes,             ///< a byte count in [min, max], KiB/MiB/GiB allowed
    duration,          ///< a duration in [min, max] milliseconds
    listener,          ///< a listen address
    optional_listener, ///< a listen address, or empty for no listener
    choice,            ///< one of `choices`
    peer_list,         ///< a list of host:port
    user_list,         ///< auth.users: a list of mappings, only in a config file
};

/// A parsed value: monostate (an optional listener that is off), bool, std::int64_t (integer
/// and bytes), milliseconds, std::string (text, identifier, dns_name, choice), listen_address,
/// or a list of strings (peers).
using value = std::variant<std::monostate,
                           bool,
                           std::int64_t,
                           std::chrono::milliseconds,
                           std::string,
                           listen_address,
                           std::vector<std::string>>;

struct key_info {
    std::string_view path;
    value_kind kind = value_kind::text;
    std::int64_t min = 0; ///< integer, bytes; milliseconds for durations
    std::int64_t max = 0;
    std::span<const std::string_view> choices{};
    bool secret = false;     ///< redacted by print_config and in problems
    bool reloadable = false; ///< meant to be re-read on SIGHUP (else: needs a restart)
    /// Stores a value parse_value() returned for this key. Null for auth.users.
    void (*set)(settings&, const value&) = nullptr;
    /// The current value. Null for auth.users.
    value (*get)(const settings&) = nullptr;
};

/// Every key except the fields of an auth.users entry, in the order of print_config.
[[nodiscard]] std::span<const key_info> all_keys() noexcept;

/// The key at `path`, or null.
[[nodiscard]] const key_info* find_key(std::string_view path) noexcept;

/// True for a path that holds keys: "node", "auth", "auth.ban" ...
[[nodiscard]] bool is_section(std::string_view path) noexcept;

/// The keys of one auth.users entry: username, password, algorithm, salt, enabled.
[[nodiscard]] std::span<const std::string_view> user_fields() noexcept;

/// The names of the hash algorithms, in the order of hash_algorithm.
[[nodiscard]] std::span<const std::string_view> algorithm_names() noexcept;

/// Every key the configuration accepts, as documented in emqxd.yaml(5): all_keys()' paths,
/// then "auth.users[].username" and the other user fields.
[[nodiscard]] std::vector<std::string> accepted_keys();

/// Every path an unknown key may have meant: accepted_keys() and the section paths.
[[nodiscard]] std::vector<std::string> known_paths();

/// What `key` accepts, for messages: "a whole number from 1 to 65535".
[[nodiscard]] std::string describe_allowed(const key_info& key);

/// Reads `text` as a value of `key` (for a listener, keeping `current`'s host when `text`
/// has none). The error is the reason alone; describe_allowed() says what would do.
[[nodiscard]] emqx::expected<value, parse_error>
parse_value(const key_info& key, std::string_view text, const settings& current);

/// `v` as a YAML scalar or flow list that parse_value() reads back.
[[nodiscard]] std::string render_value(const key_info& key, const value& v);

/// `text` as a YAML double-quoted scalar.
[[nodiscard]] std::string yaml_quote(std::string_view text);

} // namespace emqx::broker::config

// Setting one key from a command-line flag or an environment variable, on top of what the
// config file set (DESIGN.md section 3: defaults < file < environment < flags).
#pragma once

#include "config/problem.hpp"
#include "config/settings.hpp"

#include <emqx/base/expected.hpp>

#include <string>
#include <string_view>

namespace emqx::broker::config {

/// Sets `key` (a path such as "listeners.mqtt") from `text` and records `source` for it.
/// Returns the problems: an unknown key (with a did-you-mean), a section instead of a key,
/// auth.users (only a config file can hold users), or a value that does not parse (the key
/// keeps its value then). A listener written without a host keeps the host it had.
[[nodiscard]] problems apply_override(settings& config,
                                      std::string_view key,
                                      std::string_view text,
                                      const value_source& source);

struct key_value {
    std::string key{};
    std::string value{};

    bool operator==(const key_value&) const = default;
};

/// Splits the argument of `--set key=value` at the first '='. Fails (with a problem under
/// "--set") when there is no '=' or no key.
[[nodiscard]] emqx::expected<key_value, problem> parse_set_argument(std::string_view argument);

} // namespace emqx::broker::config

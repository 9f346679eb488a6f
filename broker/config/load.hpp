// Building the effective configuration from its four sources, in the order of DESIGN.md
// section 3: built-in defaults < config file < environment < command-line flags.
#pragma once

#include "config/environment.hpp"
#include "config/problem.hpp"
#include "config/settings.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace emqx::broker::config {

/// One command-line setting: a key path and its value, e.g. {"listeners.mqtt",
/// "127.0.0.1:0", "--mqtt"}, or one `--set key=value` (see parse_set_argument()).
struct flag_setting {
    std::string key{};
    std::string value{};
    std::string flag{}; ///< the option as typed, for --print-config ("--mqtt", "--set")
};

struct load_options {
    /// --config; when absent, $EMQXD_CONFIG from `env`; when that is unset too, no file.
    std::optional<std::filesystem::path> config_file{};
    environment env{}; ///< null: an empty environment
    std::vector<flag_setting> flags{};
};

struct load_result {
    settings config;
    /// Every problem of every source, then validate()'s, in that order.
    problems found;
    /// The file that was read, if any.
    std::optional<std::filesystem::path> config_file;

    /// True when no problem is an error (warnings allowed): the broker may start.
    [[nodiscard]] bool ok() const noexcept { return !has_errors(found); }
};

/// Applies the sources in order and validates the result. Never throws for bad input: a
/// missing file, bad YAML, an unknown key, all end up in `found`.
[[nodiscard]] load_result load(const load_options& options);

} // namespace emqx::broker::config

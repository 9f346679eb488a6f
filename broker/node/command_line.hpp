// emqxd's command line: what to do, and the settings given as flags (the highest precedence
// of DESIGN.md section 3).
#pragma once

#include "config/load.hpp"

#include <emqx/base/expected.hpp>

#include <optional>
#include <string>
#include <vector>

namespace emqx::broker::node {

enum class action { run, check_config, print_config, hash_password, help, version };

struct command_line {
    action what = action::run;
    std::optional<std::string> config_file;
    std::vector<config::flag_setting> flags;
    std::string algorithm = "bcrypt"; ///< for --hash-password
};

/// Parses argv (without running anything). Fails with a message for a usage error.
[[nodiscard]] emqx::expected<command_line, std::string> parse_command_line(int argc,
                                                                         const char* const* argv);

/// The --help text: every option (a test checks each appears in man/emqxd.8).
[[nodiscard]] std::string help_text();

} // namespace emqx::broker::node

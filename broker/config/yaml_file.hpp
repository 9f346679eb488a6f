// Reading emqxd.yaml (yaml-cpp) into settings: every key it sets, every problem it has.
#pragma once

#include "config/problem.hpp"
#include "config/settings.hpp"

#include <filesystem>
#include <string_view>

namespace emqx::broker::config {

/// Applies the YAML document `text` to `config`. `file_name` names it in the sources
/// ("file NAME:LINE") and problems ("NAME:LINE:COLUMN"). Reports every problem, not just the
/// first: a syntax error (with line and column), a key that is unknown (with a did-you-mean)
/// or given twice, a value of the wrong type or out of range. A key with a problem keeps its
/// previous value. An empty document changes nothing.
[[nodiscard]] problems
apply_yaml(settings& config, std::string_view text, std::string_view file_name);

/// Reads the file at `path` and applies it (apply_yaml). A file that cannot be read is an
/// error under the key `named_by` ("--config", "EMQXD_CONFIG").
[[nodiscard]] problems
apply_file(settings& config, const std::filesystem::path& path, std::string_view named_by);

} // namespace emqx::broker::config

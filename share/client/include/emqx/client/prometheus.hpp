// A parser for the Prometheus text exposition format 0.0.4, and lookups over its samples.
#pragma once

#include <emqx/base/expected.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emqx::client {

/// One sample line: `name{label="value",...} value [timestamp]`. Label values are unescaped.
struct sample {
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;

    /// The value of label `key`, or nullopt.
    [[nodiscard]] std::optional<std::string_view> label(std::string_view key) const;
};

/// Parses a whole exposition. Comments (# HELP, # TYPE, any other #) and blank lines are
/// skipped; values may be NaN, +Inf, -Inf; a timestamp is accepted and ignored. The error
/// names the first bad line ("line 7: ..."). Never throws.
[[nodiscard]] expected<std::vector<sample>, std::string> parse_prometheus(std::string_view text);

/// The value of the first sample named `name` whose labels include every pair of `match`.
[[nodiscard]] std::optional<double>
find_value(const std::vector<sample>& samples,
           std::string_view name,
           const std::vector<std::pair<std::string, std::string>>& match = {});

/// The sum over every sample named `name` (e.g. a counter split by a label); nullopt when
/// there is none.
[[nodiscard]] std::optional<double> sum_values(const std::vector<sample>& samples,
                                               std::string_view name);

} // namespace emqx::client

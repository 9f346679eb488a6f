// "Did you mean ...?" for an unknown configuration key.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace emqx::broker::config {

/// Levenshtein distance: insertions, deletions and substitutions, each costing 1.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate `unknown` most likely meant, if one is close enough: a typo of the whole
/// path ("mqtt.max_infligt"), or the right key in the wrong section ("listeners.max_inflight"
/// -> "mqtt.max_inflight"). Close enough: at most max(2, a third of the last part's length)
/// edits, a section change counting as one. Ties go to the earlier candidate.
[[nodiscard]] std::optional<std::string> did_you_mean(std::string_view unknown,
                                                      std::span<const std::string> candidates);

} // namespace emqx::broker::config

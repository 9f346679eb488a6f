// Suggesting the key an unknown one was probably meant to be (see suggest.hpp).
#include "config/suggest.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace emqx::broker::config {

namespace {

std::string_view last_part(std::string_view path) {
    const auto dot = path.rfind('.');
    return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

} // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // One row of the dynamic-programming table at a time.
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string> did_you_mean(std::string_view unknown,
                                        std::span<const std::string> candidates) {
    const std::string_view leaf = last_part(unknown);
    const std::size_t limit = std::max<std::size_t>(2, leaf.size() / 3);
    std::optional<std::string> best;
    std::size_t best_score = limit + 1;
    for (const auto& candidate : candidates) {
        std::size_t score = edit_distance(unknown, candidate);
        if (leaf.size() != unknown.size()) {
            score = std::min(score, edit_distance(leaf, last_part(candidate)) + 1);
        }
        if (score < best_score) {
            best_score = score;
            best = candidate;
        }
    }
    return best;
}

} // namespace emqx::broker::config

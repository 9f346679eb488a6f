// Formatting configuration problems (see problem.hpp).
#include "config/problem.hpp"

#include "config/keys.hpp"

#include <algorithm>

namespace emqx::broker::config {

std::string format(const problem& p) {
    std::string line = p.level == severity::error ? "error: " : "warning: ";
    if (!p.where.empty()) {
        line += p.where;
        line += ": ";
    }
    if (!p.key.empty()) {
        line += p.key;
        line += p.value.empty() ? "" : " = ";
    }
    if (!p.value.empty()) {
        line += yaml_quote(p.value);
    }
    if (!p.key.empty() || !p.value.empty()) {
        line += ": ";
    }
    line += p.message;
    return line;
}

bool has_errors(std::span<const problem> list) noexcept {
    return std::any_of(
        list.begin(), list.end(), [](const problem& p) { return p.level == severity::error; });
}

} // namespace emqx::broker::config

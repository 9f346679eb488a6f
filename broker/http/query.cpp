// Request targets and query strings.
#include "http/query.hpp"

#include <charconv>

namespace emqx::broker::http {

namespace {

/// A decimal in [low, high], digits only; nullopt otherwise.
std::optional<std::uint64_t>
parse_bounded(std::string_view text, std::uint64_t low, std::uint64_t high) noexcept {
    std::uint64_t value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || result.ec != std::errc{} || result.ptr != text.data() + text.size() ||
        value < low || value > high) {
        return std::nullopt;
    }
    return value;
}

} // namespace

target_parts split_target(std::string_view target) noexcept {
    const auto mark = target.find('?');
    if (mark == std::string_view::npos) {
        return {target, {}};
    }
    return {target.substr(0, mark), target.substr(mark + 1)};
}

std::optional<std::string_view> query_value(std::string_view query, std::string_view key) noexcept {
    std::optional<std::string_view> found;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == key) {
            found = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        }
    }
    return found;
}

emqx::expected<paging, std::string> parse_paging(std::string_view query) {
    paging out{1, default_page_limit};
    if (const auto page = query_value(query, "page")) {
        const auto value = parse_bounded(*page, 1, max_page);
        if (!value) {
            return emqx::unexpected{"page must be an integer from 1 to " +
                                    std::to_string(max_page)};
        }
        out.page = *value;
    }
    if (const auto limit = query_value(query, "limit")) {
        const auto value = parse_bounded(*limit, 1, max_page_limit);
        if (!value) {
            return emqx::unexpected{"limit must be an integer from 1 to " +
                                    std::to_string(max_page_limit)};
        }
        out.limit = *value;
    }
    return out;
}

} // namespace emqx::broker::http

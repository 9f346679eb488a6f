// Query strings of the API (`?page=2&limit=50`): just enough parsing for paging and formats.
#pragma once

#include <emqx/base/expected.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emqx::broker::http {

/// Splits a request target into its path and its query (the part after the first '?').
struct target_parts {
    std::string_view path;
    std::string_view query;
};
[[nodiscard]] target_parts split_target(std::string_view target) noexcept;

/// The value of the last `key=value` pair with this key (no percent-decoding: the API's
/// values are numbers and words); nullopt when the key is absent. `key` alone reads as "".
[[nodiscard]] std::optional<std::string_view> query_value(std::string_view query,
                                                          std::string_view key) noexcept;

struct paging {
    std::uint64_t page = 1;  ///< 1-based
    std::uint64_t limit = 0; ///< items per page
    [[nodiscard]] std::uint64_t first() const noexcept { return (page - 1) * limit; }
};

inline constexpr std::uint64_t default_page_limit = 100;
inline constexpr std::uint64_t max_page_limit = 1000;
inline constexpr std::uint64_t max_page = 1'000'000'000;

/// `page` (1 to max_page, default 1) and `limit` (1 to max_page_limit, default
/// default_page_limit). An error message naming the parameter and its range otherwise.
[[nodiscard]] emqx::expected<paging, std::string> parse_paging(std::string_view query);

} // namespace emqx::broker::http

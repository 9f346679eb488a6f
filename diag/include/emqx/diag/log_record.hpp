// One emqxd log event and the pure parser of both line formats (DESIGN.md section 7).
#pragma once

#include <emqx/base/expected.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emqx::diag {

enum class log_level : std::uint8_t { trace, debug, info, warn, error, fatal };

/// "TRACE" ... "FATAL".
[[nodiscard]] std::string_view level_name(log_level level) noexcept;
/// The level of a name, case-insensitive ("warn", "WARNING" and "ERROR" are accepted).
[[nodiscard]] std::optional<log_level> parse_level(std::string_view name) noexcept;

/// One parsed line. `node` is not part of the line: the reader sets it.
struct log_record {
    std::int64_t unix_ms = 0;
    log_level level = log_level::info;
    std::string component;
    std::string message;
    std::vector<std::pair<std::string, std::string>> fields;
    std::string node;

    /// The value of field `key`, or "" when the line has none.
    [[nodiscard]] std::string_view field(std::string_view key) const noexcept;
};

/// Why a line is not a log event. Blank lines are `blank` and are not counted as unparsable.
enum class parse_failure : std::uint8_t {
    blank,
    binary,
    bad_timestamp,
    bad_level,
    no_component,
    unterminated_quote,
    bad_json,
};

[[nodiscard]] std::string_view failure_name(parse_failure failure) noexcept;

/// Parses one line (without its newline; a trailing '\r' is ignored) in the text format
/// `TS LEVEL component message key=value ...` or the JSON format (`{"ts":..,"level":..,
/// "component":..,"msg":.., "key":"value"...}`). Never throws.
[[nodiscard]] expected<log_record, parse_failure> parse_line(std::string_view line);

/// "2026-11-22T08:15:30.123Z" (fraction optional, "Z" or "+00:00") to milliseconds since the
/// epoch; nullopt when it is not such a UTC time.
[[nodiscard]] std::optional<std::int64_t> parse_timestamp(std::string_view text) noexcept;
/// Milliseconds since the epoch as "2026-11-22T08:15:30.123Z".
[[nodiscard]] std::string format_timestamp(std::int64_t unix_ms);

} // namespace emqx::diag

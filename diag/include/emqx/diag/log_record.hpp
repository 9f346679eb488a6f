// One emqxd log event and the pure parser of both line formats (DESIGN.md section 7).
#pragma once

#include <emqx/base/expected.hpp>

#include <array>
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

/// One key=value of a line, as views. A quoted value with a backslash in it is `escaped`: its
/// view is the raw text between the quotes, decoded by log_view::field.
struct field_view {
    std::string_view key;
    std::string_view value;
    bool escaped = false;
};

/// One parsed line as views into the line (or into `json`, for a JSON line): what the log
/// analysis reads, with no allocation per line once the vectors have grown. Valid while the
/// line is; not copyable, as the views may point into its own `json`.
struct log_view {
    std::int64_t unix_ms = 0;
    log_level level = log_level::info;
    std::string_view component;
    std::string_view message;
    std::vector<field_view> fields;
    std::string_view node;
    log_record json; ///< the owner of a JSON line's strings
    /// The parser's memory of the last text line's "YYYY-MM-DDTHH:MM" and its time: lines of
    /// the same minute parse only their seconds.
    struct minute_cache {
        std::array<char, 16> text{};
        std::int64_t unix_ms = 0;
        bool valid = false;
    } minute;

    log_view() = default;
    log_view(const log_view&) = delete;
    log_view& operator=(const log_view&) = delete;

    /// The value of field `key` (the first one, as log_record::field), or "" when the line has
    /// none; an escaped value is decoded into `scratch` and the view points there.
    [[nodiscard]] std::string_view field(std::string_view key, std::string& scratch) const;
    /// The same event as an owning record (fields decoded).
    [[nodiscard]] log_record to_record() const;
    /// Sets `out` to this event, reusing its strings' memory.
    void copy_to(log_record& out) const;
    /// Views of `record` (which must outlive this view).
    void assign(const log_record& record);
};

/// parse_line into views: nullopt on success, else why the line is not a log event. `out` is
/// overwritten (its vectors keep their memory); its `node` is left as it was.
[[nodiscard]] std::optional<parse_failure> parse_line_view(std::string_view line, log_view& out);

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

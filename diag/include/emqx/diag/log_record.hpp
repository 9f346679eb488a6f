// One emqxd log event and the pure parser of both line formats (DESIGN.md section 7).
#pragma once

#include <emqx/base/expected.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emqx::diag {

class byte_classes;
struct line_shapes;

/// A memory of the line shapes a fast parse met, for log_view::shapes (see parse_text_fast).
[[nodiscard]] std::shared_ptr<line_shapes> make_line_shapes();

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

/// The fields the log analysis reads from every line: the parser notes where each is, so
/// that asking for one costs no search.
enum class known_field : std::uint8_t { reason, cluster_id, client_id, username, peer, node, addr, address };
inline constexpr std::size_t known_fields = 8;

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
    /// For each known_field, 1 + the index in `fields` of the first field with its key; 0 none.
    std::array<std::uint8_t, known_fields> known{};
    std::string_view node;
    log_record json; ///< the owner of a JSON line's strings
    /// The parser's memory of the last text line's "YYYY-MM-DDTHH:MM" and its time: lines of
    /// the same minute parse only their seconds.
    struct minute_cache {
        std::array<char, 16> text{};
        std::int64_t unix_ms = 0;
        bool valid = false;
    } minute;
    /// When set, parse_text_fast remembers the shapes of the lines it parses here (the text
    /// from the level to the first '=', and the later keys) and parses a line of a known shape
    /// by comparing it; `shape` is then 1 + that shape's number in `shapes` (else 0): lines of
    /// one shape have the same level, component and message.
    std::shared_ptr<line_shapes> shapes;
    std::uint32_t shape = 0;

    log_view() = default;
    log_view(const log_view&) = delete;
    log_view& operator=(const log_view&) = delete;

    /// The value of field `key` (the first one, as log_record::field), or "" when the line has
    /// none; an escaped value is decoded into `scratch` and the view points there.
    [[nodiscard]] std::string_view field(std::string_view key, std::string& scratch) const;
    /// The same for a known field, without a search.
    [[nodiscard]] std::string_view field(known_field key, std::string& scratch) const {
        const unsigned slot = known[static_cast<std::size_t>(key)];
        if (slot == 0) {
            return {};
        }
        const field_view& f = fields[slot - 1];
        return f.escaped ? decoded(f, scratch) : f.value;
    }
    /// Sets `known` from `fields`.
    void index_fields() noexcept;
    /// The same event as an owning record (fields decoded).
    [[nodiscard]] log_record to_record() const;
    /// Sets `out` to this event, reusing its strings' memory.
    void copy_to(log_record& out) const;
    /// Views of `record` (which must outlive this view).
    void assign(const log_record& record);

private:
    static std::string_view decoded(const field_view& f, std::string& scratch);
};

/// parse_line into views: nullopt on success, else why the line is not a log event. `out` is
/// overwritten (its vectors keep their memory); its `node` is left as it was.
[[nodiscard]] std::optional<parse_failure> parse_line_view(std::string_view line, log_view& out);

/// The fast path of parse_line_view for a text line that ends with a '\n' at
/// `at + line.size()` in the buffer `classes` describes (`line` starts at `at`; the buffer must
/// be readable for 16 bytes past that '\n', as line_splitter's is): true when
/// it parsed the line, with `out` exactly as parse_line_view would set it; false when the line
/// needs the full parser (anything unusual: escapes, control bytes, a malformed part).
[[nodiscard]] bool parse_text_fast(std::string_view line, const byte_classes& classes,
                                   std::size_t at, log_view& out);

/// Parses one line (without its newline; a trailing '\r' is ignored) in the text format
/// `TS LEVEL component message key=value ...` or the JSON format (`{"ts":..,"level":..,
/// "component":..,"msg":.., "key":"value"...}`). Never throws.
[[nodiscard]] expected<log_record, parse_failure> parse_line(std::string_view line);

/// "2026-11-22T08:15:30.123Z" (fraction optional, "Z" or "+00:00") to milliseconds since the
/// epoch; nullopt when it is not such a UTC time.
[[nodiscard]] std::optional<std::int64_t> parse_timestamp(std::string_view text) noexcept;
/// Milliseconds since the epoch as "2026-11-22T08:15:30.123Z".
[[nodiscard]] std::string format_timestamp(std::int64_t unix_ms);

/// Whether `text` has a control character: a byte below 0x20, 0x7F, or U+0080..U+009F in UTF-8.
[[nodiscard]] bool has_control(std::string_view text) noexcept;
/// `text` safe to print on a terminal: each control character (as has_control) written as
/// \xHH per byte, which the log parser reads back. A log's fields may hold any byte (emqxd
/// escapes them, the parser decodes them); printed raw, an ESC sequence in a user name would
/// drive the operator's terminal.
[[nodiscard]] std::string printable(std::string_view text);

} // namespace emqx::diag

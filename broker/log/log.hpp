// The broker's log: one event per line, UTC timestamp, level, component, message, key=value
// fields (DESIGN.md section 7). Written to stderr; issue 4 adds the file, JSON and SIGHUP.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace emqx::broker::log {

enum class level : std::uint8_t { trace, debug, info, warn, error, fatal };

/// Lines below this level are not written. Default info.
void set_threshold(level threshold) noexcept;

/// Where lines go: a file opened for appending, or stderr when `path` is empty. Returns false
/// (and keeps the previous output) when the file cannot be opened. reopen() opens the same
/// path again: logrotate's way (SIGHUP).
bool set_file(const std::string& path);
bool reopen();

/// text (default) or one JSON object per line with the same fields (DESIGN.md section 7).
void set_json(bool json) noexcept;
[[nodiscard]] bool enabled(level l) noexcept;

/// A key=value field; the value is quoted when it has spaces or quotes.
using field = std::pair<std::string_view, std::string_view>;

/// Writes one line: `2026-11-22T08:15:30.123Z INFO  mqtt message key=value ...`.
void write(level l, std::string_view component, std::string_view message,
           std::initializer_list<field> fields = {});

/// The line write() would print (for tests), without the timestamp check of the threshold.
[[nodiscard]] std::string format(level l, std::string_view component, std::string_view message,
                                 std::initializer_list<field> fields, std::int64_t unix_ms);

/// The same event as one JSON object: {"ts":..,"level":..,"component":..,"msg":..,"key":..}.
[[nodiscard]] std::string format_json(level l, std::string_view component,
                                      std::string_view message,
                                      std::initializer_list<field> fields, std::int64_t unix_ms);

} // namespace emqx::broker::log

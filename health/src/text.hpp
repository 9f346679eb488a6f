// Small formatting helpers shared by the evaluators and the renderers (private header).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace emqx::health::detail {

/// "512 B", "12.3 MiB", "2.0 GiB".
inline std::string format_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < sizeof units / sizeof units[0]) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return text;
}

/// "0.42 ms", "12.3 ms", "1234 ms".
inline std::string format_ms(double ms) {
    char text[32];
    std::snprintf(text, sizeof text, ms < 10 ? "%.2f ms" : ms < 1000 ? "%.1f ms" : "%.0f ms", ms);
    return text;
}

inline double to_ms(std::chrono::microseconds us) {
    return static_cast<double>(us.count()) / 1000.0;
}

/// A number without a useless fraction: "3", "0.25".
inline std::string format_number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

// The ANSI colours of every text report: one palette for health, cluster status and test.
inline constexpr const char* ansi_good = "\033[32m";    // green
inline constexpr const char* ansi_pending = "\033[33m"; // yellow
inline constexpr const char* ansi_bad = "\033[31m";     // red
inline constexpr const char* ansi_unknown = "\033[35m"; // magenta
inline constexpr const char* ansi_faint = "\033[2m";
inline constexpr const char* ansi_reset = "\033[0m";

/// The ANSI colour of a state word the cluster commands print (green for good, yellow for on
/// the way, red for bad, magenta for unknown); nullptr for any other word.
inline const char* colour_of_word(std::string_view word) {
    for (std::string_view good : {"ok", "up", "OK", "SUCCESS"}) {
        if (word == good) {
            return ansi_good;
        }
    }
    for (std::string_view pending : {"connecting", "not", "WARNING"}) {
        if (word == pending) {
            return ansi_pending;
        }
    }
    for (std::string_view bad : {"FAIL", "FAILED", "FAILURE", "CRITICAL", "down", "refused",
                                 "unreachable", "UNREACHABLE"}) {
        if (word == bad) {
            return ansi_bad;
        }
    }
    return word == "UNKNOWN" || word == "?" ? ansi_unknown : nullptr;
}

/// `text` coloured as colour_of_word says of its first word, when `color`; padded with
/// spaces to `width` columns of visible text (the escape codes take no column).
inline std::string painted(const std::string& text, bool color, std::size_t width = 0) {
    const std::string pad(width > text.size() ? width - text.size() : 0, ' ');
    std::string_view word = std::string_view{text}.substr(0, text.find(' '));
    if (word.ends_with(':')) {
        word.remove_suffix(1);
    }
    const char* colour = color ? colour_of_word(word) : nullptr;
    if (colour == nullptr) {
        return text + pad;
    }
    return colour + text + ansi_reset + pad;
}

} // namespace emqx::health::detail

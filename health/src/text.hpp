// Small formatting helpers shared by the evaluators and the renderers (private header).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

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

} // namespace emqx::health::detail

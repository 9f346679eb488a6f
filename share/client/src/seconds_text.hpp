// How a timeout appears in the clients' error messages: "2.0 s".
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace emqx::client::detail {

[[nodiscard]] inline std::string seconds_text(std::chrono::milliseconds timeout) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(timeout.count()) / 1000.0);
    return text;
}

} // namespace emqx::client::detail

// The one clock of the load generator: CLOCK_MONOTONIC in nanoseconds, as the stamps carry it.
#pragma once

#include <cstdint>

#include <time.h>

namespace emqx::perf::detail {

[[nodiscard]] inline std::uint64_t now_ns() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000U +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

[[nodiscard]] inline std::uint64_t to_ns(double seconds) noexcept {
    return seconds <= 0.0 ? 0 : static_cast<std::uint64_t>(seconds * 1e9);
}

[[nodiscard]] inline double to_seconds(std::uint64_t ns) noexcept {
    return static_cast<double>(ns) / 1e9;
}

} // namespace emqx::perf::detail

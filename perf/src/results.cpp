// The figures derived from a run's counts: rates and CPU percentages.
#include <emqx/perf/results.hpp>

#include <algorithm>

namespace emqx::perf {

namespace {

double rate_of(double amount, double seconds) noexcept {
    return seconds > 0.0 ? amount / seconds : 0.0;
}

} // namespace

std::string_view to_string(run_status status) noexcept {
    switch (status) {
    case run_status::completed:
        return "completed";
    case run_status::stalled:
        return "stalled";
    case run_status::connection_lost:
        return "connection_lost";
    case run_status::deadline:
        return "deadline";
    case run_status::interrupted:
        return "interrupted";
    case run_status::unreachable:
        return "unreachable";
    case run_status::refused:
        return "refused";
    }
    return "unknown";
}

double run_results::published_per_second() const noexcept {
    return rate_of(static_cast<double>(published), publish_seconds);
}

double run_results::delivered_per_second() const noexcept {
    return rate_of(static_cast<double>(deliveries.delivered), deliver_seconds);
}

double run_results::peak_delivered_per_second() const noexcept {
    if (per_second.size() < 2) {
        return delivered_per_second();
    }
    std::uint64_t best = 0;
    for (std::size_t i = 0; i + 1 < per_second.size(); ++i) { // the last second is partial
        best = std::max(best, per_second[i].delivered);
    }
    return static_cast<double>(best);
}

double run_results::tool_cpu_percent() const noexcept {
    return 100.0 * rate_of(tool_cpu_seconds, measured_wall_seconds);
}

std::optional<double> run_results::broker_cpu_percent() const noexcept {
    if (!broker_cpu_seconds) {
        return std::nullopt;
    }
    return 100.0 * rate_of(*broker_cpu_seconds, measured_wall_seconds);
}

} // namespace emqx::perf

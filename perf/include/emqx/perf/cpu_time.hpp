// CPU time of this process and of another one (the broker), for "who was the bottleneck".
#pragma once

#include <optional>

namespace emqx::perf {

/// User plus system CPU seconds used by this process so far (getrusage).
[[nodiscard]] double own_cpu_seconds() noexcept;

/// User plus system CPU seconds used so far by process `pid`, from /proc/PID/stat; nullopt
/// when there is no such process or /proc cannot tell.
[[nodiscard]] std::optional<double> process_cpu_seconds(int pid);

} // namespace emqx::perf

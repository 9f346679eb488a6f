// The process_* metrics of DESIGN.md section 6, read from /proc/self the way the Prometheus
// client libraries read them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace emqx::broker::prometheus {

struct process_stats {
    std::uint64_t resident_memory_bytes = 0;
    std::uint64_t open_fds = 0;
    std::uint64_t max_fds = 0; ///< the soft RLIMIT_NOFILE
    double cpu_seconds = 0;    ///< user + system
};

/// CPU time and resident memory from the text of /proc/<pid>/stat (fields 14, 15 and 24 of
/// proc(5); the command name in parentheses may hold spaces and parentheses itself).
/// nullopt when the text is not in that shape.
struct stat_fields {
    double cpu_seconds = 0;
    std::uint64_t resident_memory_bytes = 0;
};
[[nodiscard]] std::optional<stat_fields>
parse_proc_stat(std::string_view text, long ticks_per_second, long page_size) noexcept;

/// This process's figures; nullopt when /proc/self cannot be read (not Linux). Reads a few
/// procfs files: no waiting on anything but the kernel.
[[nodiscard]] std::optional<process_stats> read_process_stats() noexcept;

} // namespace emqx::broker::prometheus

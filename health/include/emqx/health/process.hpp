// What /proc tells about a local node's process: memory, descriptors, where it logs.
#pragma once

#include <emqx/base/expected.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace emqx::health {

struct process_info {
    long pid = 0;
    std::string name;            ///< /proc/PID/comm
    std::uint64_t rss_bytes = 0; ///< VmRSS
    std::uint64_t open_fds = 0;  ///< entries of /proc/PID/fd
    std::uint64_t max_fds = 0;   ///< the soft "Max open files" limit; 0 when unlimited
    /// The directory of the first open "*.log" file, else the process's working directory;
    /// empty when neither can be read.
    std::filesystem::path log_dir;
};

/// Reads /proc/PID (`proc_root` replaces /proc in tests). The error says why: no such process,
/// or not ours to read.
[[nodiscard]] expected<process_info, std::string>
read_process(long pid, const std::filesystem::path& proc_root = "/proc");

/// True for an address of this host as a node would be given: 127.x.y.z, ::1, localhost.
[[nodiscard]] bool is_local_host(std::string_view host) noexcept;

struct disk_space {
    std::uint64_t free_bytes = 0; ///< available to unprivileged users
    std::uint64_t total_bytes = 0;
};

/// statvfs of `path`; the error names the path.
[[nodiscard]] expected<disk_space, std::string> disk_space_of(const std::filesystem::path& path);

} // namespace emqx::health

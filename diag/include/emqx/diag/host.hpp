// What this host says about itself, read from /proc and /sys rather than by running tools:
// kernel, OS, CPU, memory, disks, limits, kernel settings, emqxd processes, sockets.
#pragma once

#include <emqx/diag/analyze.hpp>
#include <emqx/diag/bundle.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::diag {

/// A kernel setting that matters to a broker and the least value we recommend.
struct sysctl_check {
    std::string name;    ///< "net.core.somaxconn"
    std::string value;   ///< as read, "" when unreadable
    std::uint64_t recommended = 0;
    bool below = false;
};

/// Checks the kernel settings under `proc_sys` (normally /proc/sys). For
/// net.ipv4.ip_local_port_range the number compared is the size of the range.
[[nodiscard]] std::vector<sysctl_check> check_sysctls(const std::filesystem::path& proc_sys);

/// Counts of TCP sockets by state and the listening ones ("127.0.0.1:1883"), from the text
/// of /proc/net/tcp or /proc/net/tcp6.
struct tcp_summary {
    std::map<std::string, std::uint64_t> states; ///< "ESTABLISHED" -> n
    std::vector<std::string> listening;
};
[[nodiscard]] tcp_summary parse_proc_net_tcp(std::string_view text, bool ipv6);

struct host_report {
    std::vector<bundle_file> files;
    std::vector<missing_item> missing;
    std::vector<finding> findings;
    std::vector<int> emqxd_pids;
};

/// Collects the host part of the bundle under "host/". `dirs` are the log and data
/// directories whose disk usage matters.
[[nodiscard]] host_report collect_host(const std::vector<std::filesystem::path>& dirs);

} // namespace emqx::diag

// What the load generator asks of the host: the open-file limit, the broker's process and its
// memory (from /proc or its /metrics), and the fingerprint of the machine a result came from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::perf {

/// The open-file limit (RLIMIT_NOFILE) before and after raise_fd_limit().
struct fd_limit {
    std::uint64_t soft_before = 0;
    std::uint64_t soft = 0; ///< after
    std::uint64_t hard = 0; ///< after
    std::uint64_t needed = 0;
    /// True when soft >= needed.
    [[nodiscard]] bool enough() const noexcept { return soft >= needed; }
};

/// Raises the soft limit to the hard one, and when that is still below `needed`, tries to raise
/// both to `needed` (allowed to root, up to fs.nr_open). Never lowers anything.
[[nodiscard]] fd_limit raise_fd_limit(std::uint64_t needed);

/// The inodes of the sockets listening on TCP `port` in the text of /proc/net/tcp or
/// /proc/net/tcp6 (state 0A). Pure: the caller reads the file.
[[nodiscard]] std::vector<std::uint64_t> listening_inodes(std::string_view proc_net_tcp,
                                                          std::uint16_t port);

/// The process on this host listening on TCP `port`, found through /proc/net/tcp{,6} and
/// /proc/*/fd; nullopt when none is visible to us.
[[nodiscard]] std::optional<int> find_listening_pid(std::uint16_t port);

/// VmRSS in bytes from the text of /proc/PID/status; nullopt when the line is missing.
[[nodiscard]] std::optional<std::uint64_t> parse_vm_rss(std::string_view proc_status);

/// The resident memory of process `pid` in bytes; nullopt when /proc cannot tell.
[[nodiscard]] std::optional<std::uint64_t> process_rss_bytes(int pid);

/// The value of the first sample named `name` (any labels) in Prometheus text; nullopt when
/// absent or not a number.
[[nodiscard]] std::optional<double> find_metric(std::string_view prometheus_text,
                                                std::string_view name);

/// GET http://`host`:`port``path` (HTTP/1.0, plain TCP), the body of a 200 answer; nullopt on
/// any failure or after `timeout_s`.
[[nodiscard]] std::optional<std::string> http_get_body(const std::string& host,
                                                       std::uint16_t port,
                                                       const std::string& path,
                                                       double timeout_s);

/// The machine a result was measured on.
struct environment {
    std::string cpu_model;
    unsigned cores = 0;
    std::string kernel;   ///< uname -sr
    std::string hostname;
    std::uint64_t nofile_soft = 0;
    std::uint64_t nofile_hard = 0;
    std::string port_range; ///< net.ipv4.ip_local_port_range, "32768 60999"
    std::string tool_version;
};

/// The "model name" of the first processor in the text of /proc/cpuinfo; empty when absent.
[[nodiscard]] std::string parse_cpu_model(std::string_view cpuinfo);

/// Reads this host's fingerprint.
[[nodiscard]] environment read_environment();

} // namespace emqx::perf

// `emqxctl diag collect` below the CLI: gathers nodes, host, logs and configs into a redacted
// bundle with a manifest and a summary. Never fails as a whole because a node is down or a
// file is unreadable: those become missing items with their reason.
#pragma once

#include <emqx/client/node.hpp>
#include <emqx/diag/bundle.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace emqx::diag {

struct collect_options {
    std::filesystem::path out;             ///< empty: ./diagnostics-YYYYMMDD-HHMMSS.tar.gz
    std::optional<std::int64_t> since_ms;  ///< log lines before this are left out
    std::uint64_t max_log_bytes = 100ULL << 20; ///< all logs together; the newest are kept
    bool redact = true;
    std::vector<std::filesystem::path> log_paths;    ///< files or directories
    std::vector<std::filesystem::path> config_files;
    std::vector<client::host_port> seeds;  ///< where node discovery starts
    std::chrono::milliseconds http_timeout{5000};
    std::string bearer_token;
    std::chrono::milliseconds metrics_interval{5000}; ///< between the two /metrics scrapes
    /// argv of the health run whose stdout (JSON) goes into the bundle; empty: not run.
    std::vector<std::string> health_command;
    std::chrono::milliseconds health_timeout{30000};
    std::function<void(const std::string&)> progress; ///< may be empty
};

struct collect_result {
    std::filesystem::path path;
    std::uint64_t size = 0;
    std::size_t files = 0;
    std::vector<missing_item> missing;
    std::vector<std::string> summary; ///< the lines of summary.txt's "noticed" part
};

/// Collects and writes the bundle. An error only when the archive itself cannot be written.
[[nodiscard]] expected<collect_result, std::string> collect(const collect_options& options);

/// The default bundle name for a time: "diagnostics-20261122-081530.tar.gz".
[[nodiscard]] std::string default_bundle_name(std::int64_t unix_ms);

/// "100M", "2G", "512k", "1048576" in bytes; nullopt when malformed.
[[nodiscard]] std::optional<std::uint64_t> parse_size(std::string_view text) noexcept;

/// Runs `argv` with stdout captured, killed after `timeout`; (exit status, stdout). The status
/// is -1 when it could not be started or was killed.
[[nodiscard]] std::pair<int, std::string> run_capture(const std::vector<std::string>& argv,
                                                      std::chrono::milliseconds timeout);

} // namespace emqx::diag

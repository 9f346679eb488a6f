// What a health run checks and the thresholds that turn figures into verdicts.
#pragma once

#include <emqx/client/node.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emqx::health {

inline constexpr std::uint64_t gib = std::uint64_t{1} << 30;

struct thresholds {
    std::chrono::milliseconds warn_latency{200};  ///< round trip above: WARNING
    std::chrono::milliseconds crit_latency{1000}; ///< round trip above: CRITICAL
    std::uint64_t warn_memory = 2 * gib;          ///< RSS at or above: WARNING
    std::uint64_t crit_memory = 0;                ///< RSS at or above: CRITICAL; 0: never
    double warn_fds = 80;                         ///< open fds, percent of the limit: WARNING
    double crit_fds = 95;                         ///< open fds, percent of the limit: CRITICAL
    double warn_disk_free = 10;                   ///< free disk below, percent: WARNING
    double crit_disk_free = 5;                    ///< free disk below, percent: CRITICAL
    int expect_nodes = 0;                         ///< 0: any count is fine
};

struct options {
    /// Node HTTP addresses to start discovery from (client::seed_nodes).
    std::vector<client::host_port> seeds;
    /// Set: a broker without our HTTP API; only the MQTT checks run, the rest are skipped.
    std::optional<client::host_port> mqtt_only;
    std::string username;
    std::string password; ///< never appears in a reason or a hint
    int mqtt_version = 4;
    std::chrono::milliseconds timeout{5000}; ///< for each network operation
    /// Between the two metric scrapes that give the rate of dropped messages.
    std::chrono::milliseconds rate_interval{1000};
    std::string bearer_token; ///< for /api/* when the node requires one
    thresholds limits;
};

} // namespace emqx::health

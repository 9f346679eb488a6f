// `perf connections`: ramp to N MQTT connections at a given rate, hold them, and report connect
// latency, failures by reason, and the broker's memory per connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <emqx/mqtt/types.hpp>
#include <emqx/perf/histogram.hpp>
#include <emqx/perf/report.hpp>
#include <emqx/perf/results.hpp>
#include <emqx/perf/system.hpp>

namespace emqx::perf {

struct connections_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 1883;
    mqtt::protocol_version version = mqtt::protocol_version::v3_1_1;
    std::optional<std::string> username;
    std::optional<std::string> password;

    std::uint32_t connections = 1000;
    /// New connections started per second; 0: as fast as `max_pending` allows.
    double rate = 1000.0;
    /// Handshakes (TCP connect + CONNECT/CONNACK) under way at once, at most.
    std::uint32_t max_pending = 2000;
    /// Seconds every connection is held open once the ramp ends.
    double hold_s = 2.0;
    /// Seconds one connection may take to get its CONNACK before it counts as timed out.
    double timeout_s = 5.0;
    double max_time_s = 600.0;
    /// After its CONNACK each connection subscribes (QoS 0) to a topic of its own,
    /// subscription_topic(n), and counts as connected once the SUBACK grants it: the broker's
    /// memory per connection with one subscription each.
    bool subscribe = false;
    /// Source addresses to bind before connecting, round robin; empty: chosen by
    /// choose_sources().
    std::vector<std::string> sources;

    /// The broker's process on this host, for its memory; without it, the process listening on
    /// the port is looked up in /proc.
    std::optional<int> broker_pid;
    /// HTTP address of the broker's node ("host", port): its /metrics gives
    /// process_resident_memory_bytes when /proc cannot.
    std::optional<std::pair<std::string, std::uint16_t>> metrics_node;

    std::string client_prefix = "perf";
    const std::atomic<bool>* interrupt = nullptr;
    /// Called about four times a second with one line of progress for people.
    std::function<void(const std::string&)> progress;
};

/// One source address per `per_source` connections when `host` is an IPv4 loopback address
/// and `connections` needs more than one: 127.0.0.1, 127.0.0.2, ...; otherwise none (the
/// kernel chooses). Loopback has about 28,000 ephemeral ports per source address, and the
/// kernel's search for a free one costs more the fuller the space is: at 2,000 per source a
/// 20,000-connection ramp spends 1 s of system CPU instead of 8.
[[nodiscard]] std::vector<std::string> choose_sources(const std::string& host,
                                                      std::uint32_t connections,
                                                      std::uint32_t per_source = 2000);

/// The topic connection `n` (from 0) subscribes to with `subscribe`: "perf/conn/<n>".
[[nodiscard]] std::string subscription_topic(std::size_t n);

/// Open-loop pacing: how many of `total` starts are due `elapsed_s` seconds after the first
/// at `rate` per second (the first is due at 0; rate 0 means all at once).
[[nodiscard]] std::uint64_t due_by(double elapsed_s, double rate, std::uint64_t total) noexcept;

/// The broker's resident memory, and where it came from.
struct memory_reading {
    std::optional<std::uint64_t> before; ///< bytes, before the first connection
    std::optional<std::uint64_t> after;  ///< bytes, at the end of the hold
    std::string source;                  ///< "/proc/PID/status", "http://HOST:PORT/metrics", ""
    /// (after - before) / connections held, when both are known and some were held.
    [[nodiscard]] std::optional<double> per_connection(std::uint64_t held) const noexcept;
};

struct connections_results {
    run_status status = run_status::completed;
    std::string reason;
    /// Things worth knowing (the open-file limit raised, or too low for the target).
    std::vector<std::string> notes;

    std::uint32_t target = 0;
    std::uint64_t attempted = 0;
    std::uint64_t connected = 0; ///< CONNACK accepted
    std::uint64_t failed = 0;
    /// Failures by reason: "refused", "timeout", "connack: <reason>", "suback: <reason>",
    /// "closed", "reset", "address unavailable", "too many open files", or the system's
    /// message.
    std::map<std::string, std::uint64_t> failures;
    /// Connections the broker closed during the hold.
    std::uint64_t dropped = 0;
    /// Connections open at the end of the hold.
    std::uint64_t held = 0;
    std::size_t sources = 0;

    double ramp_seconds = 0.0; ///< from the first start to the last handshake's outcome
    double hold_seconds = 0.0;
    /// Connect latency (TCP connect to CONNACK, or to SUBACK with `subscribe`) of every
    /// accepted connection, in nanoseconds.
    histogram latency;
    /// Connections accepted in each second of the ramp.
    std::vector<std::uint64_t> per_second;

    fd_limit files;
    std::optional<int> broker_pid;
    memory_reading memory;
    double tool_cpu_seconds = 0.0;
    double wall_seconds = 0.0;

    [[nodiscard]] double connected_per_second() const noexcept;
};

/// Raises the open-file limit, ramps, holds, disconnects. Never throws for what the network
/// or the broker does.
[[nodiscard]] connections_results run_connections(const connections_options& options);

/// Text for people and JSON (schema emqxctl.perf/1, command "connections") for machines.
[[nodiscard]] std::string to_text(const connections_results& results,
                                  const connections_options& options);
[[nodiscard]] std::string to_json(const connections_results& results,
                                  const connections_options& options);

/// ok: every connection accepted and held; failed: some were not; unreachable: none were.
[[nodiscard]] verdict judge(const connections_results& results) noexcept;

} // namespace emqx::perf

// What a load-generator run measured, and how it ended.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <emqx/mqtt/types.hpp>
#include <emqx/perf/histogram.hpp>
#include <emqx/perf/sequence_tracker.hpp>

namespace emqx::perf {

/// How a run ended. Only `completed` means the load ran to its bound; every other status
/// comes with a reason saying what happened and after how many messages.
enum class run_status : std::uint8_t {
    completed,       ///< the bound was reached and the messages in flight drained
    stalled,         ///< the broker stopped answering for longer than the timeout
    connection_lost, ///< the broker closed a connection, or sent something we cannot accept
    deadline,        ///< the hard time limit of the run (max_time_s) was reached
    interrupted,     ///< stopped by the user (Ctrl-C)
    unreachable,     ///< could not connect, or no CONNACK within the timeout
    refused,         ///< CONNACK or SUBACK refused what we asked
};

/// "completed", "stalled", ...: the name used in JSON.
[[nodiscard]] std::string_view to_string(run_status status) noexcept;

/// Messages counted in one second of the measured phase.
struct second_sample {
    std::uint64_t published = 0;
    std::uint64_t delivered = 0;
};

struct run_results {
    run_status status = run_status::completed;
    /// One sentence for people: why the run ended, or what is worth knowing about it.
    std::string reason;

    mqtt::qos qos = mqtt::qos::at_most_once;
    /// The lowest QoS the broker granted to a subscription (deliveries use min of both).
    mqtt::qos granted_qos = mqtt::qos::at_most_once;
    /// Messages published during the warm-up (not in any other figure).
    std::uint64_t warmup_published = 0;
    /// Messages published in the measured phase.
    std::uint64_t published = 0;
    /// Deliveries the measured messages should have made: published times their subscribers.
    std::uint64_t expected_deliveries = 0;
    /// Deliveries counted per (publisher, subscriber) stream, summed.
    sequence_counts deliveries;
    /// QoS 1/2 publications the broker acknowledged (PUBACK / PUBCOMP) and refused (reason
    /// code 0x80 or above) during the measured phase; some may be of warm-up messages.
    std::uint64_t acknowledged = 0;
    std::uint64_t refused = 0;
    /// PUBLISH packets received without a stamp of this run (other clients' traffic).
    std::uint64_t foreign = 0;

    /// Seconds from the end of the warm-up to the last message published / delivered.
    double publish_seconds = 0.0;
    double deliver_seconds = 0.0;
    /// One sample per second of the measured phase (the last one may be partial).
    std::vector<second_sample> per_second;
    /// End-to-end latency of each delivery in nanoseconds, from the send (closed loop) or
    /// intended send (open loop) time.
    histogram latency;

    /// Wall time of the measured phase (drain included) and CPU time used in it, by this
    /// process and (when a broker pid was given and /proc could tell) by the broker.
    double measured_wall_seconds = 0.0;
    double tool_cpu_seconds = 0.0;
    std::optional<double> broker_cpu_seconds;

    [[nodiscard]] double published_per_second() const noexcept;
    [[nodiscard]] double delivered_per_second() const noexcept;
    /// The best complete second; the average when the run was shorter than one.
    [[nodiscard]] double peak_delivered_per_second() const noexcept;
    /// CPU time as a percentage of one core over the measured wall time.
    [[nodiscard]] double tool_cpu_percent() const noexcept;
    [[nodiscard]] std::optional<double> broker_cpu_percent() const noexcept;
};

} // namespace emqx::perf

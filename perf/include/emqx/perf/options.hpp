// What a load-generator run is asked to do: the broker, the shape of the load, its bounds.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <emqx/mqtt/types.hpp>

namespace emqx::perf {

/// One run: `publishers` connections publish, `subscribers` connections receive. Publisher i
/// publishes to topic i % topics and subscriber j subscribes to topic j % topics, so with one
/// topic every subscriber receives every message (fan-out), and with several the load splits.
struct run_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 1883;
    mqtt::protocol_version version = mqtt::protocol_version::v3_1_1;
    std::optional<std::string> username;
    std::optional<std::string> password;

    mqtt::qos qos = mqtt::qos::at_most_once;
    std::size_t size = 64; ///< payload bytes, stamp included (at least stamp_size)
    std::uint32_t publishers = 1;
    std::uint32_t subscribers = 1;
    std::uint32_t topics = 1;

    /// Messages to publish after the warm-up, split evenly over the publishers.
    std::optional<std::uint64_t> count;
    /// Seconds to publish after the warm-up. With neither bound the run is unbounded until
    /// max_time_s; with both, the first reached ends it.
    std::optional<double> duration_s;
    double warmup_s = 1.0;

    /// 0: closed loop, at most `inflight` messages in total (split evenly over the publishers,
    /// at least one each) published but not yet received by every subscriber. Above 0: open loop,
    /// `rate` messages per second in total, latency measured from each message's intended
    /// send time so that a stall cannot hide (coordinated omission).
    double rate = 0.0;
    std::uint32_t inflight = 1000;
    /// QoS 1/2 messages one publisher may have sent and not had acknowledged. In v5 the
    /// broker's Receive Maximum caps it too [MQTT-3.3.4-7]; MQTT 3.1.1 has no way for the broker
    /// to say its limit, and mosquitto silently drops QoS 2 messages beyond its
    /// max_inflight_messages (20 by default), so 20 is also the default here.
    std::uint32_t max_unacked = 20;

    /// How long the broker may stay silent while we wait for it (connect, subscribe, messages
    /// and acknowledgements outstanding) before the run stops and says so.
    double timeout_s = 5.0;
    /// The hard bound on the whole run, connecting and draining included.
    double max_time_s = 600.0;

    /// A broker process on this host whose CPU time is reported beside ours.
    std::optional<int> broker_pid;
    /// Topics are `<topic_prefix>/<run id>/<topic index>`; client ids are derived from it too.
    std::string topic_prefix = "emqxctl/perf";
    /// Set from another thread or a signal handler to stop the run early; it ends cleanly.
    const std::atomic<bool>* interrupt = nullptr;
    /// Where the subscribers connect when it is not where the publishers do (--sub-node: a
    /// cross-node path through a cluster); both must be on this host for latencies to mean
    /// anything.
    std::optional<std::string> sub_host;
    std::optional<std::uint16_t> sub_port;
    /// Called about four times a second with one line of progress for people.
    std::function<void(const std::string&)> progress;
};

/// A usage problem with `options` in words for the user ("--size must be at least 20 bytes:
/// ..."), or nullopt when the options can be run.
[[nodiscard]] std::optional<std::string> validate(const run_options& options);

} // namespace emqx::perf

// An MQTT probe on Paho C++: connect, and a publish/subscribe round trip with its latency.
#pragma once

#include <emqx/base/expected.hpp>
#include <emqx/client/node.hpp>

#include <chrono>
#include <string>

namespace emqx::client {

struct probe_options {
    host_port broker;
    std::string username; ///< empty: none sent
    std::string password; ///< empty: none sent; never appears in a message
    int mqtt_version = 4; ///< 4 (v3.1.1) or 5
    std::chrono::milliseconds timeout{5000};
    std::string client_id_prefix = "emqxctl";
};

/// Why a probe failed, in one line: "not authorized (CONNACK 0x87)", "connection refused by
/// 127.0.0.1:1883", "no CONNACK from 127.0.0.1:1883 within 2.0 s", "message not received
/// within 2.0 s". `reason_code` is the CONNACK return/reason code when the broker sent one.
struct probe_error {
    std::string message;
    int reason_code = -1;

    /// True when the broker refused the credentials (v3 rc 4/5, v5 0x86/0x87).
    [[nodiscard]] bool is_auth_failure() const noexcept;
};

/// Connects (clean session), then disconnects; returns the time to CONNACK.
[[nodiscard]] expected<std::chrono::microseconds, probe_error>
probe_connect(const probe_options& options);

/// Subscribes on `sub` (a broker), publishes on `pub` (maybe another broker) a unique message
/// on a unique topic under `emqxctl/probe/`, waits for it; returns the time from publish to
/// receipt. Both clients are disconnected before returning.
[[nodiscard]] expected<std::chrono::microseconds, probe_error>
probe_round_trip(const probe_options& pub, const probe_options& sub, int qos);

} // namespace emqx::client

// An application message as the broker routes and stores it: owned, immutable once made, and
// shared by every subscriber, queue and retained slot that holds it.
#pragma once

#include "engine/clock.hpp"
#include "router/subscription_tree.hpp"

#include <emqx/mqtt/packet.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emqx::broker {

struct message {
    std::string topic;
    std::string payload;
    mqtt::qos qos = mqtt::qos::at_most_once;
    bool retain = false;
    /// The session that published it, for No Local (3.8.3.1); 0 for wills of ended sessions.
    subscriber_id publisher = 0;
    time_point received_at{};

    // v5 properties forwarded unchanged to subscribers (3.3.2.3); the expiry interval is
    // sent on as what remains of it [MQTT-3.3.2-6].
    std::optional<std::uint8_t> payload_format_indicator;
    std::optional<std::uint32_t> message_expiry_interval;
    std::optional<std::string> content_type;
    std::optional<std::string> response_topic;
    std::optional<std::string> correlation_data;
    std::vector<std::pair<std::string, std::string>> user_properties;

    /// True when a message expiry interval was given and has passed at `now`.
    [[nodiscard]] bool expired(time_point now) const noexcept;
    /// Seconds of expiry interval left at `now` (never below 1 while not expired).
    [[nodiscard]] std::uint32_t remaining_expiry(time_point now) const noexcept;
};

using message_ptr = std::shared_ptr<const message>;

/// A message from a PUBLISH whose topic is `topic` (the alias already resolved).
[[nodiscard]] message_ptr make_message(const mqtt::publish& p,
                                       std::string_view topic,
                                       subscriber_id publisher,
                                       time_point now);

/// A message from a CONNECT's will.
[[nodiscard]] message_ptr make_message(const mqtt::will_message& w,
                                       subscriber_id publisher,
                                       time_point now);

/// Fills `props` (whose vectors keep their capacity between calls) with the properties a
/// subscriber receives with `msg` at `now`; views point into `msg`.
void outgoing_properties(const message& msg, time_point now, mqtt::properties& props);

} // namespace emqx::broker

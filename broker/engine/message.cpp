// Making broker messages from PUBLISH and Will, and the properties forwarded with them.
#include "engine/message.hpp"

#include <algorithm>

namespace emqx::broker {

namespace {

std::optional<std::string> owned(const std::optional<std::string_view>& view) {
    if (!view) {
        return std::nullopt;
    }
    return std::string{*view};
}

void copy_properties(const mqtt::properties& from, message& to) {
    to.payload_format_indicator = from.payload_format_indicator;
    to.message_expiry_interval = from.message_expiry_interval;
    to.content_type = owned(from.content_type);
    to.response_topic = owned(from.response_topic);
    to.correlation_data = owned(from.correlation_data);
    to.user_properties.reserve(from.user_properties.size());
    for (const auto& [name, value] : from.user_properties) {
        to.user_properties.emplace_back(name, value);
    }
}

} // namespace

bool message::expired(time_point now) const noexcept {
    return message_expiry_interval &&
           now - received_at >= std::chrono::seconds{*message_expiry_interval};
}

std::uint32_t message::remaining_expiry(time_point now) const noexcept {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::seconds>(now - received_at).count();
    const auto left = static_cast<std::int64_t>(message_expiry_interval.value_or(0)) - elapsed;
    return static_cast<std::uint32_t>(std::max<std::int64_t>(left, 1));
}

namespace {

message_ptr build(std::string_view topic, std::string_view payload, mqtt::qos qos, bool retain,
                  const mqtt::properties& props, subscriber_id publisher, time_point now) {
    auto msg = std::make_shared<message>();
    msg->topic = topic;
    msg->payload = payload;
    msg->qos = qos;
    msg->retain = retain;
    msg->publisher = publisher;
    msg->received_at = now;
    copy_properties(props, *msg);
    return msg;
}

} // namespace

message_ptr make_message(const mqtt::publish& p, std::string_view topic, subscriber_id publisher,
                         time_point now) {
    return build(topic, p.payload, p.qos, p.retain, p.props, publisher, now);
}

message_ptr make_message(const mqtt::will_message& w, subscriber_id publisher, time_point now) {
    return build(w.topic, w.payload, w.qos, w.retain, w.props, publisher, now);
}

void outgoing_properties(const message& msg, time_point now, mqtt::properties& props) {
    props.payload_format_indicator = msg.payload_format_indicator;
    props.message_expiry_interval.reset();
    if (msg.message_expiry_interval) {
        props.message_expiry_interval = msg.remaining_expiry(now);
    }
    props.content_type = msg.content_type;
    props.response_topic = msg.response_topic;
    props.correlation_data = msg.correlation_data;
    props.user_properties.clear();
    for (const auto& [name, value] : msg.user_properties) {
        props.user_properties.emplace_back(name, value);
    }
    props.subscription_identifiers.clear();
    props.topic_alias.reset();
}

} // namespace emqx::broker

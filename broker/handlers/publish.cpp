// PUBLISH from a client (3.3): topic aliases, exactly-once for QoS 2, retained messages,
// routing, and the acknowledgement.
#include "engine/engine.hpp"

#include <emqx/mqtt/topic.hpp>

#include <algorithm>

namespace emqx::broker {

namespace {

// The topic a PUBLISH names, resolving and recording v5 Topic Aliases (3.3.2.3.4); nullopt
// with `error` set when the alias is misused.
std::optional<std::string_view> resolve_topic(client& cl, const mqtt::publish& p,
                                              std::uint16_t alias_maximum,
                                              mqtt::reason_code& error) {
    if (!p.props.topic_alias) {
        return p.topic;
    }
    const std::uint16_t alias = *p.props.topic_alias;
    if (alias > alias_maximum) {
        error = mqtt::reason_code::topic_alias_invalid; // [MQTT-3.3.2-9]
        return std::nullopt;
    }
    const auto index = static_cast<std::size_t>(alias - 1);
    if (!p.topic.empty()) {
        std::vector<std::string>& aliases = cl.extras_made().topic_aliases;
        if (aliases.size() <= index) {
            aliases.resize(index + 1);
        }
        aliases[index].assign(p.topic);
        return p.topic;
    }
    if (!cl.extras || index >= cl.extras->topic_aliases.size() ||
        cl.extras->topic_aliases[index].empty()) {
        error = mqtt::reason_code::protocol_error; // an alias never set on this connection
        return std::nullopt;
    }
    return std::string_view{cl.extras->topic_aliases[index]};
}

} // namespace

void engine::handle_publish(client_handle c, const mqtt::publish& p, time_point now) {
    client& cl = *clients_[c];
    session& s = *cl.sess;
    ++metrics_.messages_received_total;
    if (!p.props.subscription_identifiers.empty()) {
        protocol_violation(c, mqtt::reason_code::protocol_error,
                           "Subscription Identifier in a PUBLISH from a client"); // [MQTT-3.3.4-6]
        return;
    }
    mqtt::reason_code error = mqtt::reason_code::success;
    const auto topic = resolve_topic(cl, p, cl.told_topic_alias_maximum, error);
    if (!topic) {
        protocol_violation(c, error, "topic alias misuse");
        return;
    }
    if (mqtt::topic_level_count(*topic) > limits_.max_topic_levels) {
        protocol_violation(c, mqtt::reason_code::topic_name_invalid, "too many topic levels");
        return;
    }
    if (p.qos == mqtt::qos::exactly_once) {
        const std::vector<std::uint16_t>& awaiting_rel = s.extras_made().awaiting_rel;
        // 4.3.3: a PUBLISH re-sent before PUBREL is acknowledged again, not forwarded again.
        if (std::find(awaiting_rel.begin(), awaiting_rel.end(), p.packet_id) !=
            awaiting_rel.end()) {
            send(cl, mqtt::pubrec{.packet_id = p.packet_id, .reason = {}, .props = {}});
            return;
        }
        if (awaiting_rel.size() >= std::min<std::size_t>(cl.told_receive_maximum,
                                                         limits_.max_awaiting_rel)) {
            metrics_.dropped(drop_reason::awaiting_rel_full);
            protocol_violation(c, mqtt::reason_code::receive_maximum_exceeded,
                               "more QoS 2 messages than Receive Maximum"); // [MQTT-3.3.4-9]
            return;
        }
    }
    const message_ptr msg = make_message(p, *topic, s.id, now);
    if (p.retain) {
        store_retained(msg);
        if (cluster_ != nullptr) {
            cluster_->on_retained(msg, now);
        }
    }
    const std::size_t receivers = route(msg, now);
    if (receivers == 0) {
        metrics_.dropped(drop_reason::no_subscribers);
    }
    // 3.4.2.1: v5 may say "no matching subscribers" (0x10), which is not a failure.
    const auto reason = receivers == 0 ? mqtt::reason_code::no_matching_subscribers
                                       : mqtt::reason_code::success;
    if (p.qos == mqtt::qos::at_least_once) {
        send(cl, mqtt::puback{.packet_id = p.packet_id, .reason = reason, .props = {}});
    } else if (p.qos == mqtt::qos::exactly_once) {
        s.extras_made().awaiting_rel.push_back(p.packet_id);
        send(cl, mqtt::pubrec{.packet_id = p.packet_id, .reason = reason, .props = {}});
    }
}

} // namespace emqx::broker

// SUBSCRIBE (3.8) and UNSUBSCRIBE (3.10): the subscription index, the per-filter result, and
// retained messages as Retain Handling asks.
#include "engine/engine.hpp"

#include <emqx/mqtt/topic.hpp>

namespace emqx::broker {

namespace {

// The reason code for one requested filter: the granted QoS, or why it is refused.
mqtt::reason_code check_filter(const session& s, const mqtt::subscription& sub, const limits& lim) {
    if (!mqtt::is_valid_topic_filter(sub.filter) ||
        mqtt::topic_level_count(sub.filter) > lim.max_topic_levels) {
        return mqtt::reason_code::topic_filter_invalid;
    }
    if (lim.max_subscriptions != 0 && s.subscriptions.size() >= lim.max_subscriptions &&
        !s.subscriptions.contains(sub.filter)) {
        return mqtt::reason_code::quota_exceeded;
    }
    return static_cast<mqtt::reason_code>(sub.options.max_qos); // granted QoS 0/1/2
}

} // namespace

void engine::handle_subscribe(client_handle c, const mqtt::subscribe& p, time_point now) {
    client& cl = *clients_[c];
    session& s = *cl.sess;
    const std::uint32_t sub_id =
        p.props.subscription_identifiers.empty() ? 0 : p.props.subscription_identifiers.front();
    mqtt::suback ack{.packet_id = p.packet_id, .props = {}, .reasons = {}};
    ack.reasons.reserve(p.subscriptions.size());
    // Retained messages go after the SUBACK; remember which filters want them.
    std::vector<std::pair<std::string_view, held_subscription>> want_retained;
    for (const mqtt::subscription& sub : p.subscriptions) {
        const mqtt::reason_code result = check_filter(s, sub, limits_);
        ack.reasons.push_back(result);
        if (mqtt::is_failure(result)) {
            continue;
        }
        const held_subscription held{.options = sub.options, .subscription_identifier = sub_id};
        const bool is_new = router_.subscribe(
            sub.filter, {.id = s.id, .options = sub.options, .subscription_identifier = sub_id});
        s.subscriptions.insert_or_assign(std::string{sub.filter}, held);
        if (is_new && cluster_ != nullptr) {
            cluster_->on_subscribed(sub.filter);
        }
        // 3.3.1.3 / 3.8.3.1: Retain Handling 0 always, 1 only for a new subscription, 2 never;
        // never for shared subscriptions (4.8.2).
        const auto handling = sub.options.retain_handling;
        const bool send_retained_now =
            !mqtt::is_shared_filter(sub.filter) &&
            (handling == mqtt::retain_handling::send_on_subscribe ||
             (handling == mqtt::retain_handling::send_if_new_subscription && is_new));
        if (send_retained_now) {
            want_retained.emplace_back(sub.filter, held);
        }
    }
    send(cl, ack);
    for (const auto& [filter, held] : want_retained) {
        send_retained(s, filter, held, now);
    }
}

void engine::handle_unsubscribe(client_handle c, const mqtt::unsubscribe& p, time_point) {
    client& cl = *clients_[c];
    session& s = *cl.sess;
    mqtt::unsuback ack{.packet_id = p.packet_id, .props = {}, .reasons = {}};
    ack.reasons.reserve(p.filters.size());
    for (const std::string_view filter : p.filters) {
        const auto it = s.subscriptions.find(filter);
        if (it == s.subscriptions.end()) {
            ack.reasons.push_back(mqtt::reason_code::no_subscription_existed);
            continue;
        }
        s.subscriptions.erase(it);
        if (router_.unsubscribe(filter, s.id) && cluster_ != nullptr) {
            cluster_->on_unsubscribed(filter);
        }
        ack.reasons.push_back(mqtt::reason_code::success);
    }
    send(cl, ack);
}

} // namespace emqx::broker

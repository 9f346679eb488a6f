// Routing a message to its subscribers and delivering it to each: QoS downgrade, overlapping
// subscriptions merged, shared groups, the inflight window, offline queues, the retained store.
#include "engine/engine.hpp"

#include <emqx/mqtt/encode.hpp>

#include <algorithm>

namespace emqx::broker {

namespace {

mqtt::qos min_qos(mqtt::qos a, mqtt::qos b) noexcept {
    return static_cast<mqtt::qos>(std::min(static_cast<int>(a), static_cast<int>(b)));
}

} // namespace

void engine::add_to_fanout(session& s, const subscriber_entry& e, const message& msg) {
    const mqtt::qos granted = min_qos(msg.qos, e.options.max_qos); // [MQTT-3.8.4-8]
    // 3.3.1.3: Retain As Published keeps the flag; otherwise it is 0 on a live delivery
    // [MQTT-3.3.1-9] (always so in 3.1.1).
    const bool retain = e.options.retain_as_published && msg.retain;
    if (s.route_generation != route_generation_) {
        s.route_generation = route_generation_;
        s.route_slot = fanout_.size();
        fanout_.push_back({&s, delivery{.msg = nullptr, .qos = granted, .retain = retain,
                                        .subscription_ids = {}}});
    } else {
        // [MQTT-3.3.4-2]: overlapping subscriptions: one delivery at the highest QoS, with
        // every Subscription Identifier [MQTT-3.3.4-3].
        delivery& d = fanout_[s.route_slot].d;
        d.qos = std::max(d.qos, granted);
        d.retain = d.retain || retain;
    }
    if (e.subscription_identifier != 0) {
        fanout_[s.route_slot].d.subscription_ids.push_back(e.subscription_identifier);
    }
}

const subscriber_entry* engine::pick_member(share_group& group) {
    // 4.8.2: one member per message, round robin, preferring members that are connected.
    const std::size_t n = group.members.size();
    const subscriber_entry* fallback = nullptr;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t index = (group.cursor + i) % n;
        const subscriber_entry& member = group.members[index];
        const session* s = sessions_by_id_[member.id];
        if (s == nullptr) {
            continue;
        }
        if (s->attached != no_client) {
            group.cursor = index + 1;
            return &member;
        }
        fallback = fallback != nullptr ? fallback : &member;
    }
    group.cursor = group.cursor + 1;
    return fallback;
}

template <typename KeepGroup>
std::size_t engine::fan_out(const message_ptr& msg, bool normal, KeepGroup&& keep_group,
                            time_point now) {
    router_.match(msg->topic, matches_);
    ++route_generation_;
    fanout_.clear();
    if (normal) {
        for (const subscriber_entry* e : matches_.subscribers) {
            session* s = sessions_by_id_[e->id];
            // [MQTT-3.8.3-3] No Local: not back to the session that published it (a message
            // from another node has publisher 0, which no session has).
            if (s == nullptr || (e->options.no_local && e->id == msg->publisher)) {
                continue;
            }
            add_to_fanout(*s, *e, *msg);
        }
    }
    for (share_group* group : matches_.groups) {
        if (!keep_group(*group)) {
            continue;
        }
        if (const subscriber_entry* member = pick_member(*group)) {
            add_to_fanout(*sessions_by_id_[member->id], *member, *msg);
        }
    }
    const std::size_t receivers = fanout_.size();
    for (pending_delivery& p : fanout_) {
        p.d.msg = msg;
        deliver(*p.target, std::move(p.d), now);
    }
    return receivers;
}

std::size_t engine::route(const message_ptr& msg, time_point now) {
    // In a cluster, a group with members on several nodes gets each message once across
    // them: the cluster says whether this node's members take this one.
    const std::size_t receivers = fan_out(
        msg, true,
        [this](const share_group& g) { return cluster_ == nullptr || cluster_->keep_group(g); },
        now);
    return cluster_ != nullptr ? receivers + cluster_->forward(msg, now) : receivers;
}

std::size_t engine::deliver_remote(const message_ptr& msg, bool normal,
                                   const std::vector<std::string>& groups, bool store,
                                   time_point now) {
    if (store) {
        store_retained(msg);
    }
    if (!normal && groups.empty()) {
        return 0;
    }
    // Only the shared groups the sending node gave to this one.
    return fan_out(
        msg, normal,
        [&](const share_group& g) {
            scratch_group_.assign("$share/").append(g.group).append("/").append(g.filter);
            return std::find(groups.begin(), groups.end(), scratch_group_) != groups.end();
        },
        now);
}

void engine::enqueue(session& s, delivery d) {
    if (s.queue.size() >= limits_.max_queued_messages) {
        metrics_.dropped(drop_reason::queue_full);
        return;
    }
    s.queue.push_back(std::move(d));
}

void engine::deliver(session& s, delivery d, time_point now) {
    if (s.attached == no_client) {
        // 3.1.2.4: an offline session keeps QoS 1/2 messages; QoS 0 may be dropped.
        if (d.qos != mqtt::qos::at_most_once) {
            enqueue(s, std::move(d));
        }
        return;
    }
    client& cl = *clients_[s.attached];
    if (cl.state == client_state::closing) {
        if (d.qos != mqtt::qos::at_most_once) {
            enqueue(s, std::move(d));
        }
        return;
    }
    if (d.qos == mqtt::qos::at_most_once) {
        // A subscriber that stops reading loses QoS 0 messages, not the broker its memory.
        if (cl.outbox.size() + cl.writing > limits_.max_outbox_bytes) {
            metrics_.dropped(drop_reason::slow_consumer);
            return;
        }
        send_publish(cl, d, 0, false, now);
        return;
    }
    // [MQTT-4.9.0-2]/[MQTT-4.9.0-3]: within the client's Receive Maximum, in order.
    if (!s.queue.empty() || s.inflight.size() >= cl.receive_maximum) {
        enqueue(s, std::move(d));
        return;
    }
    s.queue.push_back(std::move(d));
    pump(s, now);
}

std::uint16_t engine::next_packet_id(session& s) noexcept {
    std::uint16_t id = s.last_packet_id;
    id = static_cast<std::uint16_t>(id == 65'535 ? 1 : id + 1);
    // Ids go out in order and inflight is kept in send order, so the ids in use lie between
    // the oldest and the newest: the next id is free unless it comes round to the oldest.
    if (!s.inflight.empty() && s.inflight.front().packet_id == id) {
        return 0;
    }
    s.last_packet_id = id;
    return id;
}

void engine::pump(session& s, time_point now) {
    if (s.attached == no_client) {
        return;
    }
    client& cl = *clients_[s.attached];
    if (cl.state != client_state::connected) {
        return;
    }
    resend_pending(s, now); // what an earlier connection left unacknowledged goes first
    while (!s.queue.empty() && s.inflight.size() < cl.receive_maximum) {
        delivery& d = s.queue.front();
        if (d.msg->expired(now)) {
            metrics_.dropped(drop_reason::expired);
            s.queue.pop_front();
            continue;
        }
        if (d.qos == mqtt::qos::at_most_once) {
            send_publish(cl, d, 0, false, now);
            s.queue.pop_front();
            continue;
        }
        const std::uint16_t id = next_packet_id(s);
        if (id == 0) {
            break; // every packet id is in use: wait for an acknowledgement
        }
        if (send_publish(cl, d, id, false, now)) {
            s.inflight.push_back({.packet_id = id, .out = std::move(d), .released = false});
        }
        s.queue.pop_front();
    }
}

void engine::resend_inflight(session& s, time_point now) {
    // [MQTT-4.4.0-1]: on a resumed session, unacknowledged PUBLISH again with DUP, and PUBREL
    // for those already received, in their original order and with their packet ids (a QoS 2
    // message the client holds is known by its id), within the new Receive Maximum.
    for (inflight_message& m : s.inflight) {
        m.awaiting_resend = true;
    }
    resend_pending(s, now);
}

void engine::resend_pending(session& s, time_point now) {
    client& cl = *clients_[s.attached];
    std::size_t in_window = 0;
    for (const inflight_message& m : s.inflight) {
        in_window += m.awaiting_resend ? 0 : 1;
    }
    for (auto it = s.inflight.begin(); it != s.inflight.end() && in_window < cl.receive_maximum;) {
        if (!it->awaiting_resend) {
            ++it;
            continue;
        }
        it->awaiting_resend = false;
        if (it->released) {
            send(cl, mqtt::pubrel{.packet_id = it->packet_id, .reason = {}, .props = {}});
        } else if (!send_publish(cl, it->out, it->packet_id, true, now)) {
            // Too large for the client's new Maximum Packet Size: dropped and counted; nothing
            // will acknowledge it, so its slot is freed.
            it = s.inflight.erase(it);
            continue;
        }
        ++in_window;
        ++it;
    }
}

bool engine::send_publish(client& cl, const delivery& d, std::uint16_t packet_id, bool dup,
                          time_point now) {
    const message& msg = *d.msg;
    if (!dup && msg.expired(now)) {
        metrics_.dropped(drop_reason::expired); // 3.3.2.3.3
        return false;
    }
    mqtt::publish& p = scratch_publish_;
    p.dup = dup;
    p.qos = d.qos;
    p.retain = d.retain;
    p.topic = msg.topic;
    p.packet_id = packet_id;
    p.payload = msg.payload;
    if (cl.version == mqtt::protocol_version::v5) {
        outgoing_properties(msg, now, p.props);
        p.props.subscription_identifiers.assign(d.subscription_ids.begin(),
                                                d.subscription_ids.end());
    }
    const std::size_t before = cl.outbox.size();
    if (mqtt::encode(p, cl.version, cl.outbox) != mqtt::reason_code::success) {
        metrics_.dropped(drop_reason::too_large);
        return false;
    }
    // [MQTT-3.1.2-24]: never more than the client's Maximum Packet Size; dropped, counted.
    if (cl.outbox.size() - before > cl.maximum_packet_size) {
        cl.outbox.resize(before);
        metrics_.dropped(drop_reason::too_large);
        return false;
    }
    ++metrics_.messages_sent_total;
    metrics_.sent(mqtt::packet_type::publish);
    mark_dirty(cl.handle);
    return true;
}

void engine::send_retained(session& s, std::string_view filter, const held_subscription& sub,
                           time_point now) {
    std::vector<const message_ptr*> found;
    retained_.match(filter, found);
    for (const message_ptr* m : found) {
        if ((*m)->expired(now)) {
            continue;
        }
        delivery d{.msg = *m,
                   .qos = min_qos((*m)->qos, sub.options.max_qos),
                   .retain = true, // [MQTT-3.3.1-8]
                   .subscription_ids = {}};
        if (sub.subscription_identifier != 0) {
            d.subscription_ids.push_back(sub.subscription_identifier);
        }
        deliver(s, std::move(d), now);
    }
}

void engine::store_retained(const message_ptr& msg) {
    // [MQTT-3.3.1-6]/[MQTT-3.3.1-7]: an empty payload clears; anything else replaces.
    if (msg->payload.empty()) {
        retained_.erase(msg->topic);
    } else {
        retained_.set(msg->topic, msg);
    }
}

void engine::publish_will(session& s, time_point now) {
    if (!s.extras || !s.extras->will) {
        return;
    }
    // The will's expiry interval runs from when it is published, not from the CONNECT.
    auto published = std::make_shared<message>(*s.extras->will);
    published->received_at = now;
    const message_ptr will = std::move(published);
    s.extras->will.reset();
    s.extras->will_at.reset();
    if (will->retain) {
        store_retained(will);
        if (cluster_ != nullptr) {
            cluster_->on_retained(will, now);
        }
    }
    route(will, now);
}

} // namespace emqx::broker

// The acknowledgements a client sends: PUBACK, PUBREC, PUBCOMP for our QoS 1/2 messages, and
// PUBREL for its QoS 2 messages (4.3.2, 4.3.3).
#include "engine/engine.hpp"

#include <algorithm>

namespace emqx::broker {

namespace {

std::deque<inflight_message>::iterator find_inflight(session& s, std::uint16_t packet_id) {
    // Acknowledgements mostly come in order: the match is usually the first entry.
    return std::find_if(s.inflight.begin(), s.inflight.end(),
                        [packet_id](const inflight_message& m) { return m.packet_id == packet_id; });
}

} // namespace

void engine::handle_puback(client_handle c, const mqtt::puback& p, time_point now) {
    session& s = *clients_[c]->sess;
    const auto it = find_inflight(s, p.packet_id);
    if (it == s.inflight.end() || it->out.qos != mqtt::qos::at_least_once) {
        return; // unknown or duplicate: nothing to release (4.3.2)
    }
    s.inflight.erase(it);
    pump(s, now);
}

void engine::handle_pubrec(client_handle c, const mqtt::pubrec& p, time_point now) {
    client& cl = *clients_[c];
    session& s = *cl.sess;
    const auto it = find_inflight(s, p.packet_id);
    if (it == s.inflight.end() || it->out.qos != mqtt::qos::exactly_once) {
        send(cl, mqtt::pubrel{.packet_id = p.packet_id,
                              .reason = mqtt::reason_code::packet_identifier_not_found,
                              .props = {}});
        return;
    }
    if (mqtt::is_failure(p.reason)) {
        s.inflight.erase(it); // 4.3.3: the receiver refused it; the exchange ends here
        pump(s, now);
        return;
    }
    it->released = true; // [MQTT-4.3.3-4]: no more PUBLISH re-sends of it, PUBREL instead
    send(cl, mqtt::pubrel{.packet_id = p.packet_id, .reason = {}, .props = {}});
}

void engine::handle_pubcomp(client_handle c, const mqtt::pubcomp& p, time_point now) {
    session& s = *clients_[c]->sess;
    const auto it = find_inflight(s, p.packet_id);
    if (it == s.inflight.end() || !it->released) {
        return;
    }
    s.inflight.erase(it);
    pump(s, now);
}

void engine::handle_pubrel(client_handle c, const mqtt::pubrel& p, time_point) {
    client& cl = *clients_[c];
    session& s = *cl.sess;
    auto reason = mqtt::reason_code::packet_identifier_not_found; // 3.7.2.1
    if (s.extras) {
        std::vector<std::uint16_t>& awaiting_rel = s.extras->awaiting_rel;
        const auto it = std::find(awaiting_rel.begin(), awaiting_rel.end(), p.packet_id);
        if (it != awaiting_rel.end()) {
            awaiting_rel.erase(it);
            reason = mqtt::reason_code::success;
        }
    }
    send(cl, mqtt::pubcomp{.packet_id = p.packet_id, .reason = reason, .props = {}});
}

} // namespace emqx::broker

// CONNECT (3.1): refusals, client identifiers, keep alive, session takeover and resumption,
// the will, and the CONNACK that tells the client what we accept.
#include "engine/engine.hpp"

#include "log/log.hpp"

#include <emqx/mqtt/reason_code.hpp>

#include <string>

namespace emqx::broker {

namespace {

// Why a CONNECT is refused before any session is touched, or success.
mqtt::reason_code check_connect(const mqtt::connect& p, const limits& lim) {
    using mqtt::reason_code;
    if (p.client_id.size() > lim.max_clientid_len) {
        return reason_code::client_identifier_not_valid;
    }
    if (p.client_id.empty()) {
        // [MQTT-3.1.3-8] (3.1.1): an empty id needs Clean Session; MQTT 3.1 requires 1-23
        // characters, so it has no empty id at all.
        if (p.version == mqtt::protocol_version::v3_1 ||
            (p.version == mqtt::protocol_version::v3_1_1 && !p.clean_start)) {
            return reason_code::client_identifier_not_valid;
        }
    }
    if (p.version != mqtt::protocol_version::v5 && p.keep_alive > lim.max_keepalive) {
        // 3.1.1 cannot be told a shorter keep alive; refuse rather than silently cut it.
        return reason_code::implementation_specific_error;
    }
    if (p.props.authentication_method) {
        return reason_code::bad_authentication_method; // no enhanced authentication (4.12)
    }
    return reason_code::success;
}

} // namespace

void engine::refuse_connect(client_handle c, mqtt::protocol_version version,
                            mqtt::reason_code reason) {
    client& cl = *clients_[c];
    cl.version = version;
    // Refusals of who the client is (auth_failures_total counts them) are not protocol errors:
    // a wrong password must not fire protocol-error alerts.
    const bool who = reason == mqtt::reason_code::bad_user_name_or_password ||
                     reason == mqtt::reason_code::not_authorized ||
                     reason == mqtt::reason_code::banned || reason == mqtt::reason_code::server_busy;
    if (!who) {
        metrics_.protocol_error(reason);
    }
    log::write(log::level::info, "mqtt", "connection refused",
               {{"peer", cl.peer}, {"reason", mqtt::reason_code_name(reason)}});
    // [MQTT-3.2.2-6]/[MQTT-3.2.2-7]: a refusing CONNACK, then close. 3.1.1 has return codes
    // only for some causes; a malformed CONNECT there is closed without a word.
    const bool v3_unanswerable = version != mqtt::protocol_version::v5 &&
                                 (reason == mqtt::reason_code::malformed_packet ||
                                  reason == mqtt::reason_code::protocol_error);
    if (!v3_unanswerable && mqtt::is_valid_reason_for(mqtt::packet_type::connack, reason)) {
        send(cl, mqtt::connack{.session_present = false, .reason = reason, .props = {}});
    } else if (!v3_unanswerable) {
        send(cl, mqtt::connack{.session_present = false,
                               .reason = mqtt::reason_code::unspecified_error,
                               .props = {}});
    }
    close_client(c, std::nullopt);
}

std::string engine::assign_client_id() {
    // 3.1.3.1: unique on this server; the prefix keeps it apart from ids clients choose.
    for (;;) {
        std::string id = assigned_prefix_ + std::to_string(next_assigned_id_++);
        if (!sessions_.contains(std::string_view{id})) {
            return id;
        }
    }
}

session& engine::new_session(std::string client_id) {
    subscriber_id id = 0;
    if (!free_session_ids_.empty()) {
        id = free_session_ids_.back();
        free_session_ids_.pop_back();
    } else {
        id = static_cast<subscriber_id>(sessions_by_id_.size());
        sessions_by_id_.push_back(nullptr);
    }
    auto owned = std::make_unique<session>();
    session& s = *owned;
    s.id = id;
    s.client_id = std::move(client_id);
    sessions_by_id_[id] = &s;
    // Keyed by the session's own client id, which never changes while it is in the set.
    sessions_.insert(std::move(owned));
    return s;
}

void engine::on_remote_claim(std::string_view client_id, time_point claimed_at, time_point now) {
    const auto it = sessions_.find(client_id);
    if (it == sessions_.end()) {
        return;
    }
    session& s = **it;
    if (s.attached != no_client && clients_[s.attached]->opened_at > claimed_at) {
        return; // ours is the newer connection
    }
    if (s.attached != no_client) {
        take_over(s, now); // may end the session (expiry 0)
    }
    // The session now lives on the other node; keeping a stale copy here would deliver twice.
    if (const auto again = sessions_.find(client_id); again != sessions_.end()) {
        end_session(**again, now);
    }
}

void engine::take_over(session& s, time_point now) {
    // [MQTT-3.1.4-3]: the existing connection is closed, with DISCONNECT 0x8E in v5.
    const client_handle old = s.attached;
    client& oc = *clients_[old];
    log::write(log::level::info, "mqtt", "session taken over",
               {{"client_id", s.client_id}, {"old_peer", oc.peer}});
    const bool v5 = oc.version == mqtt::protocol_version::v5;
    oc.close_reason = "taken_over";
    close_client(old, v5 ? std::optional{mqtt::reason_code::session_taken_over} : std::nullopt);
    detach(old, now);
}

session& engine::attach_session(client_handle c, const mqtt::connect& p, std::string client_id,
                                bool& present, time_point now) {
    present = false;
    if (auto it = sessions_.find(client_id); it != sessions_.end()) {
        if ((*it)->attached != no_client) {
            take_over(**it, now); // may end the session (expiry 0)
        }
    }
    session* s = nullptr;
    if (auto it = sessions_.find(client_id); it != sessions_.end()) {
        if (p.clean_start) {
            end_session(**it, now); // [MQTT-3.1.2-4]
        } else {
            s = it->get(); // [MQTT-3.1.2-5]
            present = true;
        }
    }
    if (s == nullptr) {
        s = &new_session(std::move(client_id));
    }
    // 3.1.2.11.2: v5 says how long; 3.1.1 Clean Session 0 means "until it is used again".
    if (p.version == mqtt::protocol_version::v5) {
        s->expiry_interval = p.props.session_expiry_interval.value_or(0);
    } else {
        s->expiry_interval = p.clean_start ? 0 : UINT32_MAX;
    }
    s->attached = c;
    if (s->extras) {
        s->extras->will_at.reset(); // [MQTT-3.1.3-9]: a reconnection cancels a delayed will
        s->extras->will.reset();
    }
    clients_[c]->sess = s;
    return *s;
}

void engine::handle_connect(client_handle c, const mqtt::connect& p, std::string_view bytes,
                            time_point now) {
    client& cl = *clients_[c];
    if (cl.state == client_state::connected) {
        protocol_violation(c, mqtt::reason_code::protocol_error, "second CONNECT");
        return; // [MQTT-3.1.0-2]
    }
    if (const auto refusal = check_connect(p, limits_); refusal != mqtt::reason_code::success) {
        refuse_connect(c, p.version, refusal);
        return;
    }
    if (authenticate(c, p, bytes, now)) {
        accept_connect(c, p, now);
    }
}

void engine::accept_connect(client_handle c, const mqtt::connect& p, time_point now) {
    client& cl = *clients_[c];
    cl.version = p.version;
    const bool v5 = p.version == mqtt::protocol_version::v5;
    const bool assigned = p.client_id.empty();
    std::string client_id = assigned ? assign_client_id() : std::string{p.client_id};

    bool present = false;
    session& s = attach_session(c, p, std::move(client_id), present, now);
    if (p.will) {
        session_extras& extras = s.extras_made();
        extras.will = make_message(*p.will, s.id, now);
        extras.will_delay = p.will->props.will_delay_interval.value_or(0);
    }
    cl.receive_maximum = p.props.receive_maximum.value_or(65'535);
    cl.maximum_packet_size = p.props.maximum_packet_size.value_or(UINT32_MAX);
    cl.request_problem_information = p.props.request_problem_information.value_or(1) != 0;
    std::uint16_t keep_alive = p.keep_alive;
    const bool capped = v5 && keep_alive > limits_.max_keepalive;
    if (capped) {
        keep_alive = limits_.max_keepalive; // 3.2.2.3.14 Server Keep Alive
    }
    cl.keep_alive = std::chrono::seconds{keep_alive};
    cl.state = client_state::connected;
    cl.told_packet_size = limits_.max_packet_size;
    cl.told_receive_maximum = limits_.max_inflight;
    cl.told_topic_alias_maximum = limits_.max_topic_alias;

    mqtt::connack ack{.session_present = present, .reason = mqtt::reason_code::success, .props = {}};
    if (v5) {
        if (assigned) {
            ack.props.assigned_client_identifier = s.client_id;
        }
        if (capped) {
            ack.props.server_keep_alive = keep_alive;
        }
        ack.props.receive_maximum = cl.told_receive_maximum;
        ack.props.maximum_packet_size = cl.told_packet_size;
        ack.props.topic_alias_maximum = cl.told_topic_alias_maximum;
    }
    send(cl, ack);
    if (cluster_ != nullptr) {
        cluster_->on_client_connected(s.client_id, cl.opened_at);
    }
    log::write(log::level::info, "mqtt", "client connected",
               {{"client_id", s.client_id},
                {"peer", cl.peer},
                {"version", mqtt::protocol_version_name(p.version)},
                {"keepalive", std::to_string(keep_alive)},
                {"session_present", present ? "true" : "false"}});
    resend_inflight(s, now);
    pump(s, now);
}

} // namespace emqx::broker

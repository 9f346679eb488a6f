// The engine's frame: clients come and go, packets are decoded and dispatched to handlers/,
// protocol errors close one connection, output goes to outboxes.
#include "engine/engine.hpp"

#include "log/log.hpp"

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/encode.hpp>

namespace emqx::broker {

engine::engine(limits config, auth_settings auth)
    : limits_(config), auth_(std::move(auth)), bans_(auth_.ban) {}

engine::~engine() = default;

client_handle engine::open(std::string peer, time_point now) {
    client_handle c = 0;
    if (!free_clients_.empty()) {
        c = free_clients_.back();
        free_clients_.pop_back();
        *clients_[c] = client{};
    } else {
        c = static_cast<client_handle>(clients_.size());
        clients_.push_back(std::make_unique<client>());
    }
    client& cl = *clients_[c];
    cl.handle = c;
    cl.serial = next_serial_++;
    cl.peer = std::move(peer);
    cl.opened_at = now;
    cl.last_received = now;
    ++connections_;
    ++metrics_.connections_total;
    return c;
}

void engine::on_packet(client_handle c, std::string_view bytes, time_point now) {
    client& cl = *clients_[c];
    if (cl.state == client_state::closing) {
        return; // [MQTT-4.13.1-1]/[MQTT-3.14.4-1]: nothing more is processed once closing
    }
    cl.last_received = now;
    metrics_.bytes_received_total += bytes.size();
    if (cl.state == client_state::authenticating) {
        // Kept for after the CONNACK (3.1.4), bounded like one more packet.
        std::string& pending = cl.extras_made().pending_input;
        if (pending.size() + bytes.size() > limits_.max_packet_size) {
            protocol_violation(c, mqtt::reason_code::packet_too_large,
                               "too much sent before the CONNACK");
            return;
        }
        pending.append(bytes);
        return;
    }
    const auto type = static_cast<mqtt::packet_type>(static_cast<std::uint8_t>(bytes[0]) >> 4U);
    if (cl.state == client_state::awaiting_connect && type != mqtt::packet_type::connect) {
        // [MQTT-3.1.0-1] the first packet must be CONNECT; nothing is sent back.
        protocol_violation(c, mqtt::reason_code::protocol_error, "first packet is not CONNECT");
        return;
    }
    auto decoded = mqtt::decode(bytes, cl.version);
    if (!decoded) {
        if (type == mqtt::packet_type::connect && cl.state == client_state::awaiting_connect) {
            const auto version = mqtt::peek_connect_version(bytes);
            refuse_connect(c, version.value_or(mqtt::protocol_version::v3_1_1), decoded.error());
            return;
        }
        protocol_violation(c, decoded.error(), "malformed packet");
        return;
    }
    metrics_.received(type);
    if (type == mqtt::packet_type::connect) {
        handle_connect(c, std::get<mqtt::connect>(*decoded), bytes, now);
        return;
    }
    dispatch(c, *decoded, now);
}

void engine::dispatch(client_handle c, const mqtt::packet& p, time_point now) {
    using mqtt::packet_type;
    switch (mqtt::type_of(p)) {
    case packet_type::connect: // decoded and handled in on_packet, which has its bytes
        return protocol_violation(c, mqtt::reason_code::protocol_error, "second CONNECT");
    case packet_type::publish: return handle_publish(c, std::get<mqtt::publish>(p), now);
    case packet_type::puback: return handle_puback(c, std::get<mqtt::puback>(p), now);
    case packet_type::pubrec: return handle_pubrec(c, std::get<mqtt::pubrec>(p), now);
    case packet_type::pubrel: return handle_pubrel(c, std::get<mqtt::pubrel>(p), now);
    case packet_type::pubcomp: return handle_pubcomp(c, std::get<mqtt::pubcomp>(p), now);
    case packet_type::subscribe: return handle_subscribe(c, std::get<mqtt::subscribe>(p), now);
    case packet_type::unsubscribe:
        return handle_unsubscribe(c, std::get<mqtt::unsubscribe>(p), now);
    case packet_type::pingreq: return handle_pingreq(c);
    case packet_type::disconnect: return handle_disconnect(c, std::get<mqtt::disconnect>(p), now);
    case packet_type::auth:
        // Enhanced authentication is not offered: CONNECT with a method is refused (0x8C),
        // so an AUTH can only be a protocol error (4.12).
        return protocol_violation(c, mqtt::reason_code::protocol_error, "AUTH not expected");
    case packet_type::connack:
    case packet_type::suback:
    case packet_type::unsuback:
    case packet_type::pingresp:
        return protocol_violation(c, mqtt::reason_code::protocol_error,
                                  "server-only packet from a client");
    }
}

void engine::on_stream_error(client_handle c, mqtt::reason_code reason, time_point) {
    client& cl = *clients_[c];
    if (cl.state == client_state::awaiting_connect) {
        metrics_.protocol_error(reason);
        close_client(c, std::nullopt);
        return;
    }
    protocol_violation(c, reason, reason == mqtt::reason_code::packet_too_large
                                      ? "packet larger than the maximum packet size"
                                      : "malformed remaining length");
}

void engine::protocol_violation(client_handle c, mqtt::reason_code reason, std::string_view what) {
    client& cl = *clients_[c];
    if (cl.state == client_state::closing) {
        return;
    }
    metrics_.protocol_error(reason);
    cl.close_reason = "protocol_error";
    log::write(log::level::info, "mqtt", "protocol error, closing connection",
               {{"client_id", cl.sess ? std::string_view{cl.sess->client_id} : "-"},
                {"peer", cl.peer},
                {"reason", mqtt::reason_code_name(reason)},
                {"detail", what}});
    // [MQTT-4.13.1-1]: v5 sends DISCONNECT with the reason once connected; before CONNACK a
    // DISCONNECT must not be sent [MQTT-3.2.0-2], and 3.1.1 has none from the server.
    const bool v5_connected =
        cl.state == client_state::connected && cl.version == mqtt::protocol_version::v5;
    close_client(c, v5_connected ? std::optional{reason} : std::nullopt);
}

void engine::close_client(client_handle c, std::optional<mqtt::reason_code> reason) {
    client& cl = *clients_[c];
    if (cl.state == client_state::closing) {
        return;
    }
    if (reason) {
        send(cl, mqtt::disconnect{.reason = *reason, .props = {}});
    }
    cl.state = client_state::closing;
    cl.close_requested = true;
    mark_dirty(c);
}

void engine::on_closed(client_handle c, time_point now) {
    client& cl = *clients_[c];
    detach(c, now);
    cl.outbox.clear();
    cl.outbox.shrink_to_fit();
    cl.extras.reset();
    cl.state = client_state::closing;
    --connections_;
    free_clients_.push_back(c);
}

void engine::detach(client_handle c, time_point now) {
    client& cl = *clients_[c];
    session* s = cl.sess;
    if (s == nullptr) {
        return;
    }
    cl.sess = nullptr;
    s->attached = no_client;
    if (session_extras* extras = s->extras.get(); extras != nullptr) {
        if (cl.publish_will && extras->will) {
            if (extras->will_delay == 0 || s->expiry_interval == 0) {
                publish_will(*s, now);
            } else {
                extras->will_at = now + std::chrono::seconds{extras->will_delay};
            }
        } else {
            extras->will.reset();
        }
    }
    log::write(log::level::info, "mqtt", "client disconnected",
               {{"client_id", s->client_id},
                {"peer", cl.peer},
                {"reason", cl.close_reason != nullptr ? cl.close_reason : "peer_closed"}});
    if (s->expiry_interval == 0) {
        end_session(*s, now);
        return;
    }
    s->expires_at = s->expiry_interval == UINT32_MAX
                        ? time_point::max()
                        : now + std::chrono::seconds{s->expiry_interval};
}

void engine::end_session(session& s, time_point now) {
    // [MQTT-3.1.2-8]: the will is published when the session ends, even before its delay.
    if (s.extras && s.extras->will_at) {
        publish_will(s, now);
    }
    for (const auto& [filter, sub] : s.subscriptions) {
        if (router_.unsubscribe(filter, s.id) && cluster_ != nullptr) {
            cluster_->on_unsubscribed(filter);
        }
    }
    const auto dropped = s.queue.size() + s.inflight.size();
    metrics_.dropped(drop_reason::expired, dropped);
    sessions_by_id_[s.id] = nullptr;
    free_session_ids_.push_back(s.id);
    const auto it = sessions_.find(std::string_view{s.client_id});
    sessions_.erase(it); // destroys s
}

void engine::shutdown(time_point) {
    for (client_handle c = 0; c < clients_.size(); ++c) {
        client& cl = *clients_[c];
        if (cl.state == client_state::closing) {
            continue;
        }
        const bool v5 = cl.state == client_state::connected &&
                        cl.version == mqtt::protocol_version::v5;
        cl.close_reason = "server_shutdown";
        close_client(c, v5 ? std::optional{mqtt::reason_code::server_shutting_down}
                           : std::nullopt);
    }
}

void engine::mark_dirty(client_handle c) {
    client& cl = *clients_[c];
    if (!cl.dirty) {
        cl.dirty = true;
        dirty_.push_back(c);
    }
}

void engine::clear_dirty() noexcept {
    for (const client_handle c : dirty_) {
        clients_[c]->dirty = false;
    }
    dirty_.clear();
}

void engine::on_written(client_handle c, std::size_t bytes) {
    client& cl = *clients_[c];
    cl.writing = bytes > cl.writing ? 0 : cl.writing - bytes;
    metrics_.bytes_sent_total += bytes;
}

} // namespace emqx::broker

// What happens with time: CONNECT timeout, keep alive (3.1.2.10), will delay (3.1.3.2),
// session expiry (3.1.2.11.2), retained message expiry (3.3.2.3.3).
#include "engine/engine.hpp"

#include "log/log.hpp"

namespace emqx::broker {

void engine::check_keep_alive(client_handle c, time_point now) {
    client& cl = *clients_[c];
    if (cl.state == client_state::awaiting_connect) {
        if (now - cl.opened_at >= limits_.connect_timeout) {
            log::write(log::level::info, "mqtt", "no CONNECT in time, closing", {{"peer", cl.peer}});
            close_client(c, std::nullopt);
        }
        return;
    }
    if (cl.state != client_state::connected || cl.keep_alive.count() == 0) {
        return;
    }
    // [MQTT-3.1.2-22]: one and a half keep alive periods without a packet.
    if (now - cl.last_received >= cl.keep_alive * 3 / 2) {
        log::write(log::level::info, "mqtt", "keep alive timeout, closing",
                   {{"client_id", cl.sess->client_id}, {"peer", cl.peer}});
        const bool v5 = cl.version == mqtt::protocol_version::v5;
        cl.close_reason = "keepalive_timeout";
        close_client(c, v5 ? std::optional{mqtt::reason_code::keep_alive_timeout} : std::nullopt);
    }
}

void engine::fire_wills(time_point now) {
    std::vector<session*> due;
    for (const auto& s : sessions_) {
        if (s->extras && s->extras->will_at && *s->extras->will_at <= now) {
            due.push_back(s.get());
        }
    }
    for (session* s : due) {
        publish_will(*s, now);
    }
}

void engine::expire_sessions(time_point now) {
    std::vector<session*> expired;
    for (const auto& s : sessions_) {
        if (s->attached == no_client && s->expires_at <= now) {
            expired.push_back(s.get());
        }
    }
    for (session* s : expired) {
        log::write(log::level::debug, "session", "session expired", {{"client_id", s->client_id}});
        end_session(*s, now);
    }
}

void engine::on_tick(time_point now) {
    for (client_handle c = 0; c < clients_.size(); ++c) {
        if (clients_[c]->state != client_state::closing) {
            check_keep_alive(c, now);
        }
    }
    fire_wills(now);
    expire_sessions(now);
    retained_.erase_if([now](std::string_view, const message_ptr& m) { return m->expired(now); });
    bans_.expire(now);
    verified_.expire(now);
}

} // namespace emqx::broker

// PINGREQ (3.12) and DISCONNECT from a client (3.14).
#include "engine/engine.hpp"

namespace emqx::broker {

void engine::handle_pingreq(client_handle c) {
    send(*clients_[c], mqtt::pingresp{});
}

void engine::handle_disconnect(client_handle c, const mqtt::disconnect& p, time_point) {
    client& cl = *clients_[c];
    session& s = *cl.sess;
    if (p.props.session_expiry_interval) {
        // [MQTT-3.14.2-2]: a session that was to end with the connection cannot be kept now.
        if (s.expiry_interval == 0 && *p.props.session_expiry_interval != 0) {
            protocol_violation(c, mqtt::reason_code::protocol_error,
                               "Session Expiry Interval set on DISCONNECT after 0 on CONNECT");
            return;
        }
        s.expiry_interval = *p.props.session_expiry_interval;
    }
    // [MQTT-3.14.4-3]: only reason 0x00 (every 3.1.1 DISCONNECT) discards the will; 0x04
    // asks for it and an error reason leaves it to be published [MQTT-3.1.2-8].
    cl.publish_will = p.reason != mqtt::reason_code::success;
    cl.close_reason = p.reason == mqtt::reason_code::success ? "normal" : "disconnect_with_will";
    close_client(c, std::nullopt);
}

} // namespace emqx::broker

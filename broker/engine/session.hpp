// Per-client state: the session, which outlives connections when the client asks for it, and
// the client, which is one network connection's protocol state.
#pragma once

#include "engine/clock.hpp"
#include "engine/lazy_deque.hpp"
#include "engine/lazy_map.hpp"
#include "engine/message.hpp"
#include "router/subscription_tree.hpp"

#include <emqx/mqtt/packet.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace emqx::broker {

/// The engine's handle for a client (a connection); an index into its client table.
using client_handle = std::uint32_t;
inline constexpr client_handle no_client = UINT32_MAX;

/// A message on its way to one subscriber: the granted QoS and flags of that delivery.
struct delivery {
    message_ptr msg;
    mqtt::qos qos = mqtt::qos::at_most_once;
    bool retain = false;
    std::vector<std::uint32_t> subscription_ids; ///< v5, usually empty
};

/// An outgoing QoS 1/2 message not yet acknowledged (4.3.2, 4.3.3).
struct inflight_message {
    std::uint16_t packet_id = 0;
    delivery out;
    bool released = false; ///< QoS 2: PUBREC received, PUBREL sent, awaiting PUBCOMP
    /// Sent on an earlier connection and not yet again on this one: re-sent, with its packet
    /// id, as the client's Receive Maximum allows [MQTT-4.4.0-1], [MQTT-3.3.4-9].
    bool awaiting_resend = false;
};

/// What a subscriber asked for with one filter (kept for UNSUBSCRIBE and session end).
struct held_subscription {
    mqtt::subscribe_options options;
    std::uint32_t subscription_identifier = 0;
};

/// The parts of a session that few clients use: a will, incoming QoS 2 in progress.
struct session_extras {
    /// Incoming QoS 2 packet ids received but not yet released by PUBREL (4.3.3).
    std::vector<std::uint16_t> awaiting_rel;
    /// The will of the current or last connection, and when it is due once that is gone.
    message_ptr will;
    std::optional<time_point> will_at;
    std::uint32_t will_delay = 0;
};

/// The Session State of 4.1: kept across connections unless Clean Start / expiry ends it.
/// Members are grouped by size, and what most sessions never use is allocated on first need:
/// there is one of these per connection (memory per idle connection, issue 3).
struct session {
    subscriber_id id = 0;
    client_handle attached = no_client; ///< the connected client, or no_client when offline
    std::string client_id;

    /// Seconds the session survives its connection; UINT32_MAX: never expires (3.1.2.11.2).
    std::uint32_t expiry_interval = 0;
    std::uint16_t last_packet_id = 0;
    time_point expires_at{}; ///< valid while offline

    lazy_map<std::string, held_subscription> subscriptions;
    lazy_deque<inflight_message> inflight; ///< in the order sent
    lazy_deque<delivery> queue;            ///< waiting for the inflight window or a connection

    /// nullptr until the session first has a will or an incoming QoS 2 message.
    std::unique_ptr<session_extras> extras;
    [[nodiscard]] session_extras& extras_made() {
        if (!extras) {
            extras = std::make_unique<session_extras>();
        }
        return *extras;
    }

    // Routing scratch: a session matched several times by one message gets one delivery.
    std::uint64_t route_generation = 0;
    std::size_t route_slot = 0;
};

enum class client_state : std::uint8_t {
    awaiting_connect, ///< accepted, no CONNECT yet
    authenticating,   ///< CONNECT received, password being verified off the event loop
    connected,        ///< CONNACK sent
    closing,          ///< close requested; waiting for the shell to flush and close
};

/// The parts of a client that few connections use.
struct client_extras {
    /// Inbound topic aliases (v5 3.3.2.3.4): index = alias - 1. Grown on first use.
    std::vector<std::string> topic_aliases;
    /// While authenticating: the CONNECT, then whatever the client sent after it (3.1.4 lets
    /// it send before the CONNACK), processed once the password is checked.
    std::string pending_input;
};

/// One network connection's protocol state. Members are grouped by size so that no padding
/// is wasted: there is one of these per connection (memory per idle connection, issue 3).
struct client {
    /// Unique per connection, never reused: tells a late auth result from a reused handle.
    std::uint64_t serial = 0;
    session* sess = nullptr;
    std::string peer; ///< "address:port", for logs

    time_point opened_at{};
    time_point last_received{};
    /// Why the connection ends, for the "client disconnected" line; nullptr: the peer closed.
    const char* close_reason = nullptr;

    /// Bytes to send, appended by the engine, drained by the shell.
    std::string outbox;
    /// Bytes the shell has taken from the outbox and not yet written.
    std::size_t writing = 0;

    /// nullptr until the client first uses a topic alias or waits for a password check.
    std::unique_ptr<client_extras> extras;
    [[nodiscard]] client_extras& extras_made() {
        if (!extras) {
            extras = std::make_unique<client_extras>();
        }
        return *extras;
    }

    client_handle handle = no_client;
    /// 0: none. In 4 bytes rather than 8: at most 65,535 s (3.1.2.10).
    std::chrono::duration<std::uint32_t, std::milli> keep_alive{0};
    // What the client said it can take (v5 CONNECT properties).
    std::uint32_t maximum_packet_size = UINT32_MAX;
    // What the broker told it at CONNACK: a SIGHUP that changes the limits applies to
    // connections made after it, never to one already told otherwise.
    std::uint32_t told_packet_size = UINT32_MAX;
    std::uint16_t receive_maximum = 65'535;
    std::uint16_t told_receive_maximum = 65'535;
    std::uint16_t told_topic_alias_maximum = 0;
    /// Incoming QoS 1/2 publishes not yet acknowledged (our Receive Maximum counts these).
    std::uint16_t incoming_inflight = 0;

    client_state state = client_state::awaiting_connect;
    mqtt::protocol_version version = mqtt::protocol_version::v3_1_1;
    bool request_problem_information = true;
    bool dirty = false;
    /// Close once the outbox is written.
    bool close_requested = false;
    /// Publish the will when this connection ends (cleared by a normal DISCONNECT).
    bool publish_will = true;
};

} // namespace emqx::broker

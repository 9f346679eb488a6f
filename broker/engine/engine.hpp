// The broker's protocol engine: every client's protocol state, the sessions, the subscription
// index and the retained messages. Pure: bytes and time in, bytes and close requests out
// (per-client outboxes); no sockets, no clock, one thread. The Asio shell (net/) feeds it.
#pragma once

#include "engine/clock.hpp"
#include "engine/limits.hpp"
#include "engine/message.hpp"
#include "engine/metrics.hpp"
#include "auth/ban_window.hpp"
#include "auth/password.hpp"
#include "auth/verification_cache.hpp"
#include "cluster/hooks.hpp"
#include "engine/session.hpp"
#include "router/retained_map.hpp"
#include "router/subscription_tree.hpp"

#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/packet.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace emqx::broker {

/// Who may connect (the `auth:` section of the configuration).
struct auth_settings {
    bool enabled = false;
    bool allow_anonymous = true;
    std::vector<auth::user_record> users;
    auth::ban_policy ban;
};

/// A password to check off the event loop; the answer goes to engine::on_auth_result.
struct auth_request {
    client_handle client = no_client;
    std::uint64_t serial = 0;
    auth::user_record user;
    std::string password;
};

class engine {
public:
    explicit engine(limits config, auth_settings auth = {});
    ~engine();
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    // ---- driven by the shell ---------------------------------------------------------------

    /// A new connection from `peer`. Returns its handle.
    [[nodiscard]] client_handle open(std::string peer, time_point now);

    /// One complete packet from `c`, exactly as split_packet() delimited it.
    void on_packet(client_handle c, std::string_view bytes, time_point now);

    /// The byte stream of `c` is broken (split_packet said invalid, with `reason`).
    void on_stream_error(client_handle c, mqtt::reason_code reason, time_point now);

    /// The connection of `c` is gone. `c` is invalid afterwards.
    void on_closed(client_handle c, time_point now);

    /// Keep alive, CONNECT timeout, will delay, session and message expiry. Call about once a
    /// second.
    void on_tick(time_point now);

    /// Orderly shutdown: v5 clients get DISCONNECT 0x8B, every client is asked to close.
    void shutdown(time_point now);

    /// Passwords waiting to be verified; the shell takes them, verifies them elsewhere (slow
    /// hashes must not stall the event loop) and answers with on_auth_result.
    [[nodiscard]] std::vector<auth_request> take_auth_requests();
    void on_auth_result(client_handle c, std::uint64_t serial, bool ok, time_point now);

    /// SIGHUP: new users and ban policy, and the limits that can change live. Connected
    /// clients keep what they negotiated.
    void reconfigure(const limits& config, auth_settings auth);

    // ---- the cluster ---------------------------------------------------------------------

    /// Routing then also asks `h` (nullptr: a single node). Not owned; outlives the engine's
    /// use of it.
    void set_cluster(cluster::hooks* h) noexcept { cluster_ = h; }
    /// Assigned client identifiers start with this ("emqxd-" by default); a cluster makes it
    /// name the node so that two nodes never assign the same id.
    void set_assigned_id_prefix(std::string prefix) { assigned_prefix_ = std::move(prefix); }

    /// A message a peer forwarded: stored as retained when `store_retained`; delivered to
    /// this node's non-shared subscribers when `normal`, and to one local member of each
    /// shared group named in `groups` (full "$share/<g>/<f>" filters). Never forwarded again.
    /// Returns how many sessions got it.
    std::size_t deliver_remote(const message_ptr& msg, bool normal,
                               const std::vector<std::string>& groups, bool store_retained,
                               time_point now);

    /// A client with this id connected on another node on a connection opened at
    /// `claimed_at`: a local connection with it opened earlier is taken over (v5 DISCONNECT
    /// 0x8E) and its session ended, so the id lives on one node only. A local connection
    /// opened later wins: its own claim reaches the other node, which then gives way. Claims
    /// cross in flight, so the order is decided by when the connections were opened.
    void on_remote_claim(std::string_view client_id, time_point claimed_at, time_point now);

    /// f(const message_ptr&) for every retained message (a new peer gets them all).
    template <typename F>
    void for_each_retained(F&& f) const {
        retained_.for_each([&](std::string_view, const message_ptr& m) { f(m); });
    }

    // ---- output, drained by the shell ------------------------------------------------------

    /// Clients whose outbox gained bytes or which were asked to close since the last
    /// clear_dirty(); a client appears once.
    [[nodiscard]] const std::vector<client_handle>& dirty() const noexcept { return dirty_; }
    void clear_dirty() noexcept;

    [[nodiscard]] client& client_at(client_handle c) noexcept { return *clients_[c]; }

    /// The shell wrote some of a client's pending bytes: lets QoS 1/2 queued messages flow.
    void on_written(client_handle c, std::size_t bytes);

    // ---- observation -----------------------------------------------------------------------

    [[nodiscard]] const struct metrics& stats() const noexcept { return metrics_; }
    [[nodiscard]] std::size_t connection_count() const noexcept { return connections_; }
    [[nodiscard]] std::size_t session_count() const noexcept { return sessions_.size(); }
    [[nodiscard]] std::size_t subscription_count() const noexcept { return router_.size(); }
    [[nodiscard]] std::size_t retained_count() const noexcept { return retained_.size(); }
    [[nodiscard]] const limits& config() const noexcept { return limits_; }
    /// The largest packet `c` may send: what its CONNACK said once connected, else the limit.
    [[nodiscard]] std::uint32_t max_packet_size_of(client_handle c) const noexcept {
        const client& cl = *clients_[c];
        return cl.state == client_state::connected ? cl.told_packet_size : limits_.max_packet_size;
    }

    /// f(const client&) for every connected client, in handle order (freed slots are
    /// `closing` without a session, so they are skipped).
    template <typename F>
    void for_each_connected_client(F&& f) const {
        for (const auto& cl : clients_) {
            if (cl->state == client_state::connected && cl->sess != nullptr) {
                f(std::as_const(*cl));
            }
        }
    }

    /// The subscription index, read-only (/api/v1/routes, later the cluster's route sync).
    [[nodiscard]] const subscription_tree& subscriptions() const noexcept { return router_; }

private:
    // handlers/: one per packet family (mosquitto's handle_<packet>)
    void handle_connect(client_handle c, const mqtt::connect& p, std::string_view bytes,
                        time_point now);
    void handle_publish(client_handle c, const mqtt::publish& p, time_point now);
    void handle_puback(client_handle c, const mqtt::puback& p, time_point now);
    void handle_pubrec(client_handle c, const mqtt::pubrec& p, time_point now);
    void handle_pubrel(client_handle c, const mqtt::pubrel& p, time_point now);
    void handle_pubcomp(client_handle c, const mqtt::pubcomp& p, time_point now);
    void handle_subscribe(client_handle c, const mqtt::subscribe& p, time_point now);
    void handle_unsubscribe(client_handle c, const mqtt::unsubscribe& p, time_point now);
    void handle_pingreq(client_handle c);
    void handle_disconnect(client_handle c, const mqtt::disconnect& p, time_point now);
    void dispatch(client_handle c, const mqtt::packet& p, time_point now);

    // connect.cpp helpers
    void refuse_connect(client_handle c, mqtt::protocol_version version, mqtt::reason_code reason);
    void accept_connect(client_handle c, const mqtt::connect& p, time_point now);
    // auth.cpp
    /// Decides at once when it can (anonymous, unknown user, banned, cached); otherwise parks
    /// the CONNECT and queues an auth_request. Returns true when the CONNECT may proceed now.
    bool authenticate(client_handle c, const mqtt::connect& p, std::string_view bytes,
                      time_point now);
    void auth_failed(client_handle c, mqtt::protocol_version version, std::string_view username,
                     std::string_view client_id, mqtt::reason_code reason, std::string_view why,
                     time_point now);
    /// The session for this CONNECT, resumed or new, attached to `c`; `present` tells which.
    session& attach_session(client_handle c, const mqtt::connect& p, std::string client_id,
                            bool& present, time_point now);
    session& new_session(std::string client_id);
    void take_over(session& s, time_point now);
    std::string assign_client_id();

    // Closing (engine.cpp)
    /// A protocol error: v5 DISCONNECT with `reason` where the spec wants one, counted,
    /// logged once at INFO, connection closed.
    void protocol_violation(client_handle c, mqtt::reason_code reason, std::string_view what);
    /// Ask the shell to close `c` after flushing; with a v5 DISCONNECT first when `reason`
    /// is given.
    void close_client(client_handle c, std::optional<mqtt::reason_code> reason);
    void detach(client_handle c, time_point now);
    void end_session(session& s, time_point now);

    // Routing and delivery (delivery.cpp)
    /// Delivers `msg` to every matching subscription; returns how many sessions got it.
    std::size_t route(const message_ptr& msg, time_point now);
    /// The local part of routing: non-shared subscribers when `normal`, and one member of each
    /// matching shared group for which keep_group(group) is true. Returns the sessions reached.
    template <typename KeepGroup>
    std::size_t fan_out(const message_ptr& msg, bool normal, KeepGroup&& keep_group,
                        time_point now);
    void add_to_fanout(session& s, const subscriber_entry& e, const message& msg);
    /// The member of a shared group that gets the next message, or nullptr when no member's
    /// session exists.
    const subscriber_entry* pick_member(share_group& group);
    void deliver(session& s, delivery d, time_point now);
    void enqueue(session& s, delivery d);
    /// Encodes a PUBLISH of `d` into the client's outbox; false (nothing written, the drop
    /// counted) when the message has expired or exceeds the client's Maximum Packet Size.
    /// A re-send (`dup`) of a message already sent is not dropped for having expired since
    /// [MQTT-4.4.0-1]: the client may hold it half-acknowledged.
    bool send_publish(client& cl, const delivery& d, std::uint16_t packet_id, bool dup,
                      time_point now);
    void pump(session& s, time_point now);
    void resend_inflight(session& s, time_point now);
    void resend_pending(session& s, time_point now);
    void send_retained(session& s, std::string_view filter, const held_subscription& sub,
                       time_point now);
    void store_retained(const message_ptr& msg);
    std::uint16_t next_packet_id(session& s) noexcept;
    void publish_will(session& s, time_point now);

    // Output (engine.cpp)
    template <typename Packet>
    void send(client& cl, const Packet& p);
    void mark_dirty(client_handle c);

    // Timers (timers.cpp)
    void check_keep_alive(client_handle c, time_point now);
    void expire_sessions(time_point now);
    void fire_wills(time_point now);

    limits limits_;
    auth_settings auth_;
    auth::ban_window bans_;
    auth::verification_cache verified_;
    std::vector<auth_request> auth_requests_;
    /// Password checks under way: serial -> peer address, and how many per address. Capped
    /// per address so that one address cannot queue up the hash pool before its first
    /// failure is even counted.
    std::unordered_map<std::uint64_t, std::string> auth_pending_;
    std::unordered_map<std::string, unsigned> auth_in_flight_;
    std::uint64_t next_serial_ = 1;
    metrics metrics_;
    std::vector<std::unique_ptr<client>> clients_;
    std::vector<client_handle> free_clients_;
    std::size_t connections_ = 0;
    std::vector<client_handle> dirty_;

    /// Hashes and compares sessions by client id, and finds one by a client id alone.
    struct session_key {
        using is_transparent = void;
        static std::string_view of(std::string_view id) noexcept { return id; }
        static std::string_view of(const std::unique_ptr<session>& s) noexcept {
            return s->client_id;
        }
        template <typename K>
        std::size_t operator()(const K& k) const noexcept {
            return std::hash<std::string_view>{}(of(k));
        }
        template <typename A, typename B>
        bool operator()(const A& a, const B& b) const noexcept {
            return of(a) == of(b);
        }
    };
    /// The sessions, found by client id: a set keyed by each session's own `client_id`, so
    /// that the id is stored once and an entry is one pointer and its hash (issue 3).
    std::unordered_set<std::unique_ptr<session>, session_key, session_key> sessions_;
    /// Index = subscriber_id (0 unused); ids of ended sessions are reused.
    std::vector<session*> sessions_by_id_{nullptr};
    std::vector<subscriber_id> free_session_ids_;
    std::uint64_t route_generation_ = 0;
    std::uint64_t next_assigned_id_ = 1;

    subscription_tree router_;
    retained_map<message_ptr> retained_;
    cluster::hooks* cluster_ = nullptr;
    std::string assigned_prefix_ = "emqxd-";
    std::string scratch_group_; ///< "$share/<g>/<f>" built while routing a remote message

    // Scratch reused on the hot path so that routing allocates nothing once warm.
    match_result matches_;
    struct pending_delivery {
        session* target;
        delivery d;
    };
    std::vector<pending_delivery> fanout_;
    mqtt::properties scratch_props_;
    mqtt::publish scratch_publish_;
};

template <typename Packet>
void engine::send(client& cl, const Packet& p) {
    // Failure is impossible for what the engine builds (fields come from decoded packets or
    // are bounded by limits); a failed encode leaves the outbox as it was.
    if (mqtt::encode(p, cl.version, cl.outbox) == mqtt::reason_code::success) {
        metrics_.sent(mqtt::packet_type_of<Packet>);
        mark_dirty(cl.handle);
    }
}

} // namespace emqx::broker

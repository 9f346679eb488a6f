// The cluster as this node sees it: the cluster listener, a connector per known peer address
// (reconnecting with backoff), the live links, the routes each peer announced, and the
// forwarding of messages to the peers whose routes match. Implements the engine's hooks.
// Everything runs on the node's one io_context thread.
#pragma once

#include "cluster/hooks.hpp"
#include "cluster/link.hpp"
#include "engine/engine.hpp"
#include "router/subscription_tree.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace emqx::broker::cluster {

struct mesh_settings {
    identity self;
    std::vector<std::string> peers; ///< "host:port" cluster addresses to dial
    std::string discovery;          ///< "name[:port]" resolving to peers; empty: none
    std::chrono::milliseconds discovery_interval{10'000};
};

/// One peer as /api/v1/cluster shows it.
struct peer_view {
    std::string node_id;
    std::string address;
    std::string state; ///< up, connecting, down, refused
    std::string cluster_id;
    std::string http;
    std::string mqtt;
    std::optional<std::chrono::system_clock::time_point> last_heartbeat;
    std::size_t route_count = 0;
    std::string error;
};

class mesh final : public hooks, public link_owner {
public:
    /// `flush_clients` writes the MQTT clients' outboxes (after a forwarded message or a claim
    /// reached local subscribers). Binds `endpoint` (throws boost::system::system_error).
    mesh(boost::asio::io_context& io, engine& core, mesh_settings settings,
         const boost::asio::ip::tcp::endpoint& endpoint, std::function<void()> flush_clients);
    ~mesh() override;
    mesh(const mesh&) = delete;
    mesh& operator=(const mesh&) = delete;

    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;
    /// The address peers should dial, once the listener is bound (fills identity::cluster).
    void set_advertised(std::string cluster, std::string mqtt, std::string http);
    void start();
    void stop();

    // ---- observation (HTTP) ----------------------------------------------------------------
    [[nodiscard]] std::vector<peer_view> peers() const;
    [[nodiscard]] std::size_t live_nodes() const noexcept { return up_.size() + 1; }
    [[nodiscard]] std::uint64_t forwarded_total() const noexcept { return forwarded_total_; }
    [[nodiscard]] std::uint64_t refused_total() const noexcept { return refused_total_; }
    [[nodiscard]] double route_sync_lag_seconds() const;
    /// Why the node is not ready yet as far as the cluster goes (empty: ready).
    [[nodiscard]] std::vector<std::string> not_ready_reasons() const;
    /// f(filter, node_id) for every route a live peer announced.
    void for_each_remote_route(const std::function<void(std::string_view, std::string_view)>& f) const;

    // ---- hooks (from the engine) -----------------------------------------------------------
    void on_subscribed(std::string_view filter) override;
    void on_unsubscribed(std::string_view filter) override;
    bool keep_group(const share_group& group) override;
    std::size_t forward(const message_ptr& msg, time_point now) override;
    void on_retained(const message_ptr& msg, time_point now) override;
    void on_client_connected(std::string_view client_id, time_point opened_at) override;

    // ---- link_owner ------------------------------------------------------------------------
    void on_link_up(const std::shared_ptr<link>& l) override;
    void on_link_frame(const std::shared_ptr<link>& l, frame& f) override;
    void on_link_closed(const std::shared_ptr<link>& l, const std::string& reason,
                        bool refused) override;
    void on_link_read_done() override;

private:
    /// A peer address this node dials, and what it learned about the node behind it.
    struct connector {
        std::string address;
        std::string node_id;
        std::string cluster_id;
        std::string http;
        std::string mqtt;
        std::string state = "connecting";
        std::string error;
        bool attempted = false; ///< one attempt finished (ready does not wait for it again)
        bool self = false;      ///< it is this node: never dialled again, never shown
        /// From cluster.peers or the discovery name: kept for good. Learned ones (from a
        /// peer's list or HELLO) are forgotten once their node is linked at another address.
        bool configured = false;
        std::chrono::milliseconds backoff{200};
        std::shared_ptr<link> dialing; ///< the link of the current outbound attempt
        std::unique_ptr<boost::asio::steady_timer> timer;
    };
    /// A node with a live link.
    struct live_peer {
        std::shared_ptr<link> l;
        subscriber_id slot = 0;
        std::unordered_set<std::string> routes;
        bool synced = false; ///< its full route set arrived
    };

    void do_accept();
    connector& ensure_connector(const std::string& address);
    void dial(connector& c);
    void schedule_dial(connector& c, std::chrono::milliseconds after);
    void resolve_discovery();
    /// `node_id` is linked at `address`: learned connectors that knew it elsewhere are stale.
    void forget_moved(const std::string& node_id, const std::string& address);
    void add_route(live_peer& p, const std::string& filter);
    void remove_route(live_peer& p, const std::string& filter);
    void send_full_state(live_peer& p);
    void schedule_route_flush();
    void flush_routes();
    [[nodiscard]] live_peer* peer_of(const std::shared_ptr<link>& l);

    boost::asio::io_context& io_;
    engine& engine_;
    mesh_settings settings_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer discovery_timer_;
    std::function<void()> flush_clients_;
    bool stopping_ = false;
    bool clients_dirty_ = false; ///< forwarded messages or claims reached local clients

    std::map<std::string, connector> connectors_; ///< by address
    std::vector<std::shared_ptr<link>> handshaking_;
    std::map<std::string, live_peer> up_; ///< by node id
    std::vector<std::string> slot_nodes_{""}; ///< slot -> node id (0 unused)
    std::vector<subscriber_id> free_slots_;

    // Routes: local filter counts (what peers are told) and peers' routes (what to forward).
    std::unordered_map<std::string, std::size_t> local_filters_;
    std::unordered_set<std::string> pending_add_;
    std::unordered_set<std::string> pending_remove_;
    std::optional<time_point> pending_since_;
    bool flush_scheduled_ = false;
    subscription_tree remote_routes_; ///< subscriber id = peer slot
    /// Full "$share/<g>/<f>" -> slots of peers holding it (for groups spread over nodes).
    std::unordered_map<std::string, std::vector<subscriber_id>> remote_groups_;
    std::unordered_map<std::string, std::size_t> group_cursor_;

    // Per-message scratch: groups already decided, where each target goes, the retained flag.
    struct target {
        subscriber_id slot = 0;
        bool normal = false;
        std::vector<std::string> groups;
    };
    /// The target of `slot` for the message being routed, added when it is not there yet.
    target& target_for(subscriber_id slot);
    std::vector<std::string> decided_;
    std::vector<target> targets_;
    match_result remote_match_;
    message_ptr pending_retained_;

    /// Nodes that dialled in and were refused (another cluster, a bad cookie), by address:
    /// shown in peers() so that a split brain is visible on both sides.
    std::map<std::string, peer_view> refused_inbound_;

    std::uint64_t forwarded_total_ = 0;
    std::uint64_t refused_total_ = 0;
};

} // namespace emqx::broker::cluster

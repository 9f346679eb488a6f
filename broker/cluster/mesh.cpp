// The mesh: connectors and links (who is up), route sync (what each peer holds), and
// forwarding (one frame per peer with matching routes, never one per remote subscriber).
#include "cluster/mesh.hpp"

#include "log/log.hpp"

#include <emqx/mqtt/topic.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <random>

namespace emqx::broker::cluster {

namespace asio = boost::asio;

namespace {

constexpr std::chrono::milliseconds max_backoff{5000};

/// "host:port" split at the last colon; nullopt when there is no port.
std::optional<std::pair<std::string, std::string>> split_address(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon + 1 == address.size()) {
        return std::nullopt;
    }
    return std::pair{address.substr(0, colon), address.substr(colon + 1)};
}

std::chrono::milliseconds jittered(std::chrono::milliseconds d) {
    static std::minstd_rand random{std::random_device{}()};
    std::uniform_int_distribution<long> spread{0, d.count() / 4 + 1};
    return d + std::chrono::milliseconds{spread(random)};
}

// The engine's clock is steady; claims travel between nodes as wall-clock time, which nodes
// share (to NTP precision) while their steady clocks do not.
time_point steady_of(std::uint64_t wall_us) {
    const std::chrono::system_clock::time_point wall{std::chrono::microseconds{wall_us}};
    return clock::now() - std::chrono::duration_cast<clock::duration>(
                              std::chrono::system_clock::now() - wall);
}

} // namespace

mesh::mesh(asio::io_context& io, engine& core, mesh_settings settings,
           const asio::ip::tcp::endpoint& endpoint, std::function<void()> flush_clients)
    : io_(io), engine_(core), settings_(std::move(settings)), acceptor_(io, endpoint),
      discovery_timer_(io), flush_clients_(std::move(flush_clients)) {}

mesh::~mesh() = default;

asio::ip::tcp::endpoint mesh::local_endpoint() const { return acceptor_.local_endpoint(); }

void mesh::set_advertised(std::string cluster, std::string mqtt, std::string http) {
    settings_.self.cluster = std::move(cluster);
    settings_.self.mqtt = std::move(mqtt);
    settings_.self.http = std::move(http);
}

void mesh::start() {
    engine_.set_cluster(this);
    engine_.set_assigned_id_prefix("emqxd-" + settings_.self.node_id + "-");
    do_accept();
    for (const auto& address : settings_.peers) {
        ensure_connector(address).configured = true;
    }
    if (!settings_.discovery.empty()) {
        resolve_discovery();
    }
}

void mesh::stop() {
    stopping_ = true;
    engine_.set_cluster(nullptr);
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    discovery_timer_.cancel();
    for (auto& [address, c] : connectors_) {
        if (c.timer) {
            c.timer->cancel();
        }
        if (c.dialing) {
            c.dialing->close("this node is stopping");
        }
    }
    auto links = handshaking_;
    for (auto& l : links) {
        l->close("this node is stopping");
    }
    std::vector<std::shared_ptr<link>> live;
    for (auto& [id, p] : up_) {
        live.push_back(p.l);
    }
    for (auto& l : live) {
        l->close("this node is stopping");
    }
}

// ---- connections ---------------------------------------------------------------------------

void mesh::do_accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, asio::ip::tcp::socket s) {
        if (ec) {
            if (ec != asio::error::operation_aborted && !stopping_) {
                // Out of descriptors, typically: pause rather than spin on a failing accept.
                log::write(log::level::warn, "cluster", "accept failed", {{"error", ec.message()}});
                auto retry = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds{100});
                retry->async_wait([this, retry](const boost::system::error_code& e) {
                    if (!e && !stopping_) {
                        do_accept();
                    }
                });
            }
            return;
        }
        auto l = std::make_shared<link>(std::move(s), settings_.self, *this, false);
        handshaking_.push_back(l);
        l->start();
        do_accept();
    });
}

mesh::connector& mesh::ensure_connector(const std::string& address) {
    auto [it, added] = connectors_.try_emplace(address);
    connector& c = it->second;
    if (added) {
        c.address = address;
        c.timer = std::make_unique<asio::steady_timer>(io_);
        c.self = address == settings_.self.cluster;
        if (!c.self) {
            dial(c);
        }
    }
    return c;
}

void mesh::schedule_dial(connector& c, std::chrono::milliseconds after) {
    c.timer->expires_after(jittered(after));
    c.timer->async_wait([this, address = c.address](const boost::system::error_code& ec) {
        if (ec || stopping_) {
            return;
        }
        const auto it = connectors_.find(address);
        if (it != connectors_.end()) {
            dial(it->second);
        }
    });
}

void mesh::dial(connector& c) {
    if (stopping_ || c.self || c.dialing) {
        return;
    }
    // A node already linked (it dialled us) needs no second link; look again later, unless
    // it is linked at another address: then this one is stale.
    if (const auto it = up_.find(c.node_id); !c.node_id.empty() && it != up_.end()) {
        const std::string& linked_at = it->second.l->peer().cluster;
        if (!c.configured && !linked_at.empty() && linked_at != c.address) {
            const std::string address = c.address;
            connectors_.erase(address);
            return;
        }
        schedule_dial(c, settings_.self.heartbeat_interval);
        return;
    }
    const auto parts = split_address(c.address);
    if (!parts) {
        c.state = "down";
        c.error = "not a host:port address";
        c.attempted = true;
        return;
    }
    c.state = c.state == "up" ? "connecting" : c.state;
    auto resolver = std::make_shared<asio::ip::tcp::resolver>(io_);
    auto socket = std::make_shared<asio::ip::tcp::socket>(io_);
    resolver->async_resolve(
        parts->first, parts->second,
        [this, resolver, socket, address = c.address](
            const boost::system::error_code& ec, const asio::ip::tcp::resolver::results_type& r) {
            const auto it = connectors_.find(address);
            if (it == connectors_.end() || stopping_) {
                return;
            }
            connector& cn = it->second;
            if (ec) {
                cn.state = "down";
                cn.error = "cannot resolve: " + ec.message();
                cn.attempted = true;
                cn.backoff = std::min(cn.backoff * 2, max_backoff);
                schedule_dial(cn, cn.backoff);
                return;
            }
            asio::async_connect(*socket, r, [this, socket, address](
                                                const boost::system::error_code& e,
                                                const asio::ip::tcp::endpoint&) {
                const auto found = connectors_.find(address);
                if (found == connectors_.end() || stopping_) {
                    return;
                }
                connector& con = found->second;
                if (e) {
                    if (con.state != "refused") {
                        con.state = "down";
                        con.error = e.message();
                    }
                    con.attempted = true;
                    con.backoff = std::min(con.backoff * 2, max_backoff);
                    schedule_dial(con, con.backoff);
                    return;
                }
                con.dialing = std::make_shared<link>(std::move(*socket), settings_.self, *this, true);
                con.dialing->start();
            });
        });
}

void mesh::resolve_discovery() {
    std::string host = settings_.discovery;
    std::string port = split_address(settings_.self.cluster).value_or(std::pair{"", "8081"}).second;
    if (const auto parts = split_address(settings_.discovery)) {
        host = parts->first;
        port = parts->second;
    }
    auto resolver = std::make_shared<asio::ip::tcp::resolver>(io_);
    resolver->async_resolve(host, port, [this, resolver](
                                            const boost::system::error_code& ec,
                                            const asio::ip::tcp::resolver::results_type& r) {
        if (stopping_) {
            return;
        }
        if (ec) {
            log::write(log::level::warn, "cluster", "discovery failed",
                       {{"name", settings_.discovery}, {"error", ec.message()}});
        } else {
            for (const auto& entry : r) {
                const auto e = entry.endpoint();
                ensure_connector(e.address().to_string() + ":" + std::to_string(e.port()))
                    .configured = true;
            }
        }
        discovery_timer_.expires_after(settings_.discovery_interval);
        discovery_timer_.async_wait([this](const boost::system::error_code& e) {
            if (!e && !stopping_) {
                resolve_discovery();
            }
        });
    });
}

mesh::live_peer* mesh::peer_of(const std::shared_ptr<link>& l) {
    const auto it = up_.find(l->peer().node_id);
    return it != up_.end() && it->second.l == l ? &it->second : nullptr;
}

void mesh::on_link_up(const std::shared_ptr<link>& l) {
    std::erase(handshaking_, l);
    const hello& h = l->peer();
    // Both nodes may dial each other at once: keep the link dialled by the smaller node id,
    // a rule both ends compute alike, and close the other.
    if (const auto it = up_.find(h.node_id); it != up_.end()) {
        const auto dialer = [&](const link& x) {
            return x.outbound() ? settings_.self.node_id : h.node_id;
        };
        if (dialer(*l) >= dialer(*it->second.l)) {
            l->close("duplicate link to " + h.node_id);
            return;
        }
        it->second.l->close("duplicate link to " + h.node_id);
    }
    subscriber_id slot = 0;
    if (!free_slots_.empty()) {
        slot = free_slots_.back();
        free_slots_.pop_back();
    } else {
        slot = static_cast<subscriber_id>(slot_nodes_.size());
        slot_nodes_.emplace_back();
    }
    slot_nodes_[slot] = h.node_id;
    live_peer& p = up_[h.node_id];
    p.l = l;
    p.slot = slot;
    // The address it advertises is where to find it again if the link drops.
    if (!h.cluster.empty()) {
        forget_moved(h.node_id, h.cluster);
        connector& c = ensure_connector(h.cluster);
        c.node_id = h.node_id;
    }
    for (auto& [address, c] : connectors_) {
        if (c.node_id == h.node_id || c.dialing == l) {
            c.node_id = h.node_id;
            c.cluster_id = h.cluster_id;
            c.http = h.http;
            c.mqtt = h.mqtt;
            c.state = "up";
            c.error.clear();
            c.attempted = true;
            c.backoff = std::chrono::milliseconds{200};
        }
    }
    log::write(log::level::info, "cluster", "peer connected",
               {{"node", h.node_id}, {"addr", h.cluster}, {"direction", l->outbound() ? "out" : "in"}});
    refused_inbound_.erase(h.cluster);
    send_full_state(p);
}

void mesh::forget_moved(const std::string& node_id, const std::string& address) {
    for (auto it = connectors_.begin(); it != connectors_.end();) {
        connector& c = it->second;
        if (c.self || c.node_id != node_id || it->first == address) {
            ++it;
        } else if (!c.configured && !c.dialing) {
            it = connectors_.erase(it);
        } else {
            // A configured address its node left is shown as that address, no longer as the
            // node; a learned one still dialling goes when that attempt ends (dial()).
            if (c.configured) {
                c.node_id.clear();
                c.cluster_id.clear();
                c.http.clear();
                c.mqtt.clear();
                c.state = c.state == "up" ? "connecting" : c.state;
            }
            ++it;
        }
    }
}

void mesh::send_full_state(live_peer& p) {
    std::string& out = p.l->out();
    std::vector<std::string> filters;
    filters.reserve(local_filters_.size());
    for (const auto& [filter, count] : local_filters_) {
        filters.push_back(filter);
    }
    encode_list(frame_type::routes_full, filters, out);
    const auto now = clock::now();
    engine_.for_each_retained([&](const message_ptr& m) {
        encode_publish({.msg = m, .normal = false, .store_retained = true,
                        .groups = {}},
                       now, out);
    });
    std::vector<std::string> known;
    for (const auto& [id, other] : up_) {
        if (id != p.l->peer().node_id && !other.l->peer().cluster.empty()) {
            known.push_back(other.l->peer().cluster);
        }
    }
    for (const auto& [address, c] : connectors_) {
        // Configured addresses and linked ones; a learned address that is down is not passed
        // on, so that an address a node has left does not travel round the mesh for ever.
        const bool linked = !c.node_id.empty() && up_.contains(c.node_id);
        if (!c.self && (c.configured || linked) &&
            std::find(known.begin(), known.end(), address) == known.end()) {
            known.push_back(address);
        }
    }
    encode_list(frame_type::peers, known, out);
    p.l->flush();
}

void mesh::on_link_closed(const std::shared_ptr<link>& l, const std::string& reason,
                          bool refused) {
    std::erase(handshaking_, l);
    const hello& h = l->peer();
    const std::string& peer_address = h.cluster.empty() ? l->remote_address() : h.cluster;
    if (refused) {
        ++refused_total_;
        log::write(log::level::warn, "cluster", "peer refused",
                   {{"node", h.node_id}, {"addr", peer_address}, {"reason", reason}});
        if (!l->outbound() && !connectors_.contains(peer_address) &&
            reason.find("self:") == std::string::npos) {
            refused_inbound_[peer_address] = {.node_id = h.node_id, .address = peer_address,
                                         .state = "refused", .cluster_id = h.cluster_id,
                                         .http = h.http, .mqtt = h.mqtt, .last_heartbeat = l->last_heard(),
                                         .route_count = 0, .error = reason};
        }
    }
    const bool was_up = peer_of(l) != nullptr;
    if (!refused && !was_up && !stopping_ && (!l->outbound() || h.node_id.empty())) {
        // Not an emqxd, or one that left mid-handshake: said once, at WARN, with the address.
        log::write(log::level::warn, "cluster", "handshake failed",
                   {{"addr", peer_address}, {"reason", reason}});
    }
    if (live_peer* p = peer_of(l)) {
        for (const auto& filter : p->routes) {
            remote_routes_.unsubscribe(filter, p->slot);
            if (mqtt::is_shared_filter(filter)) {
                std::erase(remote_groups_[filter], p->slot);
            }
        }
        slot_nodes_[p->slot].clear();
        free_slots_.push_back(p->slot);
        up_.erase(h.node_id);
        log::write(log::level::warn, "cluster", "peer disconnected",
                   {{"node", h.node_id}, {"addr", h.cluster}, {"reason", reason}});
    }
    for (auto& [address, c] : connectors_) {
        const bool mine = c.dialing == l;
        const bool its_node = !h.node_id.empty() && c.node_id == h.node_id;
        if (!mine && !its_node) {
            continue;
        }
        if (mine) {
            c.dialing.reset();
            c.attempted = true;
        }
        if (refused && mine && reason.find("self:") != std::string::npos) {
            c.self = true;
            continue;
        }
        if (stopping_) {
            continue;
        }
        if (its_node && up_.contains(h.node_id)) {
            // Another link to the same node is up (a duplicate was closed): look again later,
            // in case that one drops.
            if (mine) {
                schedule_dial(c, settings_.self.heartbeat_interval);
            }
            continue;
        }
        c.state = refused ? "refused" : "down";
        c.error = reason;
        if (!h.cluster_id.empty()) {
            c.cluster_id = h.cluster_id;
        }
        if (!c.dialing) {
            c.backoff = refused ? max_backoff : std::min(c.backoff * 2, max_backoff);
            schedule_dial(c, c.backoff);
        }
    }
}

void mesh::on_link_frame(const std::shared_ptr<link>& l, frame& f) {
    live_peer* p = peer_of(l);
    if (p == nullptr) {
        return; // a duplicate link being closed
    }
    const auto now = clock::now();
    switch (f.type) {
    case frame_type::heartbeat:
        break;
    case frame_type::routes_full: {
        const auto old = p->routes;
        for (const auto& filter : old) {
            remove_route(*p, filter);
        }
        for (auto& filter : f.items) {
            add_route(*p, filter);
        }
        p->synced = true;
        break;
    }
    case frame_type::routes_add:
        for (auto& filter : f.items) {
            add_route(*p, filter);
        }
        break;
    case frame_type::routes_remove:
        for (auto& filter : f.items) {
            remove_route(*p, filter);
        }
        break;
    case frame_type::publish:
        engine_.deliver_remote(f.fwd.msg, f.fwd.normal, f.fwd.groups, f.fwd.store_retained, now);
        clients_dirty_ = true;
        break;
    case frame_type::claim:
        engine_.on_remote_claim(f.text, steady_of(f.claimed_at_us), now);
        clients_dirty_ = true;
        break;
    case frame_type::peers:
        for (const auto& address : f.items) {
            if (address != settings_.self.cluster) {
                ensure_connector(address);
            }
        }
        break;
    default:
        break;
    }
}

void mesh::on_link_read_done() {
    // One flush of the clients' outboxes per read, however many messages it carried.
    if (clients_dirty_) {
        clients_dirty_ = false;
        flush_clients_();
    }
}

} // namespace emqx::broker::cluster

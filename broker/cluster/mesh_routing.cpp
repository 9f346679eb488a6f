// The mesh's routing half (see mesh.hpp): which filters this node announces, which routes its
// peers announced, and where each message published here goes. mesh.cpp holds the links.
#include "cluster/mesh.hpp"

#include <emqx/mqtt/topic.hpp>

#include <boost/asio/post.hpp>

#include <algorithm>
#include <array>

namespace emqx::broker::cluster {

namespace asio = boost::asio;

namespace {

std::string full_group_filter(const share_group& g) {
    return "$share/" + g.group + "/" + g.filter;
}

// The engine's clock is steady; a claim carries wall-clock time, which nodes share.
std::uint64_t wall_us_of(time_point t) {
    const auto wall = std::chrono::system_clock::now() - (clock::now() - t);
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(wall.time_since_epoch()).count());
}

} // namespace

// ---- routes --------------------------------------------------------------------------------

void mesh::add_route(live_peer& p, const std::string& filter) {
    if (!mqtt::is_valid_topic_filter(filter) || !p.routes.insert(filter).second) {
        return;
    }
    remote_routes_.subscribe(filter, {.id = p.slot, .options = {}, .subscription_identifier = 0});
    if (mqtt::is_shared_filter(filter)) {
        remote_groups_[filter].push_back(p.slot);
    }
}

void mesh::remove_route(live_peer& p, const std::string& filter) {
    if (p.routes.erase(filter) == 0) {
        return;
    }
    remote_routes_.unsubscribe(filter, p.slot);
    if (const auto it = remote_groups_.find(filter); it != remote_groups_.end()) {
        std::erase(it->second, p.slot);
        if (it->second.empty()) {
            remote_groups_.erase(it);
        }
    }
}

void mesh::on_subscribed(std::string_view filter) {
    auto [it, added] = local_filters_.try_emplace(std::string{filter}, 0);
    if (++it->second == 1) {
        pending_remove_.erase(it->first);
        pending_add_.insert(it->first);
        schedule_route_flush();
    }
}

void mesh::on_unsubscribed(std::string_view filter) {
    const auto it = local_filters_.find(std::string{filter});
    if (it == local_filters_.end() || --it->second > 0) {
        return;
    }
    pending_add_.erase(it->first);
    pending_remove_.insert(it->first);
    local_filters_.erase(it);
    schedule_route_flush();
}

void mesh::schedule_route_flush() {
    if (!pending_since_) {
        pending_since_ = clock::now();
    }
    if (flush_scheduled_) {
        return;
    }
    // Batched: every change of this event-loop turn goes out in one frame per peer.
    flush_scheduled_ = true;
    asio::post(io_, [this] { flush_routes(); });
}

void mesh::flush_routes() {
    flush_scheduled_ = false;
    pending_since_.reset();
    if (pending_add_.empty() && pending_remove_.empty()) {
        return;
    }
    const std::vector<std::string> added{pending_add_.begin(), pending_add_.end()};
    const std::vector<std::string> removed{pending_remove_.begin(), pending_remove_.end()};
    pending_add_.clear();
    pending_remove_.clear();
    for (auto& [id, p] : up_) {
        if (!added.empty()) {
            encode_list(frame_type::routes_add, added, p.l->out());
        }
        if (!removed.empty()) {
            encode_list(frame_type::routes_remove, removed, p.l->out());
        }
        p.l->flush();
    }
}

double mesh::route_sync_lag_seconds() const {
    if (!pending_since_) {
        return 0;
    }
    return std::chrono::duration<double>(clock::now() - *pending_since_).count();
}

// ---- forwarding ----------------------------------------------------------------------------

bool mesh::keep_group(const share_group& group) {
    if (up_.empty()) {
        return true;
    }
    std::string full = full_group_filter(group);
    const auto remote = remote_groups_.find(full);
    if (remote == remote_groups_.end() || remote->second.empty()) {
        return true;
    }
    // Round robin over this node and every node holding the group: once per message across
    // the cluster.
    const std::size_t candidates = remote->second.size() + 1;
    const std::size_t pick = group_cursor_[full]++ % candidates;
    decided_.push_back(full);
    if (pick == 0) {
        return true;
    }
    target_for(remote->second[pick - 1]).groups.push_back(std::move(full));
    return false;
}

mesh::target& mesh::target_for(subscriber_id slot) {
    const auto t = std::find_if(targets_.begin(), targets_.end(),
                                [slot](const target& x) { return x.slot == slot; });
    if (t != targets_.end()) {
        return *t;
    }
    targets_.push_back({.slot = slot, .normal = false, .groups = {}});
    return targets_.back();
}

void mesh::on_retained(const message_ptr& msg, time_point) { pending_retained_ = msg; }

std::size_t mesh::forward(const message_ptr& msg, time_point now) {
    if (!up_.empty()) {
        remote_routes_.match(msg->topic, remote_match_);
        for (const subscriber_entry* e : remote_match_.subscribers) {
            target_for(e->id).normal = true;
        }
        for (share_group* g : remote_match_.groups) {
            std::string full = full_group_filter(*g);
            if (std::find(decided_.begin(), decided_.end(), full) != decided_.end() ||
                g->members.empty()) {
                continue;
            }
            // No member here (else keep_group decided it): one of the holding nodes.
            const subscriber_entry& member = g->members[g->cursor++ % g->members.size()];
            target_for(member.id).groups.push_back(std::move(full));
        }
    }
    const bool store = pending_retained_ == msg;
    // A frame without groups is the same for every node it goes to: encoded once (per value
    // of `normal`) into the first peer's buffer and copied from there to the others. The
    // buffers are written later in this turn (flush_soon), so the bytes stay where they are.
    struct encoded_frame {
        const std::string* in = nullptr;
        std::size_t at = 0;
        std::size_t size = 0;
    };
    std::array<encoded_frame, 2> encoded{};
    const auto append = [&](std::string& out, bool normal, std::vector<std::string> groups) {
        if (!groups.empty()) {
            encode_publish({.msg = msg, .normal = normal, .store_retained = store,
                            .groups = std::move(groups)},
                           now, out);
            return;
        }
        encoded_frame& e = encoded[normal ? 1 : 0];
        if (e.in != nullptr) {
            out.append(*e.in, e.at, e.size);
            return;
        }
        const std::size_t at = out.size();
        encode_publish({.msg = msg, .normal = normal, .store_retained = store, .groups = {}},
                       now, out);
        e = {.in = &out, .at = at, .size = out.size() - at};
    };
    std::size_t sent = 0;
    for (target& t : targets_) {
        const auto it = up_.find(slot_nodes_[t.slot]);
        if (it == up_.end()) {
            continue;
        }
        append(it->second.l->out(), t.normal, std::move(t.groups));
        it->second.l->flush_soon();
        ++sent;
    }
    if (store) {
        // Retained messages reach every node, subscribers or not.
        for (auto& [id, p] : up_) {
            const bool done = std::any_of(targets_.begin(), targets_.end(),
                                          [&](const target& t) { return t.slot == p.slot; });
            if (!done) {
                append(p.l->out(), false, {});
                p.l->flush_soon();
            }
        }
        pending_retained_.reset();
    }
    forwarded_total_ += sent;
    targets_.clear();
    decided_.clear();
    return sent;
}

void mesh::on_client_connected(std::string_view client_id, time_point opened_at) {
    if (up_.empty()) {
        return;
    }
    const std::uint64_t opened_us = wall_us_of(opened_at);
    for (auto& [id, p] : up_) {
        encode_claim(client_id, opened_us, p.l->out());
        p.l->flush_soon();
    }
}

// ---- observation ---------------------------------------------------------------------------

std::vector<peer_view> mesh::peers() const {
    std::vector<peer_view> out;
    for (const auto& [address, c] : connectors_) {
        if (c.self) {
            continue;
        }
        peer_view v{.node_id = c.node_id, .address = address, .state = c.state,
                    .cluster_id = c.cluster_id, .http = c.http, .mqtt = c.mqtt,
                    .last_heartbeat = std::nullopt, .route_count = 0, .error = c.error};
        if (const auto it = up_.find(c.node_id); !c.node_id.empty() && it != up_.end()) {
            v.state = "up";
            v.error.clear();
            v.last_heartbeat = it->second.l->last_heard();
            v.route_count = it->second.routes.size();
        } else if (v.state == "up") {
            v.state = "connecting";
        }
        out.push_back(std::move(v));
    }
    for (const auto& [address, v] : refused_inbound_) {
        out.push_back(v);
    }
    return out;
}

std::vector<std::string> mesh::not_ready_reasons() const {
    std::vector<std::string> reasons;
    for (const auto& [address, c] : connectors_) {
        if (c.self) {
            continue;
        }
        if (!c.attempted) {
            reasons.push_back("cluster: first connection to " + address + " under way");
        }
    }
    for (const auto& [id, p] : up_) {
        if (!p.synced) {
            reasons.push_back("cluster: route sync with " + id + " under way");
        }
    }
    return reasons;
}

void mesh::for_each_remote_route(
    const std::function<void(std::string_view, std::string_view)>& f) const {
    for (const auto& [id, p] : up_) {
        for (const auto& filter : p.routes) {
            f(filter, id);
        }
    }
}

} // namespace emqx::broker::cluster

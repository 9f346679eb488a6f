// What the engine tells the cluster, and asks it, while it routes: an interface so that the
// engine stays free of sockets and a single node pays nothing (no hooks set, no calls).
#pragma once

#include "engine/message.hpp"
#include "router/subscription_tree.hpp"

#include <cstddef>
#include <string_view>

namespace emqx::broker::cluster {

class hooks {
public:
    virtual ~hooks() = default;

    /// A local session subscribed to `filter` (a new subscription) / dropped it.
    virtual void on_subscribed(std::string_view filter) = 0;
    virtual void on_unsubscribed(std::string_view filter) = 0;

    /// While routing a message published on this node: does this matching shared group get
    /// it here (true), or has the cluster given it to a member on another node (false)? Asked
    /// once per locally matching group, before forward().
    virtual bool keep_group(const share_group& group) = 0;

    /// After local routing of a message published on this node: sends it to the peers that
    /// hold matching routes. Returns how many peers it went to.
    virtual std::size_t forward(const message_ptr& msg, time_point now) = 0;

    /// A retained message was set or cleared here by a local publisher.
    virtual void on_retained(const message_ptr& msg, time_point now) = 0;

    /// A client connected here, on a connection opened at `opened_at`: any connection with
    /// this id elsewhere opened before it is to be taken over.
    virtual void on_client_connected(std::string_view client_id, time_point opened_at) = 0;
};

} // namespace emqx::broker::cluster

// The status_source callbacks that read the engine: counts, counters, connected clients and
// the topic filters held. A template so that it asks of the engine only the read-only
// accessors it uses (and tests can hand it a stand-in).
#pragma once

#include "engine/clock.hpp"
#include "engine/session.hpp"
#include "http/status_source.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace emqx::broker::http {

/// `c` as /api/v1/clients shows it; the connection time is turned from the engine's steady
/// clock into wall time through the two `now`s. Precondition: c.sess != nullptr.
inline client_info describe_client(const client& c,
                                   time_point steady_now,
                                   std::chrono::system_clock::time_point wall_now) {
    const auto keep_alive = std::chrono::duration_cast<std::chrono::seconds>(c.keep_alive);
    return client_info{
        .client_id = c.sess->client_id,
        .peer = c.peer,
        .version = c.version,
        .keepalive_seconds = static_cast<std::uint32_t>(keep_alive.count()),
        .connected_at = wall_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                       steady_now - c.opened_at),
        .subscriptions = c.sess->subscriptions.size(),
        .inflight = c.sess->inflight.size(),
        .queued = c.sess->queue.size()};
}

/// counts, stats, for_each_client and for_each_route, read from `core`, which must outlive
/// the returned callbacks. The caller fills listeners, ready, config_yaml and cluster.
/// Engine needs: connection_count(), session_count(), subscription_count(), retained_count(),
/// stats(), for_each_connected_client(f(const client&)), and subscriptions() returning the
/// subscription_tree (for_each_filter).
template <typename Engine>
status_source engine_source(const Engine& core) {
    status_source s;
    s.counts = [&core] {
        return node_counts{.connections = core.connection_count(),
                           .sessions = core.session_count(),
                           .subscriptions = core.subscription_count(),
                           .retained_messages = core.retained_count()};
    };
    s.stats = [&core] { return core.stats(); };
    s.for_each_client = [&core](const client_visitor& visit) {
        const auto steady_now = clock::now();
        const auto wall_now = std::chrono::system_clock::now();
        core.for_each_connected_client([&](const client& c) {
            if (c.sess != nullptr) {
                visit(describe_client(c, steady_now, wall_now));
            }
        });
    };
    s.for_each_route = [&core](const route_visitor& visit) {
        core.subscriptions().for_each_filter(
            [&](std::string_view filter, std::size_t count) { visit(filter, count); });
    };
    return s;
}

} // namespace emqx::broker::http

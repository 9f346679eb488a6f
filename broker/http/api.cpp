// The /api/v1/* paths: JSON views of the node for emqxctl and operators (DESIGN.md section 5).
#include "http/query.hpp"
#include "http/responses.hpp"
#include "http/router.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <utility>
#include <vector>

namespace emqx::broker::http {

namespace {

using beast_http::status;
using nlohmann::json;

/// `2026-11-22T08:15:30.123Z`, the timestamp form of the logs (DESIGN.md section 7).
std::string utc_timestamp(std::chrono::system_clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
    const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
    std::tm tm{};
    ::gmtime_r(&seconds, &tm);
    char buffer[40];
    const auto n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
    const auto millis = static_cast<int>(ms.count() % 1000);
    std::snprintf(buffer + n, sizeof buffer - n, ".%03dZ", millis < 0 ? 0 : millis);
    return buffer;
}

json client_json(const client_info& c) {
    return {{"client_id", c.client_id},
            {"peer", c.peer},
            {"version", mqtt::protocol_version_name(c.version)},
            {"keepalive", c.keepalive_seconds},
            {"connected_at", utc_timestamp(c.connected_at)},
            {"subscriptions", c.subscriptions},
            {"inflight", c.inflight},
            {"queued", c.queued}};
}

json page_json(const paging& p, std::uint64_t total) {
    return {{"page", p.page}, {"limit", p.limit}, {"total", total}};
}

} // namespace

response router::get_status(std::string_view) const {
    json listeners = json::array();
    if (source_.listeners) {
        for (const auto& l : source_.listeners()) {
            listeners.push_back({{"name", l.name}, {"address", l.address}, {"port", l.port}});
        }
    }
    const node_counts n = counts();
    return detail::json_response(status::ok,
                                 {{"node_id", node_.node_id},
                                  {"version", node_.version},
                                  {"pid", ::getpid()},
                                  {"uptime_seconds", uptime_seconds()},
                                  {"started_at", utc_timestamp(node_.started_wall)},
                                  {"cluster_id", node_.cluster_id},
                                  {"listeners", std::move(listeners)},
                                  {"counts",
                                   {{"connections", n.connections},
                                    {"sessions", n.sessions},
                                    {"subscriptions", n.subscriptions},
                                    {"retained_messages", n.retained_messages}}}});
}

response router::get_cluster(std::string_view) const {
    std::size_t routes = 0;
    if (source_.for_each_route) {
        source_.for_each_route([&](std::string_view, std::size_t) { ++routes; });
    }
    const cluster_figures cluster = source_.cluster ? source_.cluster() : cluster_figures{};
    json peers = json::array();
    if (source_.peers) {
        for (const peer_info& p : source_.peers()) {
            peers.push_back({{"node_id", p.node_id},
                             {"address", p.address},
                             {"state", p.state},
                             {"cluster_id", p.cluster_id},
                             {"http", p.http},
                             {"mqtt", p.mqtt},
                             {"last_heartbeat", p.last_heartbeat
                                                    ? json(utc_timestamp(*p.last_heartbeat))
                                                    : json(nullptr)},
                             {"route_count", p.route_count},
                             {"error", p.error}});
        }
    }
    return detail::json_response(status::ok,
                                 {{"node_id", node_.node_id},
                                  {"cluster_id", node_.cluster_id},
                                  {"nodes", cluster.nodes},
                                  {"route_count", routes},
                                  {"peers", std::move(peers)}});
}

response router::get_routes(std::string_view query) const {
    const auto p = parse_paging(query);
    if (!p) {
        return json_error(status::bad_request, "bad_request", p.error());
    }
    // Sorted, so that pages are stable: the subscription index has no order of its own.
    // filter -> (local subscriptions, nodes holding it)
    std::map<std::string, std::pair<std::size_t, std::vector<std::string>>, std::less<>> filters;
    if (source_.for_each_route) {
        source_.for_each_route([&](std::string_view filter, std::size_t subscriptions) {
            auto& entry = filters[std::string{filter}];
            entry.first = subscriptions;
            entry.second.push_back(node_.node_id);
        });
    }
    if (source_.for_each_remote_route) {
        source_.for_each_remote_route([&](std::string_view filter, std::string_view node) {
            filters[std::string{filter}].second.emplace_back(node);
        });
    }
    json routes = json::array();
    const std::uint64_t first = p.value().first();
    std::uint64_t index = 0;
    for (auto& [filter, entry] : filters) {
        if (index >= first && index - first < p.value().limit) {
            std::sort(entry.second.begin(), entry.second.end());
            routes.push_back({{"filter", filter},
                              {"nodes", entry.second},
                              {"subscriptions", entry.first}});
        }
        ++index;
    }
    json body = page_json(p.value(), filters.size());
    body["node_id"] = node_.node_id;
    body["routes"] = std::move(routes);
    return detail::json_response(status::ok, body);
}

response router::get_clients(std::string_view query) const {
    const auto p = parse_paging(query);
    if (!p) {
        return json_error(status::bad_request, "bad_request", p.error());
    }
    json clients = json::array();
    std::uint64_t index = 0;
    const std::uint64_t first = p.value().first();
    if (source_.for_each_client) {
        source_.for_each_client([&](const client_info& c) {
            if (index >= first && clients.size() < p.value().limit) {
                clients.push_back(client_json(c));
            }
            ++index;
        });
    }
    json body = page_json(p.value(), index);
    body["clients"] = std::move(clients);
    return detail::json_response(status::ok, body);
}

response router::get_config(std::string_view query) const {
    if (!source_.config_yaml) {
        return json_error(
            status::service_unavailable, "unavailable", "the configuration is not available");
    }
    std::string yaml = source_.config_yaml();
    // JSON by default (one format for emqxctl); ?format=yaml gives the YAML as it is.
    if (query_value(query, "format") == "yaml") {
        return detail::text_response(
            status::ok, std::move(yaml), "application/yaml; charset=utf-8");
    }
    return detail::json_response(status::ok, {{"format", "yaml"}, {"config", std::move(yaml)}});
}

} // namespace emqx::broker::http

// Asking the nodes of a cluster for their view, concurrently and within a time budget (see
// cluster_status.hpp).
#include <emqx/health/cluster_status.hpp>

#include <emqx/client/http.hpp>

#include <algorithm>
#include <functional>
#include <future>

namespace emqx::health {

namespace {

/// The most nodes one status run asks: a bound on what a misbehaving peer list can cost.
constexpr std::size_t max_nodes = 64;

node_answer ask_one(const node_seed& seed, const client::http_options& options) {
    node_answer answer{.seed = seed, .reachable = false, .error = {}, .ready_status = 0,
                       .ready_body = {}, .status = nullptr, .cluster = nullptr};
    const auto ready = client::http_get(seed.http, "/ready", options);
    if (!ready) {
        answer.error = ready.error().message;
        return answer;
    }
    answer.reachable = true;
    answer.ready_status = ready.value().status;
    answer.ready_body = ready.value().body;
    if (auto status = client::get_json(seed.http, "/api/v1/status", options)) {
        answer.status = std::move(status).value();
    } else {
        answer.error = status.error().message;
    }
    if (auto cluster = client::get_json(seed.http, "/api/v1/cluster", options)) {
        answer.cluster = std::move(cluster).value();
    } else if (answer.error.empty()) {
        answer.error = cluster.error().message;
    }
    if (answer.seed.node_id.empty() && answer.status.is_object()) {
        answer.seed.node_id = answer.status.value("node_id", "");
    }
    return answer;
}

std::vector<node_answer> ask_all(const std::vector<node_seed>& seeds,
                                 const client::http_options& options) {
    std::vector<std::future<node_answer>> pending;
    for (const auto& seed : seeds) {
        pending.push_back(std::async(std::launch::async, ask_one, seed, std::cref(options)));
    }
    std::vector<node_answer> answers;
    for (auto& p : pending) {
        answers.push_back(p.get());
    }
    return answers;
}

/// Peers the answers name with an HTTP address that no seed has.
std::vector<node_seed> discovered(const std::vector<node_answer>& answers) {
    std::vector<node_seed> found;
    const auto known = [&](const client::host_port& http) {
        const auto same = [&](const auto& x) { return x.seed.http == http; };
        return std::any_of(answers.begin(), answers.end(), same) ||
               std::any_of(found.begin(), found.end(), [&](const node_seed& s) { return s.http == http; });
    };
    for (const auto& answer : answers) {
        if (!answer.cluster.is_object() || !answer.cluster.contains("peers") ||
            !answer.cluster["peers"].is_array()) {
            continue;
        }
        for (const auto& peer : answer.cluster["peers"]) {
            if (!peer.is_object() || !peer.value("http", std::string{}).size()) {
                continue;
            }
            auto http = client::parse_host_port(peer.value("http", ""), client::default_http_port);
            if (http && !known(http.value()) && answers.size() + found.size() < max_nodes) {
                found.push_back(node_seed{.node_id = peer.value("node_id", ""), .http = http.value(),
                                          .mqtt = peer.value("mqtt", ""),
                                          .cluster = peer.value("address", ""), .pid = 0});
            }
        }
    }
    return found;
}

} // namespace

std::vector<node_answer> ask_nodes(const std::vector<node_seed>& seeds,
                                   const client::http_options& options) {
    std::vector<node_seed> first{seeds.begin(),
                                 seeds.begin() + static_cast<std::ptrdiff_t>(std::min(seeds.size(), max_nodes))};
    auto answers = ask_all(first, options);
    auto more = ask_all(discovered(answers), options);
    answers.insert(answers.end(), std::make_move_iterator(more.begin()),
                   std::make_move_iterator(more.end()));
    return answers;
}

} // namespace emqx::health

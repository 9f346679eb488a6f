// `cluster stop`: SIGTERM every node of a local cluster by its PID file, SIGKILL what outlives
// the timeout, and never signal a PID that no longer belongs to an emqxd (see cluster_start.hpp).
#include <emqx/health/cluster_process.hpp>
#include <emqx/health/cluster_start.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <system_error>
#include <thread>

namespace emqx::health {

namespace {

using clock_type = std::chrono::steady_clock;

struct target {
    std::string node_id;
    std::filesystem::path pid_file;
    std::optional<int> pid;
};

/// The nodes to stop: those of the cluster file, plus any DIR/node*.pid it does not list.
std::vector<target> targets_in(const std::filesystem::path& dir, const expected<cluster_file, std::string>& file) {
    std::vector<target> targets;
    if (file) {
        for (const auto& node : file.value().nodes) {
            targets.push_back({node.node_id, node.pid_file, read_pid_file(node.pid_file)});
        }
    }
    std::error_code error;
    std::vector<std::filesystem::path> extra;
    for (std::filesystem::directory_iterator it{dir, error}, end; !error && it != end;
         it.increment(error)) {
        const auto name = it->path().filename().string();
        const bool listed = std::any_of(targets.begin(), targets.end(),
                                        [&](const target& t) { return t.pid_file == it->path(); });
        if (name.starts_with("node") && name.ends_with(".pid") && !listed) {
            extra.push_back(it->path());
        }
    }
    std::sort(extra.begin(), extra.end());
    for (const auto& path : extra) {
        targets.push_back({path.stem().string(), path, read_pid_file(path)});
    }
    return targets;
}

/// Sends SIGTERM where it is safe to; the outcome of the nodes that need no waiting.
std::optional<stop_outcome> terminate(const target& t) {
    stop_outcome outcome{.node_id = t.node_id, .pid = t.pid.value_or(0),
                         .action = stop_action::not_running, .detail = {}};
    if (!t.pid || !process_alive(*t.pid)) {
        outcome.detail = t.pid ? "PID " + std::to_string(*t.pid) + " had already exited" : "no PID file: already stopped";
        return outcome;
    }
    if (!is_emqxd(*t.pid)) {
        outcome.action = stop_action::not_emqxd;
        outcome.detail = "PID " + std::to_string(*t.pid) +
                         " is no longer an emqxd (the node stopped earlier): left alone";
        return outcome;
    }
    if (::kill(*t.pid, SIGTERM) != 0) {
        outcome.action = stop_action::failed;
        outcome.detail = std::string{"cannot signal it: "} + std::strerror(errno);
        return outcome;
    }
    return std::nullopt;
}

stop_outcome finish(const target& t, clock_type::time_point deadline) {
    stop_outcome outcome{.node_id = t.node_id, .pid = *t.pid, .action = stop_action::terminated,
                         .detail = "stopped by SIGTERM"};
    while (process_alive(*t.pid) && clock_type::now() < deadline) {
        (void)child_exit(*t.pid);
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    if (!process_alive(*t.pid)) {
        return outcome;
    }
    ::kill(*t.pid, SIGKILL);
    const auto kill_deadline = clock_type::now() + std::chrono::seconds{2};
    while (process_alive(*t.pid) && clock_type::now() < kill_deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    outcome.action = process_alive(*t.pid) ? stop_action::failed : stop_action::killed;
    outcome.detail = outcome.action == stop_action::killed
                         ? "did not stop on SIGTERM in time: killed by SIGKILL"
                         : "survived SIGKILL";
    return outcome;
}

} // namespace

std::string_view to_string(stop_action action) noexcept {
    switch (action) {
    case stop_action::terminated:
        return "stopped";
    case stop_action::killed:
        return "killed";
    case stop_action::not_running:
        return "not running";
    case stop_action::not_emqxd:
        return "not emqxd";
    case stop_action::failed:
        return "failed";
    }
    return "failed";
}

stop_result stop_cluster(const std::filesystem::path& dir, std::chrono::milliseconds timeout,
                         const progress_callback& progress) {
    stop_result result;
    auto file = read_cluster_file(dir);
    const auto targets = targets_in(dir, file);
    if (targets.empty()) {
        result.message = "no cluster in " + dir.string() + ": nothing to stop";
        return result;
    }
    result.found_cluster = true;
    std::vector<std::optional<stop_outcome>> early;
    for (const auto& t : targets) {
        early.push_back(terminate(t));
        if (!early.back() && progress) {
            progress(t.node_id + ": SIGTERM sent to PID " + std::to_string(*t.pid));
        }
    }
    const auto deadline = clock_type::now() + timeout;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        result.nodes.push_back(early[i] ? *early[i] : finish(targets[i], deadline));
        if (result.nodes.back().action != stop_action::failed) {
            std::error_code ignored;
            std::filesystem::remove(targets[i].pid_file, ignored);
        }
    }
    if (file) {
        for (auto& node : file.value().nodes) {
            const auto it = std::find_if(result.nodes.begin(), result.nodes.end(),
                                         [&](const stop_outcome& o) { return o.node_id == node.node_id; });
            if (it != result.nodes.end() && it->action != stop_action::failed) {
                node.pid = 0;
            }
        }
        (void)write_cluster_file(file.value());
    }
    const bool all_down = std::none_of(result.nodes.begin(), result.nodes.end(),
                                       [](const stop_outcome& o) { return o.action == stop_action::failed; });
    const bool was_stopped = std::all_of(result.nodes.begin(), result.nodes.end(), [](const stop_outcome& o) {
        return o.action == stop_action::not_running || o.action == stop_action::not_emqxd;
    });
    result.message = !all_down     ? "some nodes could not be stopped"
                     : was_stopped ? "the cluster in " + dir.string() + " was already stopped"
                                   : "cluster in " + dir.string() + " stopped";
    return result;
}

} // namespace emqx::health

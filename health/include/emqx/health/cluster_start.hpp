// `emqxctl cluster start` and `cluster stop`: run a local cluster of emqxd nodes from a
// directory that holds their PID files, logs, cookie and the cluster file.
#pragma once

#include <emqx/base/expected.hpp>
#include <emqx/health/cluster_file.hpp>
#include <emqx/health/cluster_plan.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::health {

/// Called with one line of progress ("node2 started, PID 1234"); may be empty.
using progress_callback = std::function<void(std::string_view)>;

/// What `cluster start` waits for before it calls the cluster started.
enum class start_wait {
    links, ///< every /ready is 200 and every node sees every other "up" (the default)
    ready, ///< every /ready is 200
};

struct start_options {
    int nodes = 3;
    std::filesystem::path dir;   ///< created when missing
    std::filesystem::path emqxd; ///< the binary to run
    std::optional<std::uint16_t> base_port; ///< see make_port_plan
    std::string cluster_id = "emqxd";
    start_wait wait = start_wait::links;
    std::chrono::milliseconds timeout{60'000}; ///< for every node to be ready and linked
    progress_callback progress;
};

struct start_result {
    bool ok = false;
    cluster_file file;      ///< what was started (also on failure, for the report)
    std::string error;      ///< why it failed, one paragraph
    std::string failed_node; ///< the node that failed, when one did
    std::string log_tail;   ///< the last lines of that node's log
    std::vector<node_ports> plan;
    double seconds = 0; ///< from the first spawn to the cluster being up
};

/// Starts the cluster: refuses when a port of the plan is taken (naming it and its holder) or
/// a cluster already runs from `dir`; on any failure midway stops the nodes it started.
[[nodiscard]] start_result start_cluster(const start_options& options);

/// The emqxd to run when none is given: `<dir of self>/../broker/emqxd` when emqxctl runs from
/// a build tree, else `<dir of self>/emqxd` when installed side by side, else the emqxd found in
/// PATH, else plain "emqxd" (which then fails to start, with that name in the error).
[[nodiscard]] std::filesystem::path default_emqxd_path();

/// What `cluster stop` did to one node.
enum class stop_action {
    terminated,  ///< exited after SIGTERM
    killed,      ///< needed SIGKILL after the timeout
    not_running, ///< no such process (already stopped)
    not_emqxd,   ///< the PID now belongs to another program: left alone
    failed,      ///< could not be stopped (permission, or it survived SIGKILL)
};

[[nodiscard]] std::string_view to_string(stop_action action) noexcept;

struct stop_outcome {
    std::string node_id;
    int pid = 0;
    stop_action action = stop_action::not_running;
    std::string detail; ///< one line for people
};

struct stop_result {
    bool found_cluster = false; ///< false: nothing in `dir` to stop
    std::vector<stop_outcome> nodes;
    std::string message;
};

/// Stops every node of the cluster in `dir` (cluster file, else DIR/node*.pid): SIGTERM to each,
/// waits up to `timeout`, SIGKILL to the rest. Removes the PID files and marks the nodes
/// stopped (PID 0) in the cluster file. Stopping a stopped cluster is not an error.
[[nodiscard]] stop_result stop_cluster(const std::filesystem::path& dir,
                                       std::chrono::milliseconds timeout,
                                       const progress_callback& progress = {});

} // namespace emqx::health

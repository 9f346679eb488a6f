// `cluster start`: check the plan's ports, spawn the nodes detached, wait until they are ready
// and linked, and undo everything when any step fails (see cluster_start.hpp).
#include <emqx/health/cluster_process.hpp>
#include <emqx/health/cluster_start.hpp>

#include <emqx/client/http.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <random>
#include <system_error>
#include <thread>

#include <unistd.h>

namespace emqx::health {

namespace {

using clock_type = std::chrono::steady_clock;

/// Variables of the old scripts that would override the plan in every node (DESIGN.md 3).
const std::vector<std::string> inherited_overrides{
    "NODE_ID",        "MQTT_PORT",  "CLUSTER_PORT", "GRPC_PORT",    "METRICS_PORT",
    "DASHBOARD_PORT", "PEER_NODES", "EMQXD_CONFIG", "EMQXD_COOKIE",
};

void say(const start_options& options, const std::string& line) {
    if (options.progress) {
        options.progress(line);
    }
}

std::string make_cookie() {
    std::random_device random;
    constexpr std::string_view digits = "0123456789abcdef";
    std::string cookie;
    for (int i = 0; i < 32; ++i) {
        cookie += digits[random() % digits.size()];
    }
    return cookie;
}

/// The cookie of DIR/cookie when it holds one (a restarted cluster keeps its secret), else a
/// new one written there with mode 0600.
expected<std::string, std::string> load_or_make_cookie(const std::filesystem::path& dir) {
    const auto file = dir / "cookie";
    std::string cookie = log_tail(file, 1);
    while (!cookie.empty() && (cookie.back() == '\n' || cookie.back() == '\r')) {
        cookie.pop_back();
    }
    if (cookie.size() < 16 || cookie.find_first_of("\"\\ ") != std::string::npos) {
        cookie = make_cookie();
    }
    auto written = write_private_file(file, cookie + "\n");
    if (!written) {
        return unexpected{written.error()};
    }
    return cookie;
}

/// Refuses to start over a cluster that still runs from `dir`.
std::optional<std::string> running_cluster(const std::filesystem::path& dir) {
    const auto file = read_cluster_file(dir);
    if (!file) {
        return std::nullopt;
    }
    for (const auto& node : file.value().nodes) {
        if (node.pid > 0 && is_emqxd(node.pid)) {
            return "a cluster already runs from " + dir.string() + " (" + node.node_id + ", PID " +
                   std::to_string(node.pid) + "); run `emqxctl cluster stop --dir " +
                   dir.string() + "` first";
        }
    }
    return std::nullopt;
}

std::vector<std::string> taken_ports(const std::vector<node_ports>& plan) {
    std::vector<std::string> taken;
    for (const auto& node : plan) {
        for (const auto& [port, what] : {std::pair{node.mqtt, "mqtt"},
                                         std::pair{node.cluster, "cluster"},
                                         std::pair{node.http, "http"}}) {
            if (!port_is_free(port)) {
                taken.push_back(describe_taken_port(port, node.node_id + " " + what));
            }
        }
    }
    return taken;
}

std::vector<std::string> node_argv(const start_options& options, const node_ports& node,
                                   const std::filesystem::path& log) {
    return {options.emqxd.string(), "--node-id",    node.node_id,
            "--mqtt",               loopback(node.mqtt),
            "--http",               loopback(node.http),
            "--cluster",            loopback(node.cluster),
            "--log-file",           log.string()};
}

/// Whether one node is where `wait` wants it; `reason` says what it still lacks.
bool node_is_up(const node_ports& node, std::size_t nodes, start_wait wait, std::string& reason) {
    const client::host_port http{"127.0.0.1", node.http};
    const client::http_options quick{.timeout = std::chrono::milliseconds{1000}, .bearer_token = {}};
    const auto ready = client::http_get(http, "/ready", quick);
    if (!ready) {
        reason = ready.error().message;
        return false;
    }
    if (ready.value().status != 200) {
        reason = "/ready answers " + std::to_string(ready.value().status) + ": " + ready.value().body;
        return false;
    }
    if (wait == start_wait::ready || nodes == 1) {
        return true;
    }
    const auto view = client::get_json(http, "/api/v1/cluster", quick);
    if (!view) {
        reason = view.error().message;
        return false;
    }
    std::size_t up = 0;
    if (const auto peers = view.value().find("peers"); peers != view.value().end() && peers->is_array()) {
        for (const auto& peer : *peers) {
            if (peer.is_object() && peer.value("state", "") == "up") {
                ++up;
            }
        }
    }
    reason = "sees " + std::to_string(up) + " of " + std::to_string(nodes - 1) + " peers up";
    return up + 1 >= nodes;
}

/// Kills what was started (SIGTERM, then SIGKILL) and removes its PID files.
void undo(const start_result& result) {
    for (const auto& node : result.file.nodes) {
        if (node.pid > 0) {
            ::kill(node.pid, SIGTERM);
        }
    }
    const auto deadline = clock_type::now() + std::chrono::seconds{5};
    for (const auto& node : result.file.nodes) {
        while (node.pid > 0 && !child_exit(node.pid) && clock_type::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
        if (node.pid > 0 && process_alive(node.pid)) {
            ::kill(node.pid, SIGKILL);
            (void)child_exit(node.pid);
        }
        std::error_code ignored;
        std::filesystem::remove(node.pid_file, ignored);
    }
    std::error_code ignored;
    std::filesystem::remove(cluster_file_path(result.file.dir), ignored);
}

/// Undoes the start and says why; `node` is the index of the node that failed, if one did.
start_result fail(start_result result, std::string error, std::optional<std::size_t> node = {}) {
    result.error = std::move(error);
    if (node && *node < result.file.nodes.size()) {
        result.failed_node = result.file.nodes[*node].node_id;
        result.log_tail = log_tail(result.file.nodes[*node].log, 10);
    }
    undo(result);
    return result;
}

/// Waits until every node is up; a failure names the node and why.
start_result wait_for_nodes(const start_options& options, start_result result) {
    const auto started = clock_type::now();
    const auto deadline = started + options.timeout;
    std::vector<bool> up(result.plan.size(), false);
    std::vector<std::string> reasons(result.plan.size());
    for (;;) {
        bool all = true;
        for (std::size_t i = 0; i < result.plan.size(); ++i) {
            const auto& node = result.file.nodes[i];
            if (const auto exit = child_exit(node.pid)) {
                std::string why = node.node_id + " " + *exit + " during start-up";
                return fail(std::move(result), std::move(why), i);
            }
            if (!up[i]) {
                up[i] = node_is_up(result.plan[i], result.plan.size(), options.wait, reasons[i]);
                if (up[i]) {
                    say(options, node.node_id + " is " +
                                     (options.wait == start_wait::links ? "ready and linked" : "ready"));
                }
            }
            all = all && up[i];
        }
        if (all) {
            result.seconds = std::chrono::duration<double>(clock_type::now() - started).count();
            result.ok = true;
            return result;
        }
        if (clock_type::now() >= deadline) {
            const auto late =
                static_cast<std::size_t>(std::find(up.begin(), up.end(), false) - up.begin());
            std::string why = result.file.nodes[late].node_id + " was not up within " +
                              std::to_string(options.timeout.count() / 1000) + " s: " + reasons[late];
            return fail(std::move(result), std::move(why), late);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
}

} // namespace

std::filesystem::path default_emqxd_path() {
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        const auto dir = self.parent_path();
        for (const auto& candidate : {dir.parent_path() / "broker" / "emqxd", dir / "emqxd"}) {
            if (::access(candidate.c_str(), X_OK) == 0) {
                return candidate;
            }
        }
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    for (std::size_t start = 0; start <= dirs.size();) {
        const auto end = std::min(dirs.find(':', start), dirs.size());
        const auto candidate = std::filesystem::path{dirs.substr(start, end - start)} / "emqxd";
        if (end > start && ::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        start = end + 1;
    }
    return "emqxd";
}

start_result start_cluster(const start_options& options) {
    start_result result;
    auto plan = make_port_plan(options.nodes, options.base_port);
    if (!plan) {
        result.error = plan.error();
        return result;
    }
    result.plan = std::move(plan).value();
    if (::access(options.emqxd.c_str(), X_OK) != 0) {
        result.error = "cannot run " + options.emqxd.string() +
                       ": not an executable file (give the emqxd binary with --emqxd PATH)";
        return result;
    }
    std::error_code error;
    const auto dir = std::filesystem::absolute(options.dir, error);
    std::filesystem::create_directories(dir / "logs", error);
    if (error) {
        result.error = "cannot create " + (dir / "logs").string() + ": " + error.message();
        return result;
    }
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, error);
    if (auto running = running_cluster(dir)) {
        result.error = *running;
        return result;
    }
    if (const auto taken = taken_ports(result.plan); !taken.empty()) {
        for (const auto& line : taken) {
            result.error += (result.error.empty() ? "" : "\n") + line;
        }
        result.error += "\nstop what holds them, or choose other ports with --base-port";
        return result;
    }
    auto cookie = load_or_make_cookie(dir);
    if (!cookie) {
        result.error = cookie.error();
        return result;
    }
    // The cookie reaches the nodes through a private config file named in the environment,
    // never on a command line that `ps` shows to every user.
    const auto config = dir / "emqxd.yaml";
    auto written = write_private_file(config, "cluster:\n  name: \"" + options.cluster_id +
                                                  "\"\n  cookie: \"" + cookie.value() + "\"\n");
    if (!written) {
        result.error = written.error();
        return result;
    }
    result.file = cluster_file{.dir = dir.string(), .cluster_id = options.cluster_id,
                               .created_at = utc_now(), .nodes = {}};
    for (const auto& node : result.plan) {
        const auto log = dir / "logs" / (node.node_id + ".log");
        const auto pid_file = dir / (node.node_id + ".pid");
        auto pid = spawn_detached(node_argv(options, node, log), inherited_overrides,
                                  {"EMQXD_CONFIG=" + config.string(),
                                   "PEER_NODES=" + peer_list(result.plan, node.index)},
                                  log);
        if (!pid) {
            std::string why = "cannot start " + node.node_id + ": " + pid.error();
            return fail(std::move(result), std::move(why));
        }
        result.file.nodes.push_back(cluster_file_node{
            .node_id = node.node_id, .pid = pid.value(), .mqtt = loopback(node.mqtt),
            .http = loopback(node.http), .cluster = loopback(node.cluster), .log = log.string(),
            .pid_file = pid_file.string()});
        if (auto saved = write_private_file(pid_file, std::to_string(pid.value()) + "\n"); !saved) {
            return fail(std::move(result), saved.error());
        }
        say(options, node.node_id + " started, PID " + std::to_string(pid.value()));
    }
    // Written before waiting, so that `cluster stop` finds the nodes if this is interrupted.
    if (auto saved = write_cluster_file(result.file); !saved) {
        return fail(std::move(result), saved.error());
    }
    return wait_for_nodes(options, std::move(result));
}

} // namespace emqx::health

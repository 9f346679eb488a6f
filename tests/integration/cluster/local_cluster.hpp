// A local cluster for a test: `emqxctl cluster start` in a temporary directory on ports nobody
// uses, always stopped at the end (by `cluster stop`, then by PID if anything survived).
#pragma once

#include "process_guard.hpp"
#include "run_command.hpp"

#include <emqx/health/cluster_file.hpp>
#include <emqx/health/cluster_process.hpp>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

namespace emqx::test {

/// The start of a compact port plan (--base-port) whose 4 * `nodes` ports are free now. Taken
/// below the kernel's ephemeral range (32768-60999), where client connections in TIME_WAIT
/// would otherwise block a listener.
inline std::uint16_t free_base_port(int nodes) {
    std::mt19937 random{std::random_device{}()};
    std::uniform_int_distribution<int> pick{5000, 8000};
    for (int attempt = 0; attempt < 50; ++attempt) {
        const int base = pick(random) * 4;
        bool all_free = true;
        for (int p = base; p < base + 4 * nodes && all_free; ++p) {
            all_free = health::port_is_free(static_cast<std::uint16_t>(p));
        }
        if (all_free) {
            return static_cast<std::uint16_t>(base);
        }
    }
    throw std::runtime_error("free_base_port: no free range of ports found");
}

inline std::string emqxctl(const std::string& arguments) {
    return std::string{EMQXCTL_PATH} + " " + arguments;
}

/// The JSON document a command printed, or null when it printed something else.
inline nlohmann::json json_of(const command_result& r) {
    return nlohmann::json::parse(r.output, nullptr, false);
}

class local_cluster {
public:
    explicit local_cluster(int nodes) : nodes_(nodes), base_port_(free_base_port(nodes)) {}
    ~local_cluster() {
        (void)run_command(emqxctl("cluster stop --timeout 5 " + dir_flag() + " >/dev/null 2>&1"));
        // Whatever survived (a test that broke the cluster file) is stopped by its PID.
        if (const auto file = health::read_cluster_file(dir_.path())) {
            for (const auto& node : file.value().nodes) {
                if (node.pid > 0 && health::is_emqxd(node.pid)) {
                    ::kill(node.pid, SIGKILL);
                }
            }
        }
    }
    local_cluster(const local_cluster&) = delete;
    local_cluster& operator=(const local_cluster&) = delete;

    /// `emqxctl cluster start` with this cluster's directory and ports, plus `extra`.
    command_result start(const std::string& extra = "") {
        return run_command(emqxctl("cluster start --nodes " + std::to_string(nodes_) +
                                   " --emqxd " + EMQXD_PATH + " --base-port " +
                                   std::to_string(base_port_) + " " + dir_flag() + " " + extra +
                                   " 2>&1"));
    }

    /// `emqxctl cluster <command> --dir DIR <extra>`, stdout only.
    command_result run(const std::string& command, const std::string& extra = "") {
        return run_command(emqxctl("cluster " + command + " " + dir_flag() + " " + extra +
                                   " 2>/dev/null"));
    }

    [[nodiscard]] std::string dir_flag() const { return "--dir " + dir_.path().string(); }
    [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
    [[nodiscard]] std::uint16_t base_port() const { return base_port_; }

private:
    temp_dir dir_;
    int nodes_;
    std::uint16_t base_port_;
};

} // namespace emqx::test

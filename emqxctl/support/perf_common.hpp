// What the `emqxctl perf` subcommand files share: the load flags, the broker address, Ctrl-C,
// progress on a terminal, and the results directory.
#pragma once

#include "commands/command.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <emqx/perf/connections.hpp>
#include <emqx/perf/options.hpp>
#include <emqx/perf/report.hpp>
#include <emqx/perf/results_file.hpp>

namespace emqx::ctl::perf_cli {

/// The flags as CLI11 fills them; to_options() turns them into run_options.
struct perf_flags {
    int qos = 0;
    std::size_t size = 64;
    std::uint32_t publishers = 1;
    std::uint32_t subscribers = 1;
    std::uint32_t topics = 1;
    std::uint64_t count = 0;
    double duration = 0.0;
    double rate = 0.0;
    std::uint32_t inflight = 1000;
    std::uint32_t max_unacked = 20;
    double warmup = 1.0;
    std::string mqtt_version = "3.1.1";
    double max_time = 600.0;
    int broker_pid = 0;
    std::string pub_node;
    std::string sub_node;
    std::string out;
    CLI::Option* count_option = nullptr;
    CLI::Option* duration_option = nullptr;
    CLI::Option* broker_pid_option = nullptr;
    CLI::Option* max_time_option = nullptr;
};

/// "host:port", "[v6]:port", "host" or ":port"; nullopt when the port is not a number 1-65535.
[[nodiscard]] std::optional<std::pair<std::string, std::uint16_t>>
parse_address(const std::string& text, std::uint16_t default_port = 1883);

/// --qos, --size, --count, --duration, --rate, --warmup, --mqtt-version, --max-unacked,
/// --max-time, --broker-pid, --pub-node, --sub-node, --out.
void add_common_flags(CLI::App& cmd, perf_flags& f);
/// --publishers, --subscribers, --topics, --inflight.
void add_shape_flags(CLI::App& cmd, perf_flags& f);

/// Turns the flags into run options; a usage error (already printed) gives nullopt.
[[nodiscard]] std::optional<perf::run_options> to_options(const perf_flags& f,
                                                          const global_options& g);

[[nodiscard]] int exit_status_of(perf::verdict v);

/// Set by SIGINT while a run is under way.
[[nodiscard]] const std::atomic<bool>* interrupt_flag();
/// Installs the SIGINT handler for its lifetime (the previous one comes back after).
class interrupt_scope {
public:
    interrupt_scope();
    ~interrupt_scope();
    interrupt_scope(const interrupt_scope&) = delete;
    interrupt_scope& operator=(const interrupt_scope&) = delete;

private:
    void (*previous_)(int);
};

/// One updating line on stderr when stderr is a terminal; nothing otherwise.
[[nodiscard]] std::function<void(const std::string&)> progress_printer();
/// Clears the progress line (when there was one).
void end_progress();

/// The results context of a run against `address` (environment read now, broker version
/// from the first --node's /api/v1/status when given).
[[nodiscard]] perf::results_context context_for(const std::string& address,
                                                const global_options& g);

/// Writes one scenario's document into `dir` as results.json, CSV and report.html; prints
/// where (or why not) on stderr. False when it could not.
bool write_out(const std::string& dir,
               const std::string& scenario,
               const std::string& document,
               const global_options& g);

void register_connections(CLI::App& perf, const global_options& globals, action& selected);
void register_all(CLI::App& perf, const global_options& globals, action& selected);
void register_compare(CLI::App& perf, const global_options& globals, action& selected);

/// Runs the connection ramp with Ctrl-C and progress wired in.
[[nodiscard]] perf::connections_results run_connections_with_progress(perf::connections_options o);

/// Runs one load with Ctrl-C and progress wired in.
[[nodiscard]] perf::run_results run_load(perf::run_options o);

} // namespace emqx::ctl::perf_cli

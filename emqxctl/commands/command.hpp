// What every emqxctl command shares: the global options, the exit statuses, and the way a
// command file registers itself (parsing selects an action; main runs it).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace emqx::ctl {

/// Exit statuses, the same for every command (DESIGN.md section 8).
enum exit_status : int {
    exit_ok = 0,
    exit_warning = 1,
    exit_critical = 2,
    exit_unknown = 3,
    exit_usage = 64,
    exit_internal = 70,
};

enum class output_format { text, json, nagios };

/// Options every command understands (DESIGN.md section 8), filled in by main's parser.
struct global_options {
    std::vector<std::string> nodes; ///< --node HOST:PORT, HTTP address of a node (repeatable)
    std::string mqtt;               ///< --mqtt HOST:PORT, for brokers without our HTTP API
    output_format output = output_format::text;
    double timeout_seconds = 5.0;
    bool no_color = false;
    std::string username;
    std::string password; ///< also from EMQXCTL_PASSWORD; never printed
    std::string token;    ///< --token, also EMQXCTL_TOKEN: bearer token for /api/*; never printed
};

/// The command the parser selected: runs it and returns its exit status.
using action = std::function<int()>;

/// Each command file defines one of these; main.cpp calls them all. `selected` is set by a
/// CLI11 callback when the command is chosen, so that parsing never runs anything.
void register_health(CLI::App& app, const global_options& globals, action& selected);
void register_cluster(CLI::App& app, const global_options& globals, action& selected);
void register_perf(CLI::App& app, const global_options& globals, action& selected);
void register_diag(CLI::App& app, const global_options& globals, action& selected);
void register_log(CLI::App& app, const global_options& globals, action& selected);
/// `emqxctl completion bash|zsh`: prints a completion script generated from `app` itself.
void register_completion(CLI::App& app, const global_options& globals, action& selected);

} // namespace emqx::ctl

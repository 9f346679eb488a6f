// `emqxctl diag collect`: bind the flags, collect the bundle through emqx_diag (the health
// report comes from running this same program's `health -o json`), print its path and size.
#include "commands/command.hpp"

#include <emqx/client/node.hpp>
#include <emqx/diag/analyze.hpp>
#include <emqx/diag/collect.hpp>
#include <emqx/diag/tail.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <unistd.h>

namespace emqx::ctl {

namespace {

struct collect_flags {
    std::string out;
    std::string since = "1d";
    std::string max_log_size = "100M";
    bool no_redact = false;
    std::vector<std::string> log_dirs;
    std::vector<std::string> configs;
    double metrics_interval = 5.0;
    bool no_health = false;
};

std::string self_exe() {
    std::error_code ec;
    const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string{} : path.string();
}

/// The health run: this program, with the same --node options, as a child (emqx_diag must not
/// link emqx_health).
std::vector<std::string> health_command(const global_options& g) {
    const std::string exe = self_exe();
    if (exe.empty()) {
        return {};
    }
    std::vector<std::string> argv{exe, "--no-color", "--timeout", std::to_string(g.timeout_seconds)};
    for (const auto& node : g.nodes) {
        argv.push_back("--node");
        argv.push_back(node);
    }
    argv.insert(argv.end(), {"-o", "json", "health"});
    return argv;
}

/// Config files to take when none is named: $EMQXD_CONFIG, else /etc/emqxd/emqxd.yaml; and
/// the config of the local cluster (it holds the cluster's cookie) when there is one.
std::vector<std::filesystem::path> default_configs() {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    if (const char* env = std::getenv("EMQXD_CONFIG"); env != nullptr && *env != '\0') {
        files.emplace_back(env);
    } else if (std::filesystem::exists("/etc/emqxd/emqxd.yaml", ec)) {
        files.emplace_back("/etc/emqxd/emqxd.yaml");
    }
    const auto local = client::default_cluster_dir() / "emqxd.yaml";
    if (std::filesystem::exists(local, ec)) {
        files.push_back(local);
    }
    return files;
}

int run_collect(const collect_flags& f, const global_options& g) {
    diag::collect_options o;
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (!f.since.empty() && f.since != "all") {
        o.since_ms = diag::parse_time_bound(f.since, now);
        if (!o.since_ms) {
            std::fprintf(stderr, "emqxctl diag collect: --since %s: not a duration (30m, 2h, 1d) or a UTC time\n",
                         f.since.c_str());
            return exit_usage;
        }
    }
    const auto cap = diag::parse_size(f.max_log_size);
    if (!cap) {
        std::fprintf(stderr, "emqxctl diag collect: --max-log-size %s: not a size (100M, 2G, 512K)\n",
                     f.max_log_size.c_str());
        return exit_usage;
    }
    for (const auto& node : g.nodes) {
        if (auto parsed = client::parse_host_port(node, client::default_http_port); !parsed) {
            std::fprintf(stderr, "emqxctl diag collect: --node %s\n", parsed.error().c_str());
            return exit_usage;
        }
    }
    o.max_log_bytes = *cap;
    o.out = f.out;
    o.redact = !f.no_redact;
    o.log_paths = {f.log_dirs.begin(), f.log_dirs.end()};
    for (const auto& log : diag::cluster_log_files(client::default_cluster_dir())) {
        o.log_paths.emplace_back(log);
    }
    o.config_files = f.configs.empty() ? default_configs()
                                       : std::vector<std::filesystem::path>{f.configs.begin(), f.configs.end()};
    o.seeds = client::seed_nodes(g.nodes);
    o.http_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(g.timeout_seconds * 1000));
    o.metrics_interval = std::chrono::milliseconds(static_cast<std::int64_t>(f.metrics_interval * 1000));
    o.bearer_token = g.token;
    if (!f.no_health) {
        o.health_command = health_command(g);
        if (!g.token.empty()) {
            // The health child inherits it: an environment variable, not an argument that
            // `ps` would show.
            ::setenv("EMQXCTL_TOKEN", g.token.c_str(), 1);
        }
    }
    if (::isatty(STDERR_FILENO) == 1) {
        o.progress = [](const std::string& step) { std::fprintf(stderr, "  %s ...\n", step.c_str()); };
    }
    auto result = diag::collect(o);
    if (!result) {
        std::fprintf(stderr, "emqxctl diag collect: %s\n", result.error().c_str());
        return exit_unknown;
    }
    const auto& r = result.value();
    std::printf("%s %llu bytes, %zu files, %zu items not collected (see summary.txt)\n", r.path.c_str(),
                static_cast<unsigned long long>(r.size), r.files, r.missing.size());
    return r.missing.empty() ? exit_ok : exit_warning;
}

} // namespace

void register_diag(CLI::App& app, const global_options& globals, action& selected) {
    auto* diag = app.add_subcommand("diag", "collect a diagnostics bundle");
    diag->require_subcommand(1);
    diag->fallthrough(); // global options (--node, --timeout) may follow the subcommand
    auto f = std::make_shared<collect_flags>();
    auto* cmd = diag->add_subcommand("collect", "gather nodes, host, logs and configs into a redacted .tar.gz");
    cmd->add_option("--out", f->out, "bundle path (default: ./diagnostics-YYYYMMDD-HHMMSS.tar.gz)")
        ->type_name("FILE");
    cmd->add_option("--since", f->since, "log lines from this far back (30m, 2h, 1d), a UTC time, or all")
        ->capture_default_str();
    cmd->add_option("--max-log-size", f->max_log_size, "cap on all logs together; the newest are kept")
        ->type_name("SIZE")
        ->capture_default_str();
    cmd->add_flag("--no-redact", f->no_redact, "keep passwords, tokens and cookies in the bundle");
    cmd->add_option("--log-dir", f->log_dirs, "log file or directory to include (repeatable)")
        ->type_name("DIR")
        ->allow_extra_args(false);
    cmd->add_option("--config", f->configs, "emqxd config file to include (repeatable; default "
                                            "$EMQXD_CONFIG or /etc/emqxd/emqxd.yaml)")
        ->type_name("FILE")
        ->allow_extra_args(false);
    cmd->add_option("--metrics-interval", f->metrics_interval, "seconds between the two /metrics scrapes")
        ->check(CLI::Range(0.0, 600.0))
        ->capture_default_str();
    cmd->add_flag("--no-health", f->no_health, "do not run emqxctl health into the bundle");
    cmd->fallthrough();
    cmd->callback([f, &globals, &selected] { selected = [f, &globals] { return run_collect(*f, globals); }; });
}

} // namespace emqx::ctl

// `emqxctl health`: bind the thresholds to health options, run the checks (once, or every
// --watch seconds), print the report as a table, JSON or a Nagios line, return the worst
// verdict as the exit status.
#include "commands/command.hpp"

#include <emqx/client/json_text.hpp>
#include <emqx/client/node.hpp>
#include <emqx/health/render.hpp>
#include <emqx/health/run.hpp>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>

namespace emqx::ctl {

namespace {

struct health_flags {
    double warn_latency_ms = 200;
    double crit_latency_ms = 1000;
    std::string warn_memory = "2G";
    std::string crit_memory = "0";
    double warn_fds = 80;
    double crit_fds = 95;
    int expect_nodes = 0;
    int mqtt_version = 4;
    double watch_seconds = 0;
    int count = 0;
};

std::atomic<bool> interrupted{false};

extern "C" void emqxctl_health_on_interrupt(int) {
    interrupted = true;
}

/// "2G", "512M", "1048576", "1.5GiB": bytes, with binary K/M/G/T suffixes.
std::optional<std::uint64_t> parse_size(const std::string& text) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || !(value >= 0)) {
        return std::nullopt;
    }
    std::string unit(end);
    if (unit.size() == 3 && unit.substr(1) == "iB") {
        unit.resize(1);
    }
    double factor = 1;
    if (unit == "K" || unit == "k") {
        factor = 1024.0;
    } else if (unit == "M") {
        factor = 1024.0 * 1024;
    } else if (unit == "G") {
        factor = 1024.0 * 1024 * 1024;
    } else if (unit == "T") {
        factor = 1024.0 * 1024 * 1024 * 1024;
    } else if (!unit.empty() && unit != "B") {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(value * factor);
}

int usage(const std::string& message) {
    std::fprintf(stderr, "emqxctl health: %s\n", message.c_str());
    return exit_usage;
}

/// The options of a run, or the exit status of a usage error (already reported).
std::variant<health::options, int> to_options(const health_flags& f, const global_options& g) {
    health::options o;
    for (const auto& node : g.nodes) {
        if (auto parsed = client::parse_host_port(node, client::default_http_port); !parsed) {
            return usage("--node: " + parsed.error());
        }
    }
    if (!g.mqtt.empty()) {
        if (!g.nodes.empty()) {
            return usage("--mqtt checks a broker without our HTTP API: give --node or --mqtt, "
                         "not both");
        }
        auto parsed = client::parse_host_port(g.mqtt, client::default_mqtt_port);
        if (!parsed) {
            return usage("--mqtt: " + parsed.error());
        }
        o.mqtt_only = *parsed;
    } else {
        o.seeds = client::seed_nodes(g.nodes);
    }
    const auto warn_memory = parse_size(f.warn_memory);
    const auto crit_memory = parse_size(f.crit_memory);
    if (!warn_memory || !crit_memory) {
        return usage("--warn-memory/--crit-memory: expected a size such as 2G, 512M or 0");
    }
    if (f.crit_latency_ms < f.warn_latency_ms) {
        return usage("--crit-latency must not be below --warn-latency");
    }
    o.username = g.username;
    o.password = g.password;
    o.bearer_token = g.token;
    o.mqtt_version = f.mqtt_version;
    o.timeout = std::chrono::milliseconds(static_cast<long>(g.timeout_seconds * 1000));
    o.limits.warn_latency = std::chrono::milliseconds(static_cast<long>(f.warn_latency_ms));
    o.limits.crit_latency = std::chrono::milliseconds(static_cast<long>(f.crit_latency_ms));
    o.limits.warn_memory = *warn_memory;
    o.limits.crit_memory = *crit_memory;
    o.limits.warn_fds = f.warn_fds;
    o.limits.crit_fds = f.crit_fds;
    o.limits.expect_nodes = f.expect_nodes;
    return o;
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

void print(const health::report& r, const global_options& g, bool watching) {
    std::string out;
    switch (g.output) {
    case output_format::json:
        // One document per run; under --watch one per line (JSON Lines).
        out = client::json_text(health::render_json(r), watching ? -1 : 2) + "\n";
        break;
    case output_format::nagios: out = health::render_nagios(r) + "\n"; break;
    case output_format::text:
        if (watching) {
            out = "== " + utc_now() + "\n";
        }
        out += health::render_text(r, !g.no_color && ::isatty(STDOUT_FILENO) == 1);
        break;
    }
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
}

/// Sleeps `seconds` in short steps; false when Ctrl-C came meanwhile.
bool pause_unless_interrupted(double seconds) {
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    while (std::chrono::steady_clock::now() < until) {
        if (interrupted) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return !interrupted;
}

int run(const health_flags& f, const global_options& g) {
    auto prepared = to_options(f, g);
    if (const int* status = std::get_if<int>(&prepared)) {
        return *status;
    }
    const auto& o = std::get<health::options>(prepared);
    const bool watching = f.watch_seconds > 0;
    if (watching) {
        std::signal(SIGINT, emqxctl_health_on_interrupt);
        std::signal(SIGTERM, emqxctl_health_on_interrupt);
    }
    int status = exit_ok;
    for (int runs = 1;; ++runs) {
        const auto r = health::run_health(o);
        print(r, g, watching);
        status = health::exit_status_of(r.overall());
        if (!watching || (f.count > 0 && runs >= f.count) ||
            !pause_unless_interrupted(f.watch_seconds)) {
            break;
        }
    }
    return status;
}

} // namespace

void register_health(CLI::App& app, const global_options& globals, action& selected) {
    auto* cmd = app.add_subcommand(
        "health", "check every node of a cluster (or one broker) and report OK/WARNING/CRITICAL");
    cmd->fallthrough();
    auto f = std::make_shared<health_flags>();
    cmd->add_option("--warn-latency",
                    f->warn_latency_ms,
                    "round trip above this many ms is a WARNING (default 200)")
        ->type_name("MS")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--crit-latency",
                    f->crit_latency_ms,
                    "round trip above this many ms is CRITICAL (default 1000)")
        ->type_name("MS")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--warn-memory",
                    f->warn_memory,
                    "resident memory at or above SIZE is a WARNING (default 2G; 0: never)")
        ->type_name("SIZE");
    cmd->add_option("--crit-memory",
                    f->crit_memory,
                    "resident memory at or above SIZE is CRITICAL (default 0: never)")
        ->type_name("SIZE");
    cmd->add_option("--warn-fds",
                    f->warn_fds,
                    "open files at or above PERCENT of the limit is a WARNING (default 80)")
        ->type_name("PERCENT")
        ->check(CLI::Range(0.0, 100.0));
    cmd->add_option("--crit-fds",
                    f->crit_fds,
                    "open files at or above PERCENT of the limit is CRITICAL (default 95)")
        ->type_name("PERCENT")
        ->check(CLI::Range(0.0, 100.0));
    cmd->add_option(
           "--expect-nodes", f->expect_nodes, "CRITICAL when fewer nodes answer, WARNING when more")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--mqtt-version", f->mqtt_version, "MQTT version of the probes: 4 (3.1.1) or 5")
        ->type_name("4|5")
        ->check(CLI::IsMember({4, 5}));
    cmd->add_option("--watch", f->watch_seconds, "run again every SECONDS until interrupted")
        ->type_name("SECONDS")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--count", f->count, "with --watch: stop after N runs")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    cmd->callback(
        [f, &globals, &selected] { selected = [f, &globals] { return run(*f, globals); }; });
}

} // namespace emqx::ctl

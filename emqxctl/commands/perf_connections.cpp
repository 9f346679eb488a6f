// `emqxctl perf connections`: ramp to N connections at a rate, hold them, report.
#include "commands/command.hpp"
#include "support/perf_common.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <emqx/perf/connections.hpp>

namespace emqx::ctl::perf_cli {

namespace {

struct connections_flags {
    std::uint32_t connections = 1000;
    double rate = 1000.0;
    double hold = 2.0;
    std::uint32_t max_pending = 2000;
    std::string mqtt_version = "3.1.1";
    double max_time = 600.0;
    int broker_pid = 0;
    std::vector<std::string> sources;
    bool subscribe = false;
    std::string out;
    CLI::Option* broker_pid_option = nullptr;
};

std::optional<perf::connections_options> to_connections_options(const connections_flags& f,
                                                                const global_options& g) {
    perf::connections_options o;
    const auto address = parse_address(g.mqtt.empty() ? "127.0.0.1:1883" : g.mqtt);
    if (!address) {
        std::fprintf(stderr, "emqxctl perf: --mqtt must be HOST:PORT with a port 1-65535\n");
        return std::nullopt;
    }
    o.host = address->first;
    o.port = address->second;
    o.version = f.mqtt_version == "5" ? mqtt::protocol_version::v5 : mqtt::protocol_version::v3_1_1;
    if (!g.username.empty()) {
        o.username = g.username;
    }
    if (!g.password.empty()) {
        o.password = g.password;
    }
    o.connections = f.connections;
    o.rate = f.rate;
    o.hold_s = f.hold;
    o.max_pending = f.max_pending;
    o.timeout_s = g.timeout_seconds;
    o.max_time_s = f.max_time;
    o.sources = f.sources;
    o.subscribe = f.subscribe;
    if (f.broker_pid_option->count() > 0) {
        o.broker_pid = f.broker_pid;
    }
    if (!g.nodes.empty()) {
        o.metrics_node = parse_address(g.nodes.front(), 8082);
    }
    return o;
}

void add_connections_flags(CLI::App& cmd, connections_flags& f) {
    cmd.add_option("--connections", f.connections, "connections to open and hold")
        ->check(CLI::Range(1U, 1'000'000U))
        ->capture_default_str();
    cmd.add_option("--rate", f.rate, "new connections per second (0: as fast as possible)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd.add_option("--hold", f.hold, "seconds to hold every connection after the ramp")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd.add_option("--max-pending", f.max_pending, "handshakes under way at once, at most")
        ->check(CLI::Range(1U, 1'000'000U))
        ->capture_default_str();
    cmd.add_option("--mqtt-version", f.mqtt_version, "MQTT protocol version: 3.1.1 or 5")
        ->check(CLI::IsMember({"3.1.1", "5"}))
        ->capture_default_str();
    cmd.add_option("--max-time", f.max_time, "hard limit on the whole run, in seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    f.broker_pid_option =
        cmd.add_option("--broker-pid", f.broker_pid,
                       "broker process on this host: report its memory per connection")
            ->check(CLI::PositiveNumber);
    cmd.add_option("--source", f.sources,
                   "source address to bind before connecting (repeatable; default: automatic)");
    cmd.add_flag("--subscribe", f.subscribe,
                 "each connection subscribes (QoS 0) to perf/conn/<n> once connected");
    cmd.add_option("--out", f.out, "also write results.json, CSV and report.html into DIR");
}

} // namespace

perf::connections_results run_connections_with_progress(perf::connections_options o) {
    interrupt_scope scope;
    o.interrupt = interrupt_flag();
    o.progress = progress_printer();
    auto results = perf::run_connections(o);
    end_progress();
    return results;
}

void register_connections(CLI::App& perf, const global_options& globals, action& selected) {
    auto* cmd = perf.add_subcommand(
        "connections", "ramp to N connections at a rate: connect latency, failures, memory");
    cmd->fallthrough();
    auto f = std::make_shared<connections_flags>();
    add_connections_flags(*cmd, *f);
    cmd->callback([f, &globals, &selected] {
        selected = [f, &globals] {
            const auto o = to_connections_options(*f, globals);
            if (!o) {
                return static_cast<int>(exit_usage);
            }
            const auto results = run_connections_with_progress(*o);
            const std::string json = perf::to_json(results, *o);
            std::fputs(globals.output == output_format::json ? json.c_str()
                                                            : perf::to_text(results, *o).c_str(),
                       stdout);
            int status = exit_status_of(perf::judge(results));
            if (!f->out.empty() && !write_out(f->out, "connections", json, globals) &&
                status == exit_ok) {
                status = exit_unknown;
            }
            return status;
        };
    });
}

} // namespace emqx::ctl::perf_cli

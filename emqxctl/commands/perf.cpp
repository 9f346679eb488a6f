// `emqxctl perf throughput` and `emqxctl perf latency`: bind the flags to the load generator's
// options, run it, print the results as text or JSON, return the exit status.
#include "commands/command.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <emqx/perf/options.hpp>
#include <emqx/perf/report.hpp>
#include <emqx/perf/run.hpp>

namespace emqx::ctl {

namespace {

/// The flags as CLI11 fills them; `perf_run` turns them into run_options.
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
    CLI::Option* count_option = nullptr;
    CLI::Option* duration_option = nullptr;
    CLI::Option* broker_pid_option = nullptr;
    CLI::Option* max_time_option = nullptr;
};

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
    interrupted.store(true);
}

/// "host:port", "[v6]:port", "host" or ":port"; nullopt when the port is not a number 1-65535.
std::optional<std::pair<std::string, std::uint16_t>> parse_address(const std::string& text) {
    std::string host = text;
    std::string port = "1883";
    const auto colon = text.rfind(':');
    const auto bracket = text.rfind(']');
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) {
        host = "127.0.0.1";
    }
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    const unsigned long number = std::stoul(port);
    if (number == 0 || number > 65535) {
        return std::nullopt;
    }
    return std::pair{host, static_cast<std::uint16_t>(number)};
}

void add_common_flags(CLI::App& cmd, perf_flags& f) {
    cmd.add_option("--qos", f.qos, "QoS of every message and subscription: 0, 1 or 2")
        ->check(CLI::Range(0, 2))
        ->capture_default_str();
    cmd.add_option("--size", f.size, "payload bytes per message, at least 20 (the stamp)")
        ->capture_default_str();
    f.count_option = cmd.add_option("--count", f.count, "messages to publish after the warm-up")
                         ->check(CLI::PositiveNumber);
    f.duration_option =
        cmd.add_option("--duration", f.duration, "seconds to publish after the warm-up")
            ->check(CLI::PositiveNumber);
    cmd.add_option("--rate", f.rate, "open loop: messages per second in total (0: closed loop)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd.add_option("--warmup", f.warmup, "seconds of load before measuring starts")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd.add_option("--mqtt-version", f.mqtt_version, "MQTT protocol version: 3.1.1 or 5")
        ->check(CLI::IsMember({"3.1.1", "5"}))
        ->capture_default_str();
    cmd.add_option("--max-unacked", f.max_unacked,
                   "QoS 1/2 messages a publisher may have unacknowledged")
        ->check(CLI::Range(1, 65535))
        ->capture_default_str();
    f.max_time_option =
        cmd.add_option("--max-time", f.max_time, "hard limit on the whole run, in seconds")
            ->check(CLI::PositiveNumber)
            ->capture_default_str();
    f.broker_pid_option =
        cmd.add_option("--broker-pid", f.broker_pid, "broker process on this host: report its CPU")
            ->check(CLI::PositiveNumber);
}

/// Turns the flags into run options; a usage error (already printed) gives nullopt.
std::optional<perf::run_options> to_options(const perf_flags& f, const global_options& g) {
    perf::run_options o;
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
    o.qos = static_cast<mqtt::qos>(f.qos);
    o.size = f.size;
    o.publishers = f.publishers;
    o.subscribers = f.subscribers;
    o.topics = f.topics;
    if (f.count_option->count() > 0) {
        o.count = f.count;
    }
    if (f.duration_option->count() > 0) {
        o.duration_s = f.duration;
    }
    o.rate = f.rate;
    o.inflight = f.inflight;
    o.max_unacked = f.max_unacked;
    o.warmup_s = f.warmup;
    o.timeout_s = g.timeout_seconds;
    o.max_time_s = f.max_time;
    if (f.max_time_option->count() == 0 && f.duration_option->count() > 0) {
        // A long --duration must not run into the default limit: leave room to connect and drain.
        o.max_time_s = std::max(o.max_time_s, o.warmup_s + f.duration + 2 * o.timeout_s + 60.0);
    }
    if (f.broker_pid_option->count() > 0) {
        o.broker_pid = f.broker_pid;
    }
    if (const auto problem = perf::validate(o)) {
        std::fprintf(stderr, "emqxctl perf: %s\n", problem->c_str());
        return std::nullopt;
    }
    return o;
}

int exit_status_of(perf::verdict v) {
    switch (v) {
    case perf::verdict::ok:
        return exit_ok;
    case perf::verdict::failed:
        return exit_critical;
    case perf::verdict::unreachable:
        return exit_unknown;
    }
    return exit_internal;
}

/// Runs one suite: Ctrl-C stops the run cleanly, and what was measured is still printed.
int perf_run(perf::run_options o, const global_options& g, const char* command) {
    interrupted.store(false);
    o.interrupt = &interrupted;
    const auto previous = std::signal(SIGINT, on_interrupt);
    const perf::run_results results = perf::run(o);
    std::signal(SIGINT, previous);
    const std::string text = g.output == output_format::json ? perf::to_json(results, o, command)
                                                             : perf::to_text(results, o, command);
    std::fputs(text.c_str(), stdout);
    return exit_status_of(perf::judge(results));
}

void register_throughput(CLI::App& perf, const global_options& globals, action& selected) {
    auto* cmd = perf.add_subcommand(
        "throughput", "publish as fast as the broker takes it and count what arrives");
    cmd->fallthrough();
    auto f = std::make_shared<perf_flags>();
    add_common_flags(*cmd, *f);
    cmd->add_option("--publishers", f->publishers, "publishing connections")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--subscribers", f->subscribers, "subscribing connections")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--topics", f->topics, "topics the publishers and subscribers spread over")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--inflight", f->inflight, "closed loop: messages in flight end to end")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->callback([f, &globals, &selected] {
        selected = [f, &globals] {
            auto o = to_options(*f, globals);
            if (!o) {
                return static_cast<int>(exit_usage);
            }
            if (!o->count && !o->duration_s) {
                o->duration_s = 10.0;
            }
            return perf_run(*o, globals, "throughput");
        };
    });
}

void register_latency(CLI::App& perf, const global_options& globals, action& selected) {
    auto* cmd = perf.add_subcommand(
        "latency", "one publisher, one subscriber, one message at a time (or paced by --rate)");
    cmd->fallthrough();
    auto f = std::make_shared<perf_flags>();
    add_common_flags(*cmd, *f);
    cmd->callback([f, &globals, &selected] {
        selected = [f, &globals] {
            auto o = to_options(*f, globals);
            if (!o) {
                return static_cast<int>(exit_usage);
            }
            o->publishers = 1;
            o->subscribers = 1;
            o->topics = 1;
            o->inflight = 1;
            if (!o->count && !o->duration_s) {
                o->count = 10'000;
            }
            return perf_run(*o, globals, "latency");
        };
    });
}

} // namespace

void register_perf(CLI::App& app, const global_options& globals, action& selected) {
    auto* perf = app.add_subcommand("perf", "measure an MQTT broker's latency and throughput");
    perf->require_subcommand(1);
    perf->fallthrough();
    register_throughput(*perf, globals, selected);
    register_latency(*perf, globals, selected);
}

} // namespace emqx::ctl

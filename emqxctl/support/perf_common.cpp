// What the `emqxctl perf` subcommands share: flags to options, Ctrl-C, progress, --out.
#include "support/perf_common.hpp"

#include <emqx/client/json_text.hpp>
#include <emqx/perf/run.hpp>
#include <emqx/perf/system.hpp>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

namespace emqx::ctl::perf_cli {

namespace {

std::atomic<bool> interrupted{false};
bool progress_shown = false;

extern "C" void emqxctl_perf_on_interrupt(int) {
    interrupted.store(true);
}

std::optional<std::pair<std::string, std::uint16_t>> node_address(const std::string& text,
                                                                  const char* flag) {
    auto address = parse_address(text);
    if (!address) {
        std::fprintf(stderr, "emqxctl perf: %s must be HOST:PORT with a port 1-65535\n", flag);
    }
    return address;
}

} // namespace

std::optional<std::pair<std::string, std::uint16_t>> parse_address(const std::string& text,
                                                                  std::uint16_t default_port) {
    std::string host = text;
    std::string port = std::to_string(default_port);
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
    cmd.add_option("--pub-node", f.pub_node,
                   "MQTT address publishers connect to (default: --mqtt)");
    cmd.add_option("--sub-node", f.sub_node,
                   "MQTT address subscribers connect to (default: --pub-node)");
    cmd.add_option("--out", f.out, "also write results.json, CSV and report.html into DIR");
}

void add_shape_flags(CLI::App& cmd, perf_flags& f) {
    cmd.add_option("--publishers", f.publishers, "publishing connections")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd.add_option("--subscribers", f.subscribers, "subscribing connections")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd.add_option("--topics", f.topics, "topics the publishers and subscribers spread over")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd.add_option("--inflight", f.inflight, "closed loop: messages in flight end to end")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
}

std::optional<perf::run_options> to_options(const perf_flags& f, const global_options& g) {
    perf::run_options o;
    const auto address = node_address(
        !f.pub_node.empty() ? f.pub_node : (g.mqtt.empty() ? "127.0.0.1:1883" : g.mqtt),
        f.pub_node.empty() ? "--mqtt" : "--pub-node");
    if (!address) {
        return std::nullopt;
    }
    o.host = address->first;
    o.port = address->second;
    if (!f.sub_node.empty()) {
        const auto sub = node_address(f.sub_node, "--sub-node");
        if (!sub) {
            return std::nullopt;
        }
        o.sub_host = sub->first;
        o.sub_port = sub->second;
    }
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

const std::atomic<bool>* interrupt_flag() {
    return &interrupted;
}

interrupt_scope::interrupt_scope() : previous_(std::signal(SIGINT, emqxctl_perf_on_interrupt)) {
    interrupted.store(false);
}

interrupt_scope::~interrupt_scope() {
    std::signal(SIGINT, previous_);
}

std::function<void(const std::string&)> progress_printer() {
    if (::isatty(STDERR_FILENO) == 0) {
        return {};
    }
    return [](const std::string& line) {
        // \r and "erase line": the line updates in place; never on a pipe, never in JSON.
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
        std::fflush(stderr);
        progress_shown = true;
    };
}

void end_progress() {
    if (progress_shown) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        progress_shown = false;
    }
}

perf::results_context context_for(const std::string& address, const global_options& g) {
    perf::results_context context;
    context.broker_address = address;
    context.env = perf::read_environment();
    context.created = perf::utc_now();
    if (!g.nodes.empty()) {
        if (const auto node = parse_address(g.nodes.front(), 8082)) {
            if (const auto body = perf::http_get_body(node->first, node->second,
                                                      "/api/v1/status", g.timeout_seconds)) {
                const auto status = client::parse_json(*body);
                if (status.is_object() && status.contains("version") &&
                    status["version"].is_string()) {
                    context.broker_version = status["version"].get<std::string>();
                }
            }
        }
    }
    return context;
}

bool write_out(const std::string& dir,
               const std::string& scenario,
               const std::string& document,
               const global_options& g) {
    auto doc = perf::ordered_json::parse(document);
    std::string address;
    if (doc.contains("broker") && doc["broker"].contains("address")) {
        address = doc["broker"]["address"].get<std::string>();
    }
    auto context = context_for(address, g);
    if (doc.contains("parameters")) {
        context.parameters = doc["parameters"];
    }
    const auto results = perf::make_results(context, {{scenario, std::move(doc)}});
    if (const auto problem = perf::write_results(dir, results)) {
        std::fprintf(stderr, "emqxctl perf: %s\n", problem->c_str());
        return false;
    }
    std::fprintf(stderr, "emqxctl perf: results written to %s\n", dir.c_str());
    return true;
}

perf::run_results run_load(perf::run_options o) {
    interrupt_scope scope;
    o.interrupt = interrupt_flag();
    o.progress = progress_printer();
    auto results = perf::run(o);
    end_progress();
    return results;
}

} // namespace emqx::ctl::perf_cli

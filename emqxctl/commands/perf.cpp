// `emqxctl perf throughput|latency|qos|stress`: bind the flags to the load generator's
// options, run it, print the results as text or JSON (and with --out into files), return the
// exit status. `connections`, `all` and `compare` live in perf_connections.cpp and perf_all.cpp.
#include "commands/command.hpp"
#include "support/perf_common.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include <emqx/perf/report.hpp>
#include <emqx/perf/scenarios.hpp>

namespace emqx::ctl {

namespace {

using perf_cli::perf_flags;

/// Prints `text` or `json` as the output format asks, writes --out, returns `status`.
int finish(const perf_flags& f, const global_options& g, const char* scenario,
           const std::string& text, const std::string& json, int status) {
    std::fputs(g.output == output_format::json ? json.c_str() : text.c_str(), stdout);
    if (!f.out.empty() && !perf_cli::write_out(f.out, scenario, json, g)) {
        return status == exit_ok ? static_cast<int>(exit_unknown) : status;
    }
    return status;
}

int run_simple(const perf_flags& f, const global_options& g, perf::run_options o,
               const char* command) {
    const auto results = perf_cli::run_load(o);
    return finish(f, g, command, perf::to_text(results, o, command),
                  perf::to_json(results, o, command),
                  perf_cli::exit_status_of(perf::judge(results)));
}

/// Registers a subcommand whose flags are the common ones (plus the load's shape when
/// `shape`), and whose action `run` gets the checked options.
template <typename Run>
void add_load_command(CLI::App& perf, const global_options& globals, action& selected,
                      const char* name, const char* description, bool shape, Run run) {
    auto* cmd = perf.add_subcommand(name, description);
    cmd->fallthrough();
    auto f = std::make_shared<perf_flags>();
    if (std::string{name} == "stress") {
        f->rate = 1000.0;
    }
    perf_cli::add_common_flags(*cmd, *f);
    if (shape) {
        perf_cli::add_shape_flags(*cmd, *f);
    }
    cmd->callback([f, &globals, &selected, run] {
        selected = [f, &globals, run] {
            auto o = perf_cli::to_options(*f, globals);
            if (!o) {
                return static_cast<int>(exit_usage);
            }
            return run(*f, globals, *o);
        };
    });
}

int run_throughput(const perf_flags& f, const global_options& g, perf::run_options o) {
    if (!o.count && !o.duration_s) {
        o.duration_s = 10.0;
    }
    return run_simple(f, g, o, "throughput");
}

int run_latency(const perf_flags& f, const global_options& g, perf::run_options o) {
    o.publishers = 1;
    o.subscribers = 1;
    o.topics = 1;
    o.inflight = 1;
    if (!o.count && !o.duration_s) {
        o.count = 10'000;
    }
    return run_simple(f, g, o, "latency");
}

int run_qos(const perf_flags& f, const global_options& g, perf::run_options o) {
    if (!o.count && !o.duration_s) {
        o.count = 10'000;
    }
    perf::qos_results results;
    for (int q = 0; q <= 2; ++q) {
        o.qos = static_cast<mqtt::qos>(q);
        results.runs.push_back(perf_cli::run_load(o));
        if (results.runs.back().status == perf::run_status::interrupted) {
            break;
        }
    }
    return finish(f, g, "qos", perf::qos_text(results, o), perf::qos_json(results, o),
                  perf_cli::exit_status_of(perf::judge(results)));
}

int run_stress(const perf_flags& f, const global_options& g, perf::run_options o) {
    if (!(o.rate > 0.0)) {
        std::fprintf(stderr, "emqxctl perf stress: --rate must be more than 0 messages per second\n");
        return exit_usage;
    }
    if (!o.count && !o.duration_s) {
        o.duration_s = 10.0;
    }
    const auto results = perf_cli::run_load(o);
    return finish(f, g, "stress", perf::stress_text(results, o), perf::stress_json(results, o),
                  perf_cli::exit_status_of(perf::judge(results)));
}

} // namespace

void register_perf(CLI::App& app, const global_options& globals, action& selected) {
    auto* perf = app.add_subcommand("perf", "measure an MQTT broker's latency and throughput");
    perf->require_subcommand(1);
    perf->fallthrough();
    add_load_command(*perf, globals, selected, "throughput",
                     "publish as fast as the broker takes it and count what arrives", true,
                     run_throughput);
    add_load_command(*perf, globals, selected, "latency",
                     "one publisher, one subscriber, one message at a time (or paced by --rate)",
                     false, run_latency);
    perf_cli::register_connections(*perf, globals, selected);
    add_load_command(*perf, globals, selected, "qos",
                     "the same load at QoS 0, 1 and 2, side by side", true, run_qos);
    add_load_command(*perf, globals, selected, "stress",
                     "publish at a target rate (--rate, default 1000) and count what fails", true,
                     run_stress);
    perf_cli::register_all(*perf, globals, selected);
    perf_cli::register_compare(*perf, globals, selected);
}

} // namespace emqx::ctl

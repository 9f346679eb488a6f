// `emqxctl perf all` (the five scenarios in sequence into perf-results-YYYYMMDD-HHMMSS/) and
// `emqxctl perf compare BASE.json NEW.json` (the regression gate).
#include "commands/command.hpp"
#include "support/perf_common.hpp"

#include <emqx/client/json_text.hpp>
#include <emqx/perf/compare.hpp>
#include <emqx/perf/connections.hpp>
#include <emqx/perf/scenarios.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

namespace emqx::ctl::perf_cli {

namespace {

using perf::ordered_json;

/// Scaled-down defaults that finish in about a minute; the old script's figures (latency
/// 1,000 messages, throughput 60 s, 100 connections, stress 1,000 msg/s for 120 s) are options.
struct all_flags {
    perf_flags load;
    std::uint64_t latency_count = 1000;
    double throughput_duration = 15.0;
    std::uint32_t connections = 100;
    double connections_rate = 1000.0;
    std::uint64_t qos_count = 5000;
    double stress_rate = 1000.0;
    double stress_duration = 15.0;
};

/// What `all` gathers as it goes.
struct all_state {
    std::vector<std::pair<std::string, ordered_json>> scenarios;
    std::string text;
    perf::verdict worst = perf::verdict::ok;
    bool stop = false;

    void add(const char* name, const std::string& text_report, const std::string& json,
             perf::verdict v, bool interrupted) {
        text += text_report + "\n";
        scenarios.emplace_back(name, ordered_json::parse(json));
        if (v == perf::verdict::unreachable || (v == perf::verdict::failed && worst == perf::verdict::ok)) {
            worst = v;
        }
        // An unreachable broker stays unreachable; Ctrl-C means stop now.
        stop = v == perf::verdict::unreachable || interrupted;
    }
};

perf::run_options load_of(perf::run_options o, std::optional<std::uint64_t> count,
                          std::optional<double> duration, double rate) {
    o.count = count;
    o.duration_s = duration;
    o.rate = rate;
    return o;
}

void run_scenarios(const all_flags& f, const global_options& g, const perf::run_options& base,
                   all_state& s) {
    auto lo = load_of(base, f.latency_count, std::nullopt, 0.0);
    lo.publishers = lo.subscribers = lo.topics = lo.inflight = 1;
    auto r = run_load(lo);
    s.add("latency", perf::to_text(r, lo, "latency"), perf::to_json(r, lo, "latency"),
          perf::judge(r), r.status == perf::run_status::interrupted);
    if (s.stop) {
        return;
    }
    const auto to = load_of(base, std::nullopt, f.throughput_duration, 0.0);
    r = run_load(to);
    s.add("throughput", perf::to_text(r, to, "throughput"), perf::to_json(r, to, "throughput"),
          perf::judge(r), r.status == perf::run_status::interrupted);
    if (s.stop) {
        return;
    }
    perf::connections_options co;
    co.host = base.host;
    co.port = base.port;
    co.version = base.version;
    co.username = base.username;
    co.password = base.password;
    co.connections = f.connections;
    co.rate = f.connections_rate;
    co.timeout_s = base.timeout_s;
    co.broker_pid = base.broker_pid;
    if (!g.nodes.empty()) {
        co.metrics_node = parse_address(g.nodes.front(), 8082);
    }
    const auto cr = run_connections_with_progress(co);
    s.add("connections", perf::to_text(cr, co), perf::to_json(cr, co), perf::judge(cr),
          cr.status == perf::run_status::interrupted);
    if (s.stop) {
        return;
    }
    auto qo = load_of(base, f.qos_count, std::nullopt, 0.0);
    perf::qos_results qr;
    for (int q = 0; q <= 2 && !s.stop; ++q) {
        qo.qos = static_cast<mqtt::qos>(q);
        qr.runs.push_back(run_load(qo));
        s.stop = qr.runs.back().status == perf::run_status::interrupted;
    }
    s.add("qos", perf::qos_text(qr, qo), perf::qos_json(qr, qo), perf::judge(qr), s.stop);
    if (s.stop) {
        return;
    }
    const auto so = load_of(base, std::nullopt, f.stress_duration, f.stress_rate);
    r = run_load(so);
    s.add("stress", perf::stress_text(r, so), perf::stress_json(r, so), perf::judge(r),
          r.status == perf::run_status::interrupted);
}

ordered_json all_parameters(const all_flags& f, const perf::run_options& o) {
    return {
        {"mqtt_version", perf::version_name(o.version)},
        {"qos", static_cast<int>(o.qos)},
        {"size", o.size},
        {"publishers", o.publishers},
        {"subscribers", o.subscribers},
        {"topics", o.topics},
        {"inflight", o.inflight},
        {"max_unacked", o.max_unacked},
        {"warmup_s", o.warmup_s},
        {"timeout_s", o.timeout_s},
        {"latency_count", f.latency_count},
        {"throughput_duration_s", f.throughput_duration},
        {"connections", f.connections},
        {"connections_rate", f.connections_rate},
        {"qos_count", f.qos_count},
        {"stress_rate", f.stress_rate},
        {"stress_duration_s", f.stress_duration},
    };
}

int run_all(const all_flags& f, const global_options& g) {
    auto base = to_options(f.load, g);
    if (!base) {
        return exit_usage;
    }
    all_state state;
    run_scenarios(f, g, *base, state);
    auto context = context_for(base->host + ":" + std::to_string(base->port), g);
    context.parameters = all_parameters(f, *base);
    const auto results = perf::make_results(context, state.scenarios);
    const std::filesystem::path dir =
        std::filesystem::path(f.load.out.empty() ? "." : f.load.out) / perf::results_dir_name();
    std::fputs(g.output == output_format::json ? (client::json_text(results, 2) + "\n").c_str()
                                               : state.text.c_str(),
               stdout);
    if (const auto problem = perf::write_results(dir, results)) {
        std::fprintf(stderr, "emqxctl perf: %s\n", problem->c_str());
        return exit_unknown;
    }
    std::fprintf(stderr, "emqxctl perf: results written to %s\n", dir.c_str());
    return exit_status_of(state.worst);
}

/// The document in `path`: exit_unknown when it cannot be read, exit_usage when it is not a
/// perf results document.
std::optional<ordered_json> load_document(const std::string& path, int& status) {
    std::ifstream file(path);
    if (!file) {
        std::fprintf(stderr, "emqxctl perf compare: cannot read %s\n", path.c_str());
        status = exit_unknown;
        return std::nullopt;
    }
    const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    auto document = client::parse_json<ordered_json>(text);
    const bool ours = document.is_object() && document.contains("schema") &&
                      document["schema"].is_string() &&
                      document["schema"].get<std::string>().rfind("emqxctl.perf", 0) == 0;
    if (!ours) {
        std::fprintf(stderr,
                     "emqxctl perf compare: %s is not an emqxctl perf results file (JSON with "
                     "\"schema\": \"emqxctl.perf-results/1\" or \"emqxctl.perf/1\")\n",
                     path.c_str());
        status = exit_usage;
        return std::nullopt;
    }
    return document;
}

int run_compare(const std::string& base_path, const std::string& new_path, double threshold,
                const global_options& g) {
    int status = exit_ok;
    const auto base = load_document(base_path, status);
    if (!base) {
        return status;
    }
    const auto next = load_document(new_path, status);
    if (!next) {
        return status;
    }
    const auto c = perf::compare(perf::metrics_of(*base), perf::metrics_of(*next), threshold);
    if (g.output == output_format::json) {
        ordered_json rows = ordered_json::array();
        for (const auto& r : c.rows) {
            rows.push_back({{"metric", r.metric},
                            {"base", r.base},
                            {"new", r.next},
                            {"delta_percent", std::isfinite(r.delta_percent)
                                                  ? ordered_json(r.delta_percent)
                                                  : ordered_json(nullptr)},
                            {"better", r.direction == perf::better::higher  ? "higher"
                                       : r.direction == perf::better::lower ? "lower"
                                                                            : "neither"},
                            {"regressed", r.regressed}});
        }
        const ordered_json document = {{"schema", "emqxctl.perf-compare/1"},
                                       {"base", base_path},
                                       {"new", new_path},
                                       {"threshold_percent", threshold},
                                       {"regressions", c.regressions()},
                                       {"metrics", rows}};
        std::fputs((client::json_text(document, 2) + "\n").c_str(), stdout);
    } else {
        std::fputs(perf::to_text(c, threshold).c_str(), stdout);
    }
    return c.regressions() > 0 ? exit_critical : exit_ok;
}

} // namespace

void register_all(CLI::App& perf, const global_options& globals, action& selected) {
    auto* cmd = perf.add_subcommand(
        "all", "run latency, throughput, connections, qos and stress into a results directory");
    cmd->fallthrough();
    auto f = std::make_shared<all_flags>();
    f->load.warmup = 0.5;
    add_common_flags(*cmd, f->load);
    add_shape_flags(*cmd, f->load);
    cmd->add_option("--latency-count", f->latency_count, "latency: messages measured")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--throughput-duration", f->throughput_duration, "throughput: seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--connections", f->connections, "connections: how many")
        ->check(CLI::Range(1U, 1'000'000U))
        ->capture_default_str();
    cmd->add_option("--connections-rate", f->connections_rate, "connections: new per second")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--qos-count", f->qos_count, "qos: messages at each QoS")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--stress-rate", f->stress_rate, "stress: target messages per second")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--stress-duration", f->stress_duration, "stress: seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->callback([f, &globals, &selected] {
        selected = [f, &globals] { return run_all(*f, globals); };
    });
}

void register_compare(CLI::App& perf, const global_options& globals, action& selected) {
    auto* cmd = perf.add_subcommand(
        "compare", "compare two results files; exit 2 when a metric regressed beyond --threshold");
    cmd->fallthrough();
    struct compare_flags {
        std::string base;
        std::string next;
        double threshold = 10.0;
    };
    auto f = std::make_shared<compare_flags>();
    cmd->add_option("BASE", f->base, "the baseline results.json")->required();
    cmd->add_option("NEW", f->next, "the results.json to judge")->required();
    cmd->add_option("--threshold", f->threshold, "percent a metric may worsen before it counts")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->callback([f, &globals, &selected] {
        selected = [f, &globals] { return run_compare(f->base, f->next, f->threshold, globals); };
    });
}

} // namespace emqx::ctl::perf_cli

// `emqxctl cluster start|stop|status|test`: bind the flags to the health library's local
// cluster life cycle, status and test, print the result as text or JSON, return the status.
#include "commands/command.hpp"

#include <emqx/client/http.hpp>
#include <emqx/client/json_text.hpp>
#include <emqx/client/node.hpp>
#include <emqx/health/cluster_file.hpp>
#include <emqx/health/cluster_plan.hpp>
#include <emqx/health/cluster_start.hpp>
#include <emqx/health/cluster_status.hpp>
#include <emqx/health/cluster_test.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace emqx::ctl {

namespace {

namespace health = emqx::health;

struct cluster_flags {
    std::string dir;
    int nodes = 3;
    std::string emqxd;
    std::uint16_t base_port = 0;
    std::string cluster_id = "emqxd";
    std::string wait = "links";
    std::vector<int> qos{0, 1, 2};
    int count = 10;
    CLI::Option* base_port_option = nullptr;
    CLI::Option* timeout_option = nullptr; ///< the global --timeout: was it given?
};

std::filesystem::path dir_of(const cluster_flags& f) {
    return f.dir.empty() ? client::default_cluster_dir() : std::filesystem::path{f.dir};
}

std::chrono::milliseconds timeout_of(const cluster_flags& f, const global_options& g,
                                     double default_seconds) {
    const double seconds = f.timeout_option->count() > 0 ? g.timeout_seconds : default_seconds;
    return std::chrono::milliseconds{static_cast<long>(seconds * 1000)};
}

/// Progress lines go to stderr, and only when a person watches it.
health::progress_callback progress_for(const global_options& g) {
    if (g.output == output_format::json || ::isatty(STDERR_FILENO) == 0) {
        return {};
    }
    return [](std::string_view line) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
    };
}

/// --timeout and --token as every request to a node uses them.
client::http_options http_options_of(const global_options& g) {
    return {.timeout = std::chrono::milliseconds{static_cast<long>(g.timeout_seconds * 1000)},
            .bearer_token = g.token};
}

/// ANSI colour on the state words: on a terminal, unless --no-color.
bool colour_on(const global_options& g) {
    return !g.no_color && ::isatty(STDOUT_FILENO) == 1;
}

void print(const std::string& text) {
    std::fputs(text.c_str(), stdout);
}

void print(const nlohmann::json& document) {
    print(client::json_text(document, 2) + "\n");
}

/// The nodes to ask: --node values, else the cluster file in --dir, else 127.0.0.1:8082.
std::optional<std::vector<health::node_seed>> seeds_of(const cluster_flags& f, const global_options& g) {
    std::vector<health::node_seed> seeds;
    for (const auto& text : g.nodes) {
        auto http = client::parse_host_port(text, client::default_http_port);
        if (!http) {
            std::fprintf(stderr, "emqxctl cluster: --node: %s\n", http.error().c_str());
            return std::nullopt;
        }
        seeds.push_back({.node_id = {}, .http = http.value(), .mqtt = {}, .cluster = {}, .pid = 0});
    }
    if (!seeds.empty()) {
        return seeds;
    }
    if (const auto file = health::read_cluster_file(dir_of(f))) {
        for (const auto& n : file.value().nodes) {
            auto http = client::parse_host_port(n.http, client::default_http_port);
            if (http) {
                seeds.push_back({.node_id = n.node_id, .http = http.value(), .mqtt = n.mqtt,
                                 .cluster = n.cluster, .pid = n.pid});
            }
        }
    }
    if (seeds.empty()) {
        seeds.push_back({.node_id = {}, .http = {"127.0.0.1", client::default_http_port},
                         .mqtt = {}, .cluster = {}, .pid = 0});
    }
    return seeds;
}

std::string endpoints_text(const health::start_result& r) {
    std::string text = "cluster of " + std::to_string(r.file.nodes.size()) + " node(s) up in " +
                       std::to_string(static_cast<int>(r.seconds * 10) / 10) + "." +
                       std::to_string(static_cast<int>(r.seconds * 10) % 10) + " s, cluster id " +
                       r.file.cluster_id + ", directory " + r.file.dir + "\n\n";
    char line[512];
    std::snprintf(line, sizeof line, "%-8s %-8s %-16s %-16s %-16s %s\n", "NODE", "PID", "MQTT",
                  "HTTP", "CLUSTER", "LOG");
    text += line;
    for (const auto& n : r.file.nodes) {
        std::snprintf(line, sizeof line, "%-8s %-8d %-16s %-16s %-16s %s\n", n.node_id.c_str(), n.pid,
                      n.mqtt.c_str(), n.http.c_str(), n.cluster.c_str(), n.log.c_str());
        text += line;
    }
    const std::string dir_flag = " --dir " + r.file.dir;
    text += "\nnext: emqxctl cluster status" + dir_flag + "; emqxctl cluster test" + dir_flag +
            "; emqxctl cluster stop" + dir_flag + "\n";
    return text;
}

int run_start(const cluster_flags& f, const global_options& g) {
    health::start_options o;
    o.nodes = f.nodes;
    o.dir = dir_of(f);
    o.emqxd = f.emqxd.empty() ? health::default_emqxd_path() : std::filesystem::path{f.emqxd};
    if (f.base_port_option->count() > 0) {
        o.base_port = f.base_port;
    }
    if (const auto plan = health::make_port_plan(o.nodes, o.base_port); !plan) {
        std::fprintf(stderr, "emqxctl cluster start: %s\n", plan.error().c_str());
        return exit_usage;
    }
    o.cluster_id = f.cluster_id;
    o.wait = f.wait == "ready" ? health::start_wait::ready : health::start_wait::links;
    o.timeout = timeout_of(f, g, 60.0);
    o.progress = progress_for(g);
    const auto r = health::start_cluster(o);
    if (g.output == output_format::json) {
        print(nlohmann::json{{"schema", "emqxctl.cluster-start/1"},
                             {"ok", r.ok},
                             {"error", r.error},
                             {"failed_node", r.failed_node},
                             {"log_tail", r.log_tail},
                             {"seconds", r.seconds},
                             {"cluster", nlohmann::json::parse(health::to_json_text(r.file))}});
    } else if (r.ok) {
        print(endpoints_text(r));
    } else {
        std::string text = "emqxctl cluster start: FAILED: " + r.error + "\n";
        if (!r.failed_node.empty()) {
            text += "the nodes started were stopped again; last lines of " + r.failed_node +
                    "'s log:\n" + r.log_tail;
        }
        std::fputs(text.c_str(), stderr);
    }
    return r.ok ? exit_ok : exit_critical;
}

int run_stop(const cluster_flags& f, const global_options& g) {
    const auto r = health::stop_cluster(dir_of(f), timeout_of(f, g, 10.0), progress_for(g));
    bool failed = false;
    nlohmann::json nodes = nlohmann::json::array();
    std::string text;
    for (const auto& n : r.nodes) {
        failed = failed || n.action == health::stop_action::failed;
        nodes.push_back({{"node_id", n.node_id}, {"pid", n.pid},
                         {"action", std::string{health::to_string(n.action)}}, {"detail", n.detail}});
        char line[512];
        std::snprintf(line, sizeof line, "%-8s PID %-8s %-12s %s\n", n.node_id.c_str(),
                      n.pid > 0 ? std::to_string(n.pid).c_str() : "-",
                      std::string{health::to_string(n.action)}.c_str(), n.detail.c_str());
        text += line;
    }
    if (g.output == output_format::json) {
        print(nlohmann::json{{"schema", "emqxctl.cluster-stop/1"}, {"ok", !failed},
                             {"message", r.message}, {"nodes", nodes}});
    } else {
        print(text + r.message + "\n");
    }
    return failed ? exit_critical : exit_ok;
}

int run_status(const cluster_flags& f, const global_options& g) {
    const auto seeds = seeds_of(f, g);
    if (!seeds) {
        return exit_usage;
    }
    const auto status = health::judge_cluster(health::ask_nodes(*seeds, http_options_of(g)));
    if (g.output == output_format::json) {
        print(health::to_json(status));
    } else {
        print(health::to_text(status, colour_on(g)));
    }
    return static_cast<int>(status.verdict);
}

int run_test(const cluster_flags& f, const global_options& g) {
    const auto seeds = seeds_of(f, g);
    if (!seeds) {
        return exit_usage;
    }
    const auto http = http_options_of(g);
    const auto status = health::judge_cluster(health::ask_nodes(*seeds, http));
    health::cluster_test_options o;
    for (const auto& n : status.nodes) {
        auto mqtt = client::parse_host_port(n.mqtt, client::default_mqtt_port);
        if (n.mqtt.empty() || !mqtt) {
            std::fprintf(stderr, "emqxctl cluster test: %s: MQTT address unknown (%s)\n",
                         n.node_id.c_str(), n.reason.c_str());
            return exit_unknown;
        }
        o.nodes.push_back({.node_id = n.node_id, .mqtt = mqtt.value()});
    }
    o.qos = f.qos;
    o.count = f.count;
    o.timeout = http.timeout;
    o.username = g.username;
    o.password = g.password;
    o.progress = progress_for(g);
    const auto report = health::run_cluster_test(o);
    if (g.output == output_format::json) {
        print(health::to_json(report));
    } else {
        print(health::to_text(report, colour_on(g)));
    }
    return static_cast<int>(report.verdict);
}

CLI::App* add(CLI::App& cluster, const char* name, const char* description,
              const std::shared_ptr<cluster_flags>& f) {
    auto* cmd = cluster.add_subcommand(name, description);
    cmd->fallthrough();
    cmd->add_option("--dir", f->dir,
                    "cluster directory: cluster.json, PID files, logs, cookie (default "
                    "$EMQXCTL_CLUSTER_DIR, else ~/.local/state/emqxctl/cluster)")
        ->type_name("DIR");
    return cmd;
}

void register_start(CLI::App& cluster, const global_options& g, action& selected,
                    const std::shared_ptr<cluster_flags>& f) {
    auto* cmd = add(cluster, "start", "start N local emqxd nodes and wait until they are linked", f);
    cmd->add_option("--nodes", f->nodes, "number of nodes")->check(CLI::Range(1, health::max_local_nodes))
        ->capture_default_str();
    cmd->add_option("--emqxd", f->emqxd, "the emqxd binary (default: next to emqxctl, else PATH)")
        ->type_name("PATH");
    f->base_port_option =
        cmd->add_option("--base-port", f->base_port,
                        "compact port plan: node k listens on PORT+4(k-1) (MQTT), +1 (cluster), "
                        "+2 (HTTP); default the standard plan 1883/8081/8082")
            ->check(CLI::Range(1, 65535))
            ->type_name("PORT");
    cmd->add_option("--cluster-id", f->cluster_id, "cluster name every node announces")
        ->capture_default_str();
    cmd->add_option("--wait", f->wait, "wait for: links (every node ready and sees every other) or ready")
        ->check(CLI::IsMember({"links", "ready"}))
        ->capture_default_str();
    cmd->callback([f, &g, &selected] { selected = [f, &g] { return run_start(*f, g); }; });
}

} // namespace

void register_cluster(CLI::App& app, const global_options& globals, action& selected) {
    auto* cluster = app.add_subcommand("cluster", "start, stop, inspect and test a cluster of emqxd nodes");
    cluster->require_subcommand(1);
    cluster->fallthrough();
    auto* timeout = app.get_option("--timeout");

    auto start = std::make_shared<cluster_flags>();
    start->timeout_option = timeout;
    register_start(*cluster, globals, selected, start);

    auto stop = std::make_shared<cluster_flags>();
    stop->timeout_option = timeout;
    add(*cluster, "stop", "stop the local cluster's nodes: SIGTERM, then SIGKILL after --timeout", stop)
        ->callback([stop, &globals, &selected] {
            selected = [stop, &globals] { return run_stop(*stop, globals); };
        });

    auto status = std::make_shared<cluster_flags>();
    status->timeout_option = timeout;
    add(*cluster, "status", "every node's state, the links between them, cluster ids, routes", status)
        ->callback([status, &globals, &selected] {
            selected = [status, &globals] { return run_status(*status, globals); };
        });

    auto test = std::make_shared<cluster_flags>();
    test->timeout_option = timeout;
    auto* cmd = add(*cluster, "test", "publish on every node, subscribe on every node: a matrix", test);
    cmd->add_option("--qos", test->qos, "QoS levels to test, e.g. 0,1,2")
        ->delimiter(',')
        ->check(CLI::Range(0, 2))
        ->capture_default_str();
    cmd->add_option("--count", test->count, "messages per pair and QoS")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cmd->callback([test, &globals, &selected] {
        selected = [test, &globals] { return run_test(*test, globals); };
    });
}

} // namespace emqx::ctl

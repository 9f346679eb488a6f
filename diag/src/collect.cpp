// collect(): discovers the nodes, asks each of them, reads the host, the logs and the
// configs, and writes the redacted bundle with its manifest and summary.
#include "collect_parts.hpp"

#include <emqx/client/http.hpp>
#include <emqx/client/json_text.hpp>
#include <emqx/diag/host.hpp>
#include <emqx/diag/log_record.hpp>

#include <array>
#include <chrono>
#include <ctime>
#include <deque>
#include <set>
#include <thread>

namespace emqx::diag {

namespace fs = std::filesystem;

namespace {

struct node_state {
    client::host_port address;
    std::string id;  ///< node id, or the address when the node did not answer
    std::string dir; ///< "nodes/<id>/"
    nlohmann::json status;
    nlohmann::json cluster;
};

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void say(const collect_options& o, const std::string& text) {
    if (o.progress) {
        o.progress(text);
    }
}

client::http_options http_of(const collect_options& o) {
    return {o.http_timeout, o.bearer_token};
}

// Asks the seeds and every peer they know (bounded); the nodes that answered.
std::vector<node_state> discover(const collect_options& o, redactor& redact, parts& out) {
    std::vector<node_state> up;
    std::deque<client::host_port> queue{o.seeds.begin(), o.seeds.end()};
    std::set<std::string> seen;
    while (!queue.empty() && seen.size() < 64) {
        const auto address = queue.front();
        queue.pop_front();
        const std::string name = client::to_string(address);
        if (!seen.insert(name).second) {
            continue;
        }
        say(o, "asking node " + name);
        auto status = client::get_json(address, "/api/v1/status", http_of(o));
        if (!status) {
            out.missing.push_back({"nodes/" + name, "node down or unreachable: " + status.error().message});
            out.noticed.push_back("node " + name + " did not answer: " + status.error().message);
            continue;
        }
        node_state n{address, name, "", std::move(status).value(), nullptr};
        if (n.status.contains("node_id") && n.status["node_id"].is_string()) {
            n.id = n.status["node_id"].get<std::string>();
        }
        n.dir = "nodes/" + n.id + "/";
        out.files.push_back({n.dir + "status.json",
                             redact.redact(client::json_text(n.status, 2)),
                             "GET http://" + name + "/api/v1/status"});
        if (auto cluster = client::get_json(address, "/api/v1/cluster", http_of(o))) {
            n.cluster = std::move(cluster).value();
            for (const auto& peer : n.cluster.value("peers", nlohmann::json::array())) {
                const auto http = peer.value("http", std::string{});
                if (auto peer_address = client::parse_host_port(http, client::default_http_port);
                    !http.empty() && peer_address) {
                    queue.push_back(peer_address.value());
                }
            }
        }
        up.push_back(std::move(n));
    }
    return up;
}

// One GET into the bundle, or a missing item.
void fetch(const collect_options& o, const node_state& n, std::string_view path, const std::string& file,
           redactor& redact, parts& out) {
    const std::string source = "GET http://" + client::to_string(n.address) + std::string{path};
    auto response = client::http_get(n.address, path, http_of(o));
    if (!response) {
        out.missing.push_back({n.dir + file, response.error().message});
        return;
    }
    if (response.value().status >= 400 && path != "/ready") {
        out.missing.push_back({n.dir + file, "HTTP " + std::to_string(response.value().status) + " from " + source});
        return;
    }
    out.files.push_back({n.dir + file, redact.redact(response.value().body), source});
}

void collect_nodes(const collect_options& o, std::vector<node_state>& nodes, redactor& redact, parts& out) {
    for (const auto& n : nodes) {
        if (n.cluster.is_null()) {
            out.missing.push_back({n.dir + "cluster.json", "GET /api/v1/cluster failed"});
        } else {
            out.files.push_back({n.dir + "cluster.json",
                                 redact.redact(client::json_text(n.cluster, 2)),
                                 "GET http://" + client::to_string(n.address) + "/api/v1/cluster"});
        }
        fetch(o, n, "/ready", "ready.json", redact, out);
        fetch(o, n, "/api/v1/routes?limit=1000", "routes.json", redact, out);
        fetch(o, n, "/api/v1/clients?limit=100", "clients.json", redact, out);
        fetch(o, n, "/api/v1/config", "config.json", redact, out);
        fetch(o, n, "/metrics", "metrics-1.txt", redact, out);
    }
    if (nodes.empty()) {
        return;
    }
    say(o, "waiting " + std::to_string(o.metrics_interval.count()) + " ms for the second /metrics");
    std::this_thread::sleep_for(o.metrics_interval);
    for (const auto& n : nodes) {
        fetch(o, n, "/metrics", "metrics-2.txt", redact, out);
    }
}

// What the nodes' answers show: split brain, peers not up.
void notice_cluster(const std::vector<node_state>& nodes, parts& out) {
    std::set<std::string> ids;
    for (const auto& n : nodes) {
        ids.insert(n.status.value("cluster_id", std::string{"?"}));
        for (const auto& peer : n.cluster.is_object() ? n.cluster.value("peers", nlohmann::json::array())
                                                      : nlohmann::json::array()) {
            const auto state = peer.value("state", std::string{});
            if (!state.empty() && state != "up") {
                out.noticed.push_back("node " + n.id + " sees peer " + peer.value("address", std::string{"?"}) +
                                      " " + state + (peer.value("error", std::string{}).empty()
                                                         ? std::string{}
                                                         : ": " + peer.value("error", std::string{})));
            }
        }
    }
    if (ids.size() > 1) {
        std::string list;
        for (const auto& id : ids) {
            list += (list.empty() ? "" : ", ") + id;
        }
        out.noticed.push_back("split brain: the nodes report different cluster ids: " + list);
    }
}

// The log files the nodes named in their config, when they are on this host.
std::vector<fs::path> node_log_files(const parts& out) {
    std::vector<fs::path> files;
    for (const auto& f : out.files) {
        if (!f.name.ends_with("/config.json")) {
            continue;
        }
        const auto doc = client::parse_json(f.content);
        if (doc.is_object() && doc.contains("log") && doc["log"].is_object() &&
            doc["log"].value("file", std::string{}) != "") {
            std::error_code ec;
            const fs::path file = doc["log"]["file"].get<std::string>();
            if (fs::exists(file, ec)) {
                files.push_back(file);
            }
        }
    }
    return files;
}

void run_health(const collect_options& o, redactor& redact, parts& out) {
    if (o.health_command.empty()) {
        return;
    }
    say(o, "running the health checks");
    const auto [status, output] = run_capture(o.health_command, o.health_timeout);
    if (output.empty()) {
        out.missing.push_back({"health.json", "the health run gave no output (status " + std::to_string(status) + ")"});
        out.noticed.push_back("the health run failed (status " + std::to_string(status) + ")");
        return;
    }
    out.files.push_back({"health.json", redact.redact(output), "emqxctl health -o json"});
    constexpr std::array<const char*, 4> names{"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    const std::string name = status >= 0 && status < 4 ? names[static_cast<std::size_t>(status)]
                                                       : "status " + std::to_string(status);
    out.noticed.push_back("health: " + name);
    const auto doc = client::parse_json(output);
    if (doc.is_object() && doc.contains("checks") && doc["checks"].is_array()) {
        for (const auto& check : doc["checks"]) {
            const auto s = check.value("status", std::string{});
            if (!s.empty() && s != "ok" && s != "OK") {
                out.noticed.push_back("health check " + check.value("name", std::string{"?"}) + ": " + s + " " +
                                      check.value("reason", std::string{}));
            }
        }
    }
}

std::string summary_text(const parts& out, const host_report& host, bool redacted, std::int64_t created) {
    std::string text = "emqxctl diag collect: " + format_timestamp(created) + "\n";
    text += redacted ? "Secrets are redacted (<redacted:N> marks the same secret with the same N).\n"
                     : "NOT REDACTED (--no-redact): this bundle may hold passwords and cookies.\n";
    text += "\nNoticed\n";
    for (const auto& line : out.noticed) {
        text += "  - " + line + "\n";
    }
    for (const auto& f : host.findings) {
        text += "  - " + std::string{severity_name(f.level)} + ": " + f.title + " (" + f.hint + ")\n";
    }
    if (out.noticed.empty() && host.findings.empty()) {
        text += "  nothing\n";
    }
    text += "\nNot collected\n";
    for (const auto& m : out.missing) {
        text += "  - " + m.item + ": " + m.reason + "\n";
    }
    if (out.missing.empty()) {
        text += "  nothing\n";
    }
    return text;
}

} // namespace

std::string default_bundle_name(std::int64_t unix_ms) {
    const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm local{};
    localtime_r(&seconds, &local);
    std::array<char, 64> text{};
    const auto n = std::strftime(text.data(), text.size(), "diagnostics-%Y%m%d-%H%M%S.tar.gz", &local);
    return {text.data(), n};
}

expected<collect_result, std::string> collect(const collect_options& o) {
    const std::int64_t created = now_ms();
    redactor redact{o.redact};
    redact.learn(o.bearer_token);
    parts out;
    collect_configs(o.config_files, redact, out); // first: their secrets are learned
    // Then the host: the brokers' command lines may carry secrets (--set cluster.cookie=...).
    say(o, "reading the host");
    std::vector<fs::path> dirs;
    for (const auto& p : o.log_paths) {
        dirs.push_back(fs::is_directory(p) ? p : p.parent_path());
    }
    auto host = collect_host(dirs);
    for (auto& f : host.files) {
        f.content = redact.redact(f.content);
        out.files.push_back(std::move(f));
    }
    out.missing.insert(out.missing.end(), host.missing.begin(), host.missing.end());
    auto nodes = discover(o, redact, out);
    collect_nodes(o, nodes, redact, out);
    notice_cluster(nodes, out);
    if (nodes.empty()) {
        out.noticed.push_back("no node answered: only the host, the logs and the configs are collected");
    }
    run_health(o, redact, out);
    say(o, "reading the logs");
    collect_logs(o, node_log_files(out), redact, out);
    out.files.insert(out.files.begin(), bundle_file{"summary.txt", summary_text(out, host, o.redact, created),
                                                    "written by emqxctl"});
    const auto manifest = make_manifest(out.files, out.missing, o.redact, created);
    out.files.push_back({"manifest.json", client::json_text(manifest, 2), "written by emqxctl"});
    const fs::path path = o.out.empty() ? fs::path{default_bundle_name(created)} : o.out;
    std::string top = path.filename().string();
    top = top.substr(0, top.find(".tar"));
    auto size = write_tar_gz(path, top, out.files);
    if (!size) {
        return unexpected{size.error()};
    }
    collect_result result{path, size.value(), out.files.size(), std::move(out.missing), std::move(out.noticed)};
    return result;
}

} // namespace emqx::diag

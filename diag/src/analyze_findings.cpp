// The findings of a log analysis: what an operator should look at, each with a severity and
// a hint, and the exit status they give.
#include <emqx/diag/analyze.hpp>

#include <algorithm>

namespace emqx::diag {

namespace {

std::string count_text(std::uint64_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string{n == 1 ? one : many};
}

} // namespace

std::string_view severity_name(severity s) noexcept {
    switch (s) {
    case severity::info: return "info";
    case severity::warning: return "warning";
    case severity::critical: return "critical";
    }
    return "info";
}

int analysis::exit_status() const noexcept {
    if (records == 0 && std::none_of(files.begin(), files.end(), [](const file_stats& f) {
            return f.parsed > 0;
        })) {
        return 3;
    }
    int status = 0;
    for (const auto& f : findings) {
        status = std::max(status, f.level == severity::critical ? 2
                                  : f.level == severity::warning ? 1
                                                                 : 0);
    }
    return status;
}

void analyzer::add_findings(analysis& res) const {
    auto add = [&res](severity s, std::string title, std::string hint) {
        res.findings.push_back({s, std::move(title), std::move(hint)});
    };
    for (const auto& f : res.files) {
        if (!f.error.empty()) {
            add(severity::warning, "could not read " + f.path + ": " + f.error,
                "check the path and its permissions; a damaged .gz is read up to the damage");
        }
    }
    const auto errors = res.levels[static_cast<std::size_t>(log_level::error)];
    const auto fatals = res.levels[static_cast<std::size_t>(log_level::fatal)];
    if (fatals > 0) {
        add(severity::critical, count_text(fatals, "FATAL event", "FATAL events"),
            "a node stopped on it: see the latest errors and the lines before them");
    }
    if (errors > 0) {
        add(severity::critical, count_text(errors, "ERROR event", "ERROR events"),
            "see the latest errors and the top messages below");
    }
    const auto warns = res.levels[static_cast<std::size_t>(log_level::warn)];
    if (warns > 0) {
        add(severity::warning, count_text(warns, "WARN event", "WARN events"),
            "see the top messages for what repeats");
    }
    if (res.cluster_ids.size() > 1) {
        std::string ids;
        for (const auto& id : res.cluster_ids) {
            ids += (ids.empty() ? "" : ", ") + id;
        }
        add(severity::critical, "multiple cluster IDs detected: " + ids,
            "nodes configured with different cluster.name or cookie form separate clusters "
            "(split brain): make cluster settings equal and restart the odd nodes");
    }
    for (const auto& [peer, n] : res.auth_failures_by_peer) {
        if (n >= options_.auth_failure_threshold) {
            add(severity::warning, count_text(n, "authentication failure", "authentication failures") + " from " + peer,
                "a client with wrong credentials, or someone guessing passwords: check the "
                "clients at that address (emqxd bans repeated offenders for a while)");
        }
    }
    for (const auto& [client, n] : res.flapping_clients) {
        add(severity::warning, "client " + client + " connected " + std::to_string(n) + " times (flapping)",
            "a client that reconnects over and over: check its keep alive, network, and "
            "whether two devices share the client id");
    }
    for (const auto& [client, n] : res.takeovers) {
        if (n >= 3) {
            add(severity::warning, "session of " + client + " taken over " + std::to_string(n) + " times",
                "two clients use the same client id and keep kicking each other off");
        }
    }
    for (const auto& [peer, link] : res.cluster_links) {
        if (link.first >= options_.link_down_threshold) {
            add(severity::warning, "cluster link to " + peer + " went down " + std::to_string(link.first) + " times",
                "repeated peer disconnects: check the network between the nodes and the peer's "
                "load; `emqxctl cluster status` shows the links now");
        } else if (link.first > 0) {
            add(severity::info, "cluster link to " + peer + " went down " + std::to_string(link.first) + " time(s)",
                "a node restart explains one; more point at the network");
        }
    }
    std::uint64_t protocol_errors = 0;
    for (const auto& [reason, n] : res.protocol_errors) {
        protocol_errors += n;
    }
    if (protocol_errors > 0) {
        add(severity::info, count_text(protocol_errors, "protocol error", "protocol errors") + " from clients",
            "see protocol_errors by reason: a buggy or non-MQTT client, or a packet size limit");
    }
    if (res.unparsable > 0) {
        add(severity::info, count_text(res.unparsable, "line", "lines") + " could not be parsed",
            "lines not written by emqxd, truncated or damaged; see the first examples in -o json");
    }
}

} // namespace emqx::diag

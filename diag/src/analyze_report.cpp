// Rendering a log analysis: the JSON document "emqxctl.log/1" and the text report. Text from
// the logs goes through printable(): the report goes to a terminal.
#include <emqx/diag/analyze.hpp>

#include <algorithm>
#include <cstdio>

namespace emqx::diag {

namespace {

nlohmann::json counts(const std::map<std::string, std::uint64_t>& map) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, n] : map) {
        out[key] = n;
    }
    return out;
}

nlohmann::json record_json(const log_record& r) {
    nlohmann::json fields = nlohmann::json::object();
    for (const auto& [key, value] : r.fields) {
        fields[key] = value;
    }
    return {{"time", format_timestamp(r.unix_ms)}, {"node", r.node},
            {"level", level_name(r.level)},        {"component", r.component},
            {"message", r.message},                {"fields", fields}};
}

std::string_view level_colour(log_level l) {
    switch (l) {
    case log_level::fatal:
    case log_level::error: return "\x1b[31m";
    case log_level::warn: return "\x1b[33m";
    case log_level::info: return "\x1b[32m";
    default: return "\x1b[2m";
    }
}

std::string paint(std::string_view text, std::string_view colour, bool color) {
    return color ? std::string{colour} + std::string{text} + "\x1b[0m" : std::string{text};
}

std::string line(const char* format, auto... args) {
    std::array<char, 512> buffer{};
    const int n = std::snprintf(buffer.data(), buffer.size(), format, args...);
    return std::string{buffer.data(), static_cast<std::size_t>(std::clamp(n, 0, 511))} + "\n";
}

std::string timeline_text(const analysis& res) {
    if (res.errors_per_minute.empty()) {
        return {};
    }
    std::string out = "\nErrors per minute\n";
    std::uint64_t peak = 0;
    for (const auto& [minute, n] : res.errors_per_minute) {
        peak = std::max(peak, n);
    }
    std::size_t shown = 0;
    for (const auto& [minute, n] : res.errors_per_minute) {
        if (++shown > 30) {
            out += line("  ... %zu more minutes with errors (see -o json)",
                        res.errors_per_minute.size() - 30);
            break;
        }
        const auto width = static_cast<std::size_t>((n * 40 + peak - 1) / peak);
        out += line("  %.16s  %-40s %llu", format_timestamp(minute).c_str(),
                    std::string(width, '#').c_str(), static_cast<unsigned long long>(n));
    }
    return out;
}

std::string map_text(const char* title, const std::map<std::string, std::uint64_t>& map) {
    if (map.empty()) {
        return {};
    }
    std::vector<std::pair<std::string, std::uint64_t>> sorted(map.begin(), map.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string out = std::string{"\n"} + title + "\n";
    for (std::size_t i = 0; i < sorted.size() && i < 10; ++i) {
        out += line("  %8llu  %s",
                    static_cast<unsigned long long>(sorted[i].second),
                    printable(sorted[i].first).c_str());
    }
    return out;
}

} // namespace

nlohmann::json to_json(const analysis& res) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : res.files) {
        files.push_back({{"path", f.path}, {"node", f.node}, {"lines", f.lines},
                         {"parsed", f.parsed}, {"unparsable", f.unparsable}, {"error", f.error}});
    }
    nlohmann::json levels = nlohmann::json::object();
    for (std::size_t i = 0; i < res.levels.size(); ++i) {
        levels[std::string{level_name(static_cast<log_level>(i))}] = res.levels[i];
    }
    nlohmann::json top = nlohmann::json::array();
    for (const auto& m : res.top_messages) {
        top.push_back({{"component", m.component}, {"message", m.message},
                       {"level", level_name(m.level)}, {"count", m.count},
                       {"first", format_timestamp(m.first_ms)}, {"last", format_timestamp(m.last_ms)},
                       {"nodes", m.nodes}});
    }
    nlohmann::json latest = nlohmann::json::array();
    for (const auto& r : res.latest_errors) {
        latest.push_back(record_json(r));
    }
    nlohmann::json timeline = nlohmann::json::array();
    for (const auto& [minute, n] : res.errors_per_minute) {
        timeline.push_back({{"minute", format_timestamp(minute)}, {"errors", n}});
    }
    nlohmann::json links = nlohmann::json::array();
    for (const auto& [peer, link] : res.cluster_links) {
        links.push_back({{"peer", peer}, {"down", link.first}, {"up", link.second}});
    }
    nlohmann::json bad = nlohmann::json::array();
    for (const auto& b : res.bad_lines) {
        bad.push_back({{"path", b.path}, {"line", b.line_number}, {"reason", failure_name(b.reason)}});
    }
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : res.findings) {
        findings.push_back({{"severity", severity_name(f.level)}, {"title", f.title}, {"hint", f.hint}});
    }
    const int status = res.exit_status();
    const char* names[] = {"ok", "warning", "critical", "unknown"};
    return {{"schema", "emqxctl.log/1"},
            {"status", names[status]},
            {"files", files},
            {"first", res.first_ms ? nlohmann::json(format_timestamp(*res.first_ms)) : nlohmann::json()},
            {"last", res.last_ms ? nlohmann::json(format_timestamp(*res.last_ms)) : nlohmann::json()},
            {"nodes", res.nodes},
            {"records", res.records},
            {"unparsable", res.unparsable},
            {"unparsable_examples", bad},
            {"levels", levels},
            {"components", counts(res.components)},
            {"categories", {{"errors", res.categories.errors}, {"connections", res.categories.connections},
                            {"auth", res.categories.auth}, {"cluster", res.categories.cluster},
                            {"performance", res.categories.performance}}},
            {"top_messages", top},
            {"latest_errors", latest},
            {"errors_per_minute", timeline},
            {"auth_failures", {{"by_username", counts(res.auth_failures_by_username)},
                               {"by_peer", counts(res.auth_failures_by_peer)}}},
            {"disconnect_reasons", counts(res.disconnect_reasons)},
            {"protocol_errors", counts(res.protocol_errors)},
            {"flapping_clients", counts(res.flapping_clients)},
            {"takeovers", counts(res.takeovers)},
            {"cluster_links", links},
            {"cluster_ids", res.cluster_ids},
            {"findings", findings}};
}

std::string to_text(const analysis& res, bool color) {
    std::string out;
    out += line("Log analysis: %llu events from %zu file(s), %zu node(s), %llu unparsable line(s)",
                static_cast<unsigned long long>(res.records), res.files.size(), res.nodes.size(),
                static_cast<unsigned long long>(res.unparsable));
    if (res.first_ms && res.last_ms) {
        out += line("Time: %s .. %s", format_timestamp(*res.first_ms).c_str(),
                    format_timestamp(*res.last_ms).c_str());
    }
    out += "\nBy level\n";
    for (std::size_t i = res.levels.size(); i-- > 0;) {
        const auto l = static_cast<log_level>(i);
        out += "  " + paint(line("%-5s %10llu", std::string{level_name(l)}.c_str(),
                                  static_cast<unsigned long long>(res.levels[i])),
                             level_colour(l), color && res.levels[i] > 0);
    }
    out += map_text("By component", res.components);
    const auto& c = res.categories;
    out += "\nCategories\n";
    out += line("  errors %llu, connections %llu, auth %llu, cluster %llu, performance %llu",
                static_cast<unsigned long long>(c.errors), static_cast<unsigned long long>(c.connections),
                static_cast<unsigned long long>(c.auth), static_cast<unsigned long long>(c.cluster),
                static_cast<unsigned long long>(c.performance));
    if (!res.top_messages.empty()) {
        out += "\nTop messages\n";
        for (const auto& m : res.top_messages) {
            out += line("  %8llu  %-5s %-8s %s",
                        static_cast<unsigned long long>(m.count),
                        std::string{level_name(m.level)}.c_str(),
                        printable(m.component).c_str(),
                        printable(m.message).c_str());
        }
    }
    out += timeline_text(res);
    out += map_text("Authentication failures by peer", res.auth_failures_by_peer);
    out += map_text("Authentication failures by user name", res.auth_failures_by_username);
    out += map_text("Disconnect reasons", res.disconnect_reasons);
    out += map_text("Protocol errors by reason", res.protocol_errors);
    if (!res.latest_errors.empty()) {
        out += "\nLatest errors\n";
        for (const auto& r : res.latest_errors) {
            out += line("  %s %s %s %s",
                        format_timestamp(r.unix_ms).c_str(),
                        printable(r.node).c_str(),
                        printable(r.component).c_str(),
                        printable(r.message).c_str());
        }
    }
    out += "\nFindings\n";
    if (res.findings.empty()) {
        out += "  none\n";
    }
    for (const auto& f : res.findings) {
        const std::string_view colour = f.level == severity::critical ? "\x1b[31m"
                                        : f.level == severity::warning ? "\x1b[33m"
                                                                       : "\x1b[36m";
        out += "  " + paint(line("%-8s %s",
                                 std::string{severity_name(f.level)}.c_str(),
                                 printable(f.title).c_str()),
                            colour,
                            color);
        out += line("           hint: %s", printable(f.hint).c_str());
    }
    return out;
}

} // namespace emqx::diag

// Judging `cluster test` cells and printing the matrix as text or JSON (schema
// emqxctl.cluster-test/1); pure, see cluster_test.hpp.
#include <emqx/health/cluster_test.hpp>

#include "text.hpp"

#include <algorithm>
#include <cstdio>

namespace emqx::health {

namespace {

std::string millis(double ms) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1fms", ms);
    return text;
}

std::string cell(const pair_result& r) {
    switch (r.outcome) {
    case pair_outcome::pass:
        return "ok " + millis(r.latency_p50_ms);
    case pair_outcome::unreachable:
        return "UNREACHABLE";
    case pair_outcome::fail:
        break;
    }
    if (r.sent == 0 && r.error.starts_with("no route")) {
        return "FAIL no route";
    }
    if (r.sent > 0 && r.received < r.sent) {
        return "FAIL lost " + std::to_string(r.sent - r.received);
    }
    if (r.duplicates > 0) {
        return "FAIL dup " + std::to_string(r.duplicates);
    }
    if (r.out_of_order > 0) {
        return "FAIL order";
    }
    return "FAIL";
}

const pair_result* find(const cluster_test_report& report, pair_check check,
                        const std::string& pub, const std::string& sub, int qos) {
    for (const auto& r : report.results) {
        if (r.check == check && r.publisher == pub && r.subscriber == sub && r.qos == qos) {
            return &r;
        }
    }
    return nullptr;
}

std::string padded(const std::string& text, std::size_t width) {
    return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
}

} // namespace

std::string_view to_string(pair_outcome outcome) noexcept {
    switch (outcome) {
    case pair_outcome::pass:
        return "pass";
    case pair_outcome::fail:
        return "fail";
    case pair_outcome::unreachable:
        return "unreachable";
    }
    return "fail";
}

pair_result judge_pair(pair_result seen) {
    std::vector<std::string> wrong;
    if (seen.received < seen.sent) {
        wrong.push_back(std::to_string(seen.sent - seen.received) + " of " +
                        std::to_string(seen.sent) + " messages not received");
    }
    if (seen.duplicates > 0) {
        wrong.push_back(std::to_string(seen.duplicates) + " duplicate(s)");
    }
    if (seen.out_of_order > 0) {
        wrong.push_back(std::to_string(seen.out_of_order) + " out of order");
    }
    if (seen.sent == 0 && seen.error.empty()) {
        wrong.emplace_back("nothing was published");
    }
    seen.outcome = wrong.empty() && seen.error.empty() ? pair_outcome::pass : pair_outcome::fail;
    for (const auto& w : wrong) {
        seen.error += (seen.error.empty() ? "" : "; ") + w;
    }
    return seen;
}

cluster_verdict judge_test(const std::vector<pair_result>& results) {
    if (results.empty()) {
        return cluster_verdict::unknown;
    }
    const auto any = [&](pair_outcome o) {
        return std::any_of(results.begin(), results.end(), [o](const pair_result& r) { return r.outcome == o; });
    };
    if (any(pair_outcome::unreachable)) {
        return cluster_verdict::unknown;
    }
    return any(pair_outcome::fail) ? cluster_verdict::critical : cluster_verdict::ok;
}

namespace {

/// One matrix: rows publish (or set), columns subscribe (or read).
std::string matrix(const cluster_test_report& report, pair_check check, int qos,
                   const std::string& title, bool color) {
    std::size_t width = 8;
    for (const auto& id : report.node_ids) {
        width = std::max(width, id.size() + 2);
    }
    std::string text = title + "\n" + padded("pub\\sub", width);
    for (const auto& sub : report.node_ids) {
        text += padded(sub, 18);
    }
    text += "\n";
    for (const auto& pub : report.node_ids) {
        text += padded(pub, width);
        for (const auto& sub : report.node_ids) {
            const auto* r = find(report, check, pub, sub, qos);
            text += detail::painted(r != nullptr ? cell(*r) : "-", color, 18);
        }
        text += "\n";
    }
    return text + "\n";
}

std::string label(const pair_result& r) {
    switch (r.check) {
    case pair_check::retained:
        return "retained";
    case pair_check::shared:
        return "shared";
    default:
        return "QoS " + std::to_string(r.qos);
    }
}

std::string_view check_name(pair_check check) {
    return check == pair_check::retained ? "retained"
           : check == pair_check::shared ? "shared"
                                         : "delivery";
}

} // namespace

std::string to_text(const cluster_test_report& report, bool color) {
    std::string text;
    for (const int qos : report.qos) {
        text += matrix(report, pair_check::delivery, qos,
                       "QoS " + std::to_string(qos) + " (rows publish, columns subscribe; " +
                           std::to_string(report.count) + " messages each, median latency)",
                       color);
    }
    const bool any_retained = std::any_of(report.results.begin(), report.results.end(), [](const pair_result& r) {
        return r.check == pair_check::retained;
    });
    if (any_retained) {
        text += matrix(report, pair_check::retained, 1,
                       "retained (rows set a retained message, columns subscribe afterwards)", color);
    }
    bool shared_header = false;
    for (const auto& r : report.results) {
        if (r.check != pair_check::shared) {
            continue;
        }
        if (!shared_header) {
            text += "shared subscription (one member on every node; each message to exactly one)\n";
            shared_header = true;
        }
        text += "  from " + padded(r.publisher, 8) +
                detail::painted((r.outcome == pair_outcome::pass ? "ok " : "FAILED ") +
                                    std::to_string(r.received) + " of " + std::to_string(r.sent) +
                                    " once, over " + std::to_string(r.members_reached) + " node(s)",
                                color) +
                "\n";
    }
    if (shared_header) {
        text += "\n";
    }
    for (const auto& r : report.results) {
        if (r.outcome != pair_outcome::pass) {
            text += label(r) + " " + r.publisher + " -> " + r.subscriber +
                    ": " + r.error + "\n";
        }
    }
    const auto passed = std::count_if(report.results.begin(), report.results.end(),
                                      [](const pair_result& r) { return r.outcome == pair_outcome::pass; });
    text += detail::painted((report.verdict == cluster_verdict::ok ? "SUCCESS: " : "FAILURE: ") +
                                std::to_string(passed) + " of " +
                                std::to_string(report.results.size()) + " checks passed",
                            color) +
            "\n";
    if (report.verdict != cluster_verdict::ok) {
        text += "hint: `emqxctl cluster status` shows which links and routes are missing\n";
    }
    return text;
}

nlohmann::json to_json(const cluster_test_report& report) {
    nlohmann::json results = nlohmann::json::array();
    for (const auto& r : report.results) {
        results.push_back({{"check", std::string{check_name(r.check)}},
                           {"members_reached", r.members_reached},
                           {"publisher", r.publisher},
                           {"subscriber", r.subscriber},
                           {"qos", r.qos},
                           {"outcome", std::string{to_string(r.outcome)}},
                           {"sent", r.sent},
                           {"received", r.received},
                           {"duplicates", r.duplicates},
                           {"out_of_order", r.out_of_order},
                           {"latency_p50_ms", r.latency_p50_ms},
                           {"latency_max_ms", r.latency_max_ms},
                           {"error", r.error}});
    }
    return {{"schema", "emqxctl.cluster-test/1"},
            {"verdict", std::string{to_string(report.verdict)}},
            {"success", report.verdict == cluster_verdict::ok},
            {"nodes", report.node_ids},
            {"qos", report.qos},
            {"count", report.count},
            {"results", results}};
}

} // namespace emqx::health

// Comparing two results files metric by metric, knowing which way each should move.
#include <emqx/perf/compare.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace emqx::perf {

namespace {

bool contains(std::string_view text, std::string_view word) {
    return text.find(word) != std::string_view::npos;
}

bool skipped(std::string_view key) {
    for (const char* name : {"schema", "parameters", "broker", "environment", "fd_limit",
                             "created", "tool", "granted_qos"}) {
        if (key == name) {
            return true;
        }
    }
    return false;
}

void collect(const nlohmann::ordered_json& node, const std::string& prefix,
             std::map<std::string, double>& out) {
    for (const auto& [key, value] : node.items()) {
        if (skipped(key)) {
            continue;
        }
        const std::string name = prefix + "." + key;
        if (value.is_object()) {
            collect(value, name, out);
        } else if (value.is_number()) {
            out[name] = value.get<double>();
        }
    }
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

std::string delta_text(double percent) {
    if (std::isinf(percent)) {
        return percent > 0 ? "+inf" : "-inf";
    }
    char text[32];
    std::snprintf(text, sizeof text, "%+.1f%%", percent);
    return text;
}

} // namespace

better direction_of(std::string_view metric) noexcept {
    const auto dot = metric.rfind('.');
    const std::string_view last = dot == std::string_view::npos ? metric : metric.substr(dot + 1);
    if (last == "count" || last == "target" || last == "attempted" || contains(last, "seconds") ||
        last == "before_bytes" || last == "after_bytes") {
        return better::neither;
    }
    for (const char* word : {"latency", "lost", "duplicated", "reordered", "late", "failed",
                             "failures", "dropped", "refused", "per_connection_bytes", "_percent"}) {
        if (contains(metric, word)) {
            return better::lower;
        }
    }
    for (const char* word : {"per_second", "delivered", "connected", "held", "success_rate",
                             "achieved_rate", "acknowledged"}) {
        if (contains(metric, word)) {
            return better::higher;
        }
    }
    return better::neither;
}

std::map<std::string, double> metrics_of(const nlohmann::ordered_json& document) {
    std::map<std::string, double> out;
    if (!document.is_object()) {
        return out;
    }
    if (document.contains("scenarios") && document["scenarios"].is_object()) {
        for (const auto& [name, scenario] : document["scenarios"].items()) {
            if (scenario.is_object()) {
                collect(scenario, name, out);
            }
        }
        return out;
    }
    const std::string name = document.value("command", std::string{"run"});
    collect(document, name, out);
    return out;
}

std::size_t comparison::regressions() const noexcept {
    return static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.regressed; }));
}

comparison compare(const std::map<std::string, double>& base,
                   const std::map<std::string, double>& next, double threshold_percent) {
    comparison c;
    for (const auto& [metric, b] : base) {
        const auto found = next.find(metric);
        if (found == next.end()) {
            ++c.only_in_base;
            continue;
        }
        comparison_row row{metric, b, found->second, 0.0, direction_of(metric), false};
        if (b != 0.0) {
            row.delta_percent = (row.next - b) / std::fabs(b) * 100.0;
        } else if (row.next != 0.0) {
            row.delta_percent = row.next > 0 ? std::numeric_limits<double>::infinity()
                                             : -std::numeric_limits<double>::infinity();
        }
        if (row.direction == better::higher) {
            row.regressed = -row.delta_percent > threshold_percent;
        } else if (row.direction == better::lower) {
            row.regressed = row.delta_percent > threshold_percent;
        }
        c.rows.push_back(row);
    }
    for (const auto& [metric, value] : next) {
        if (!base.contains(metric)) {
            ++c.only_in_next;
        }
    }
    return c;
}

std::string to_text(const comparison& c, double threshold_percent) {
    std::size_t width = 6;
    for (const auto& r : c.rows) {
        width = std::max(width, r.metric.size());
    }
    const auto pad = [](std::string text, std::size_t n) {
        text.resize(std::max(text.size(), n), ' ');
        return text;
    };
    std::string out = pad("metric", width) + "  " + pad("base", 14) + pad("new", 14) +
                      pad("delta", 10) + "\n";
    for (const auto& r : c.rows) {
        std::string mark;
        if (r.regressed) {
            mark = "REGRESSED";
        } else if (r.direction != better::neither && r.delta_percent != 0.0 &&
                   (r.direction == better::higher) == (r.delta_percent > 0)) {
            mark = "better";
        }
        out += pad(r.metric, width) + "  " + pad(number(r.base), 14) + pad(number(r.next), 14) +
               pad(delta_text(r.delta_percent), 10) + mark + "\n";
    }
    char summary[160];
    std::snprintf(summary, sizeof summary,
                  "%zu metrics compared, %zu regressed beyond %.1f%%; %zu only in BASE, %zu only "
                  "in NEW\n",
                  c.rows.size(), c.regressions(), threshold_percent, c.only_in_base,
                  c.only_in_next);
    return out + summary;
}

} // namespace emqx::perf

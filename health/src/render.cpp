// Rendering a report as a table, as JSON and as a Nagios line.
#include "text.hpp"

#include <emqx/health/render.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace emqx::health {

namespace {

constexpr std::array<verdict, 5> all_verdicts = {
    verdict::ok, verdict::warning, verdict::critical, verdict::unknown, verdict::skipped};

std::size_t count_of(const report& r, verdict v) {
    return static_cast<std::size_t>(std::count_if(
        r.checks.begin(), r.checks.end(), [v](const auto& c) { return c.state == v; }));
}

const char* colour_of(verdict v) {
    switch (v) {
    case verdict::ok: return detail::ansi_good;
    case verdict::warning: return detail::ansi_pending;
    case verdict::critical: return detail::ansi_bad;
    case verdict::unknown: return detail::ansi_unknown;
    case verdict::skipped: return detail::ansi_faint;
    }
    return "";
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

std::string pad(std::string text, std::size_t width) {
    text.resize(std::max(width, text.size()), ' ');
    return text;
}

/// "3 ok, 1 critical": the verdicts present, worst first.
std::string tally(const report& r) {
    std::string out;
    for (const auto v :
         {verdict::unknown, verdict::critical, verdict::warning, verdict::ok, verdict::skipped}) {
        const auto n = count_of(r, v);
        if (n > 0) {
            out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + lower(to_string(v));
        }
    }
    return out.empty() ? "no checks" : out;
}

std::string one_line(std::string text) {
    for (auto& c : text) {
        c = (c == '\n' || c == '\r' || c == '|') ? ' ' : c;
    }
    return text;
}

nlohmann::json optional_number(const std::optional<double>& value) {
    return value && std::isfinite(*value) ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

/// Plain decimal notation (no exponent, which not every Nagios parser reads), at most three
/// decimals.
std::string perf_number(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3f", value);
    std::string out(text);
    while (out.back() == '0') {
        out.pop_back();
    }
    if (out.back() == '.') {
        out.pop_back();
    }
    return out == "-0" ? "0" : out;
}

std::string perf_threshold(const std::optional<double>& value, bool below) {
    return value ? perf_number(*value) + (below ? ":" : "") : std::string();
}

std::string perfdata(const report& r) {
    std::string out;
    for (const auto& c : r.checks) {
        for (const auto& f : c.figures) {
            if (!std::isfinite(f.value)) {
                continue;
            }
            std::string item = "'" + f.label + "'=" + perf_number(f.value) + f.unit + ";" +
                               perf_threshold(f.warn, f.alert_below) + ";" +
                               perf_threshold(f.crit, f.alert_below) + ";" +
                               (f.min ? perf_number(*f.min) : "") + ";" +
                               (f.max ? perf_number(*f.max) : "");
            while (!item.empty() && item.back() == ';') {
                item.pop_back();
            }
            out += (out.empty() ? "" : " ") + item;
        }
    }
    return out;
}

} // namespace

std::string render_text(const report& r, bool color) {
    std::size_t scope_width = 4;
    std::size_t name_width = 5;
    for (const auto& c : r.checks) {
        scope_width = std::max(scope_width, c.scope.size());
        name_width = std::max(name_width, c.name.size());
    }
    constexpr std::size_t status_width = 8;
    const std::string indent(scope_width + name_width + status_width + 6, ' ');
    std::string out = pad("NODE", scope_width) + "  " + pad("CHECK", name_width) + "  " +
                      pad("STATUS", status_width) + "  DETAIL\n";
    for (const auto& c : r.checks) {
        const std::string word = pad(std::string(to_string(c.state)), status_width);
        out += pad(c.scope, scope_width) + "  " + pad(c.name, name_width) + "  " +
               (color ? colour_of(c.state) + word + detail::ansi_reset : word) + "  " + one_line(c.reason) +
               "\n";
        if (!c.hint.empty() && c.state != verdict::ok && c.state != verdict::skipped) {
            out += indent + "hint: " + one_line(c.hint) + "\n";
        }
    }
    const auto overall = r.overall();
    const std::string word(to_string(overall));
    char tail[96];
    std::snprintf(tail,
                  sizeof tail,
                  " (%zu node%s, %.1f s)",
                  r.nodes.size(),
                  r.nodes.size() == 1 ? "" : "s",
                  r.seconds);
    out += "\nhealth: " + (color ? colour_of(overall) + word + detail::ansi_reset : word) + ": " + tally(r) +
           tail + "\n";
    return out;
}

nlohmann::json render_json(const report& r) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : r.checks) {
        nlohmann::json figures = nlohmann::json::array();
        for (const auto& f : c.figures) {
            figures.push_back(
                {{"label", f.label},
                 {"value",
                  std::isfinite(f.value) ? nlohmann::json(f.value) : nlohmann::json(nullptr)},
                 {"unit", f.unit},
                 {"warn", optional_number(f.warn)},
                 {"crit", optional_number(f.crit)},
                 {"min", optional_number(f.min)},
                 {"max", optional_number(f.max)}});
        }
        checks.push_back({{"scope", c.scope},
                          {"name", c.name},
                          {"status", to_string(c.state)},
                          {"reason", c.reason},
                          {"hint", c.hint},
                          {"figures", std::move(figures)}});
    }
    nlohmann::json summary = nlohmann::json::object();
    for (const auto v : all_verdicts) {
        summary[lower(to_string(v))] = count_of(r, v);
    }
    const auto overall = r.overall();
    return {{"schema", json_schema},
            {"status", to_string(overall)},
            {"exit_status", exit_status_of(overall)},
            {"cluster_id",
             r.cluster_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.cluster_id)},
            {"mqtt_only", r.mqtt_only},
            {"nodes", r.nodes},
            {"seconds", r.seconds},
            {"summary", std::move(summary)},
            {"checks", std::move(checks)}};
}

std::string render_nagios(const report& r) {
    const auto overall = r.overall();
    std::string text;
    if (overall == verdict::ok) {
        text = std::to_string(r.checks.size()) + " checks (" + tally(r) + ") on " +
               std::to_string(r.nodes.size()) + " node" + (r.nodes.size() == 1 ? "" : "s");
        if (!r.cluster_id.empty()) {
            text += ", cluster '" + r.cluster_id + "'";
        }
    } else {
        // The first two checks of the worst verdict, and how many others are not OK.
        std::size_t shown = 0;
        std::size_t not_ok = 0;
        for (const auto& c : r.checks) {
            if (c.state == verdict::ok || c.state == verdict::skipped) {
                continue;
            }
            ++not_ok;
            if (c.state == overall && shown < 2) {
                ++shown;
                text += (text.empty() ? "" : "; ") + c.scope + " " + c.name + ": " + c.reason;
            }
        }
        if (not_ok > shown) {
            text += " (+" + std::to_string(not_ok - shown) + " more)";
        }
    }
    auto line = "EMQXCTL HEALTH " + std::string(to_string(overall)) + " - " + one_line(text);
    if (const auto perf = perfdata(r); !perf.empty()) {
        line += " | " + perf;
    }
    return line;
}

} // namespace emqx::health

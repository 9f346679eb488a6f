// report.html: one self-contained page (inline CSS and SVG, no script, no external reference)
// with each scenario's key figures, latency distribution and throughput over time.
#include <emqx/client/json_text.hpp>
#include <emqx/perf/results_file.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace emqx::perf {

namespace {

using point = std::pair<double, double>;

std::string escape(const std::string& text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
}

std::string scalar(const ordered_json& v) {
    if (v.is_string()) {
        return v.get<std::string>();
    }
    if (v.is_number_float()) {
        return number(v.get<double>());
    }
    return v.is_null() ? std::string{"-"} : client::json_text(v);
}

constexpr double chart_w = 560;
constexpr double chart_h = 240;
constexpr double margin = 48;

/// A line chart of `points` with axes, tick labels at the ends, and `x_ticks` labelled on x.
std::string svg_chart(const std::string& title, const std::string& y_label,
                      const std::vector<point>& points,
                      const std::vector<std::pair<double, std::string>>& x_ticks) {
    std::string out = "<figure><figcaption>" + escape(title) + "</figcaption>\n";
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(chart_w + 2 * margin) +
           "\" height=\"" + number(chart_h + 2 * margin) + "\" role=\"img\">\n";
    if (points.empty()) {
        return out + "<text x=\"60\" y=\"60\">no data</text></svg></figure>\n";
    }
    double x_max = 0;
    double y_max = 0;
    for (const auto& [x, y] : points) {
        x_max = std::max(x_max, x);
        y_max = std::max(y_max, y);
    }
    x_max = x_max > 0 ? x_max : 1;
    y_max = y_max > 0 ? y_max * 1.05 : 1;
    const auto sx = [&](double x) { return margin + x / x_max * chart_w; };
    const auto sy = [&](double y) { return margin + chart_h - y / y_max * chart_h; };
    out += "<rect x=\"" + number(margin) + "\" y=\"" + number(margin) + "\" width=\"" +
           number(chart_w) + "\" height=\"" + number(chart_h) +
           "\" fill=\"none\" stroke=\"#999\"/>\n";
    out += "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"";
    for (const auto& [x, y] : points) {
        out += number(sx(x)) + "," + number(sy(y)) + " ";
    }
    out += "\"/>\n";
    if (points.size() <= 60) { // few points: mark each, or a single one would not show
        for (const auto& [x, y] : points) {
            out += "<circle cx=\"" + number(sx(x)) + "\" cy=\"" + number(sy(y)) +
                   "\" r=\"3\" fill=\"#1f6feb\"/>\n";
        }
    }
    out += "<text x=\"4\" y=\"" + number(margin - 8) + "\">" + escape(y_label) + " (max " +
           number(y_max / 1.05) + ")</text>\n";
    for (const auto& [x, label] : x_ticks) {
        out += "<text x=\"" + number(sx(x)) + "\" y=\"" + number(margin + chart_h + 16) +
               "\" text-anchor=\"middle\">" + escape(label) + "</text>\n";
    }
    return out + "</svg></figure>\n";
}

/// Percentiles on a "nines" axis (0 at p0, 1 at p90, 2 at p99, ...) so the tail is visible.
std::string latency_chart(const ordered_json& curve) {
    std::vector<point> points;
    for (const auto& entry : curve) {
        const double p = std::min(entry[0].get<double>(), 99.999);
        points.emplace_back(-std::log10(1.0 - p / 100.0), entry[1].get<double>());
    }
    return svg_chart("Latency distribution (percentile)", "microseconds", points,
                     {{0, "p0"}, {1, "p90"}, {2, "p99"}, {3, "p99.9"}, {4, "p99.99"}});
}

std::string throughput_chart(const ordered_json& series) {
    std::vector<point> points;
    const std::string key = series.front().contains("delivered") ? "delivered" : "connected";
    double second = 0;
    for (const auto& sample : series) {
        points.emplace_back(second, sample.value(key, 0.0));
        second += 1;
    }
    std::vector<std::pair<double, std::string>> ticks{{0, "0 s"}};
    if (second > 1) {
        ticks.emplace_back(second - 1, number(second - 1) + " s");
    }
    return svg_chart("Throughput over time (" + key + " per second)", key + "/s", points, ticks);
}

void figures(const ordered_json& node, const std::string& prefix, std::string& out) {
    for (const auto& [key, value] : node.items()) {
        if (key == "schema" || key == "parameters" || key == "broker" || key == "fd_limit") {
            continue;
        }
        const std::string name = prefix.empty() ? key : prefix + "." + key;
        if (value.is_object()) {
            if (key != "runs") {
                figures(value, name, out);
            }
        } else if (!value.is_array()) {
            out += "<tr><td>" + escape(name) + "</td><td>" + escape(scalar(value)) + "</td></tr>\n";
        }
    }
}

std::string scenario_html(const std::string& name, const ordered_json& doc, int level) {
    // Appended rather than "h" + std::to_string(): GCC 12 at -O2 warns (-Wrestrict, a known
    // false positive) on operator+(const char*, std::string&&).
    std::string h = "h";
    h += std::to_string(level);
    std::string out = "<section><" + h + ">" + escape(name) + "</" + h + ">\n";
    out += "<table>\n";
    figures(doc, "", out);
    out += "</table>\n";
    if (doc.contains("latency_percentiles_us") && doc["latency_percentiles_us"].is_array()) {
        out += latency_chart(doc["latency_percentiles_us"]);
    }
    if (doc.contains("per_second") && doc["per_second"].is_array() && !doc["per_second"].empty()) {
        out += throughput_chart(doc["per_second"]);
    }
    if (doc.contains("runs") && doc["runs"].is_object()) {
        for (const auto& [run, run_doc] : doc["runs"].items()) {
            out += scenario_html(name + " " + run, run_doc, level + 1);
        }
    }
    return out + "</section>\n";
}

} // namespace

std::string to_html(const ordered_json& results) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<title>emqxctl perf results</title>\n<style>\n"
        "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
        "margin:1em 0}td{border:1px solid #ccc;padding:2px 8px;font-family:monospace}"
        "figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-weight:bold}"
        "svg text{font-size:11px;fill:#444}\n</style></head><body>\n"
        "<h1>emqxctl perf results</h1>\n";
    out += "<table>\n";
    for (const char* key : {"created", "tool"}) {
        if (results.contains(key)) {
            out += "<tr><td>" + std::string{key} + "</td><td>" + escape(scalar(results[key])) +
                   "</td></tr>\n";
        }
    }
    for (const char* section : {"broker", "environment"}) {
        if (results.contains(section)) {
            figures(results[section], section, out);
        }
    }
    out += "</table>\n";
    if (results.contains("scenarios") && results["scenarios"].is_object()) {
        for (const auto& [name, doc] : results["scenarios"].items()) {
            out += scenario_html(name, doc, 2);
        }
    }
    return out + "</body></html>\n";
}

} // namespace emqx::perf

// The Prometheus text format 0.0.4, as
// https://prometheus.io/docs/instrumenting/exposition_formats/ describes it.
#include "metrics/text_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace emqx::broker::prometheus {

namespace {

constexpr bool is_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

} // namespace

bool is_valid_metric_name(std::string_view name) noexcept {
    if (name.empty() || is_digit(name.front())) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return is_alpha(c) || is_digit(c) || c == '_' || c == ':';
    });
}

bool is_valid_label_name(std::string_view name) noexcept {
    if (name.empty() || is_digit(name.front()) || name.starts_with("__")) {
        return false;
    }
    return std::all_of(
        name.begin(), name.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '_'; });
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        default: out += c; break;
        }
    }
    return out;
}

std::string escape_help(std::string_view help) {
    std::string out;
    out.reserve(help.size());
    for (const char c : help) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        default: out += c; break;
        }
    }
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return {buffer, result.ptr};
}

text_writer::text_writer(std::string_view node_id) : node_value_(escape_label_value(node_id)) {
}

bool text_writer::family(std::string_view name, metric_type type, std::string_view help) {
    current_.clear();
    const bool counter_named_well = type != metric_type::counter || name.ends_with("_total");
    if (!is_valid_metric_name(name) || !counter_named_well ||
        std::find(written_.begin(), written_.end(), name) != written_.end()) {
        return false;
    }
    written_.emplace_back(name);
    current_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += type == metric_type::counter ? " counter\n" : " gauge\n";
    return true;
}

bool text_writer::sample(std::uint64_t value, std::initializer_list<label> labels) {
    if (!write_series(labels)) {
        return false;
    }
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out_.append(buffer, result.ptr);
    out_ += '\n';
    return true;
}

bool text_writer::sample(double value, std::initializer_list<label> labels) {
    if (!write_series(labels)) {
        return false;
    }
    out_ += format_value(value);
    out_ += '\n';
    return true;
}

bool text_writer::write_series(std::initializer_list<label> labels) {
    if (current_.empty()) {
        return false;
    }
    for (const auto& l : labels) {
        if (!is_valid_label_name(l.name) || l.name == "node") {
            return false;
        }
    }
    out_ += current_;
    out_ += "{node=\"";
    out_ += node_value_;
    out_ += '"';
    for (const auto& l : labels) {
        out_ += ',';
        out_ += l.name;
        out_ += "=\"";
        out_ += escape_label_value(l.value);
        out_ += '"';
    }
    out_ += "} ";
    return true;
}

} // namespace emqx::broker::prometheus

// The Prometheus text format 0.0.4 parser: one line at a time, no allocation per character.
#include <emqx/client/prometheus.hpp>

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace emqx::client {

namespace {

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

void skip_blanks(std::string_view line, std::size_t& at) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) {
        ++at;
    }
}

std::string_view read_name(std::string_view line, std::size_t& at, bool allow_colon) {
    const auto start = at;
    if (at < line.size() && is_name_start(line[at]) && (allow_colon || line[at] != ':')) {
        ++at;
        while (at < line.size() && is_name_char(line[at]) && (allow_colon || line[at] != ':')) {
            ++at;
        }
    }
    return line.substr(start, at - start);
}

/// Reads a quoted label value starting at the opening quote; \\, \" and \n are the escapes.
expected<std::string, std::string> read_label_value(std::string_view line, std::size_t& at) {
    if (at >= line.size() || line[at] != '"') {
        return unexpected(std::string("expected '\"' to open a label value"));
    }
    std::string value;
    for (++at; at < line.size(); ++at) {
        const char c = line[at];
        if (c == '"') {
            ++at;
            return value;
        }
        if (c != '\\') {
            value.push_back(c);
            continue;
        }
        if (++at >= line.size()) {
            break;
        }
        switch (line[at]) {
        case 'n': value.push_back('\n'); break;
        case '\\': value.push_back('\\'); break;
        case '"': value.push_back('"'); break;
        default:
            return unexpected(std::string("unknown escape '\\") + line[at] + "' in a label value");
        }
    }
    return unexpected(std::string("unterminated label value"));
}

expected<std::vector<std::pair<std::string, std::string>>, std::string>
read_labels(std::string_view line, std::size_t& at) {
    std::vector<std::pair<std::string, std::string>> labels;
    ++at; // the '{'
    for (;;) {
        skip_blanks(line, at);
        if (at < line.size() && line[at] == '}') {
            ++at;
            return labels;
        }
        const auto key = read_name(line, at, false);
        if (key.empty()) {
            return unexpected(std::string("expected a label name or '}'"));
        }
        skip_blanks(line, at);
        if (at >= line.size() || line[at] != '=') {
            return unexpected("expected '=' after label " + std::string(key));
        }
        ++at;
        skip_blanks(line, at);
        auto value = read_label_value(line, at);
        if (!value) {
            return unexpected(value.error());
        }
        labels.emplace_back(std::string(key), std::move(*value));
        skip_blanks(line, at);
        if (at < line.size() && line[at] == ',') {
            ++at;
        } else if (at >= line.size() || line[at] != '}') {
            return unexpected(std::string("expected ',' or '}' after a label"));
        }
    }
}

std::optional<double> parse_value(std::string_view text) {
    if (text == "NaN") {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (text == "+Inf" || text == "Inf") {
        return std::numeric_limits<double>::infinity();
    }
    if (text == "-Inf") {
        return -std::numeric_limits<double>::infinity();
    }
    if (text.find_first_not_of("0123456789+-.eE") != std::string_view::npos) {
        return std::nullopt; // strtod also takes "nan", "inf" and hex: the format does not
    }
    const std::string copy(text); // strtod needs a terminator
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(copy.c_str(), &end);
    if (copy.empty() || end != copy.c_str() + copy.size() || errno == ERANGE) {
        return std::nullopt;
    }
    return value;
}

bool is_integer(std::string_view text) {
    std::size_t at = (!text.empty() && text.front() == '-') ? 1 : 0;
    if (at == text.size()) {
        return false;
    }
    for (; at < text.size(); ++at) {
        if (text[at] < '0' || text[at] > '9') {
            return false;
        }
    }
    return true;
}

expected<sample, std::string> parse_sample_line(std::string_view line) {
    sample result;
    std::size_t at = 0;
    result.name = std::string(read_name(line, at, true));
    if (result.name.empty()) {
        return unexpected(std::string("expected a metric name"));
    }
    if (at < line.size() && line[at] == '{') {
        auto labels = read_labels(line, at);
        if (!labels) {
            return unexpected(labels.error());
        }
        result.labels = std::move(*labels);
    }
    if (at >= line.size() || (line[at] != ' ' && line[at] != '\t')) {
        return unexpected("expected a space and a value after " + result.name);
    }
    skip_blanks(line, at);
    const auto value_end = line.find_first_of(" \t", at);
    const auto value_text = line.substr(at, value_end - at);
    const auto value = parse_value(value_text);
    if (!value) {
        return unexpected("bad value '" + std::string(value_text) + "'");
    }
    result.value = *value;
    if (value_end != std::string_view::npos) {
        at = value_end;
        skip_blanks(line, at);
        const auto stamp = line.substr(at);
        if (!stamp.empty() && !is_integer(stamp)) {
            return unexpected("bad timestamp '" + std::string(stamp) + "'");
        }
    }
    return result;
}

} // namespace

std::optional<std::string_view> sample::label(std::string_view key) const {
    for (const auto& [k, v] : labels) {
        if (k == key) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

expected<std::vector<sample>, std::string> parse_prometheus(std::string_view text) {
    std::vector<sample> samples;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const auto newline = text.find('\n');
        auto line = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        std::size_t at = 0;
        skip_blanks(line, at);
        line = line.substr(at);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
            line.remove_suffix(1);
        }
        if (line.empty() || line.front() == '#') {
            continue;
        }
        auto parsed = parse_sample_line(line);
        if (!parsed) {
            return unexpected("line " + std::to_string(line_number) + ": " + parsed.error());
        }
        samples.push_back(std::move(*parsed));
    }
    return samples;
}

std::optional<double> find_value(const std::vector<sample>& samples,
                                 std::string_view name,
                                 const std::vector<std::pair<std::string, std::string>>& match) {
    for (const auto& s : samples) {
        if (s.name != name) {
            continue;
        }
        bool all = true;
        for (const auto& [key, value] : match) {
            const auto got = s.label(key);
            all = all && got && *got == value;
        }
        if (all) {
            return s.value;
        }
    }
    return std::nullopt;
}

std::optional<double> sum_values(const std::vector<sample>& samples, std::string_view name) {
    std::optional<double> total;
    for (const auto& s : samples) {
        if (s.name == name) {
            total = total.value_or(0.0) + s.value;
        }
    }
    return total;
}

} // namespace emqx::client

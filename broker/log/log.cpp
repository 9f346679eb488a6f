// Formatting and writing log lines (DESIGN.md section 7).
#include "log/log.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace emqx::broker::log {

namespace {

std::atomic<level> threshold_{level::info};
std::atomic<bool> json_{false};

// The output: stderr or a file. Guarded because the auth pool's threads never log but a
// future thread might; one lock per line is nothing next to the write itself.
std::mutex output_mutex_;
std::FILE* output_ = nullptr; // nullptr: stderr
std::string output_path_;

constexpr std::array<std::string_view, 6> level_names{"TRACE", "DEBUG", "INFO ", "WARN ",
                                                      "ERROR", "FATAL"};

// `prefix` then the byte as two hex digits: "\x1b" in text lines, "\u001b" in JSON.
void append_escaped(std::string& out, std::string_view prefix, char ch) {
    constexpr char hex[] = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(ch);
    out += prefix;
    out += hex[byte >> 4U];
    out += hex[byte & 0x0FU];
}

bool is_control(char ch) noexcept {
    const auto byte = static_cast<unsigned char>(ch);
    return byte < 0x20 || byte == 0x7F;
}

// Values come from clients (client ids, user names): quote anything that could break the
// line apart or hide in a terminal, so one event stays one line.
bool needs_quotes(std::string_view value) noexcept {
    for (const char ch : value) {
        if (ch == ' ' || ch == '"' || ch == '=' || is_control(ch)) {
            return true;
        }
    }
    return value.empty();
}

void append_value(std::string& line, std::string_view value) {
    if (!needs_quotes(value)) {
        line += value;
        return;
    }
    line += '"';
    for (const char ch : value) {
        if (ch == '"' || ch == '\\') {
            line += '\\';
            line += ch;
        } else if (ch == '\n') {
            line += "\\n";
        } else if (is_control(ch)) {
            append_escaped(line, "\\x", ch);
        } else {
            line += ch;
        }
    }
    line += '"';
}

void append_timestamp(std::string& line, std::int64_t unix_ms) {
    const std::time_t seconds = unix_ms / 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::array<char, 32> text{};
    const auto n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
    line.append(text.data(), n);
    std::array<char, 8> millis{};
    std::snprintf(millis.data(), millis.size(), ".%03dZ", static_cast<int>(unix_ms % 1000));
    line += millis.data();
}


void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (const char ch : text) {
        const auto byte = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (byte < 0x20) {
            append_escaped(out, "\\u00", ch);
        } else {
            out += ch;
        }
    }
    out += '"';
}

} // namespace

bool set_file(const std::string& path) {
    std::FILE* file = nullptr;
    if (!path.empty()) {
        file = std::fopen(path.c_str(), "a");
        if (file == nullptr) {
            return false;
        }
        std::setvbuf(file, nullptr, _IOLBF, 0);
    }
    const std::lock_guard lock{output_mutex_};
    if (output_ != nullptr) {
        std::fclose(output_);
    }
    output_ = file;
    output_path_ = path;
    return true;
}

bool reopen() {
    std::string path;
    {
        const std::lock_guard lock{output_mutex_};
        path = output_path_;
    }
    return set_file(path);
}

void set_json(bool json) noexcept {
    json_.store(json, std::memory_order_relaxed);
}

void set_threshold(level l) noexcept {
    threshold_.store(l, std::memory_order_relaxed);
}

bool enabled(level l) noexcept {
    return l >= threshold_.load(std::memory_order_relaxed);
}

std::string format(level l, std::string_view component, std::string_view message,
                   std::initializer_list<field> fields, std::int64_t unix_ms) {
    std::string line;
    line.reserve(128);
    append_timestamp(line, unix_ms);
    line += ' ';
    line += level_names[static_cast<std::size_t>(l)];
    line += ' ';
    line += component;
    line += ' ';
    line += message;
    for (const auto& [key, value] : fields) {
        line += ' ';
        line += key;
        line += '=';
        append_value(line, value);
    }
    line += '\n';
    return line;
}

std::string format_json(level l, std::string_view component, std::string_view message,
                        std::initializer_list<field> fields, std::int64_t unix_ms) {
    std::string ts;
    append_timestamp(ts, unix_ms);
    std::string line = "{\"ts\":";
    append_json_string(line, ts);
    line += ",\"level\":";
    std::string_view name = level_names[static_cast<std::size_t>(l)];
    while (!name.empty() && name.back() == ' ') {
        name.remove_suffix(1);
    }
    append_json_string(line, name);
    line += ",\"component\":";
    append_json_string(line, component);
    line += ",\"msg\":";
    append_json_string(line, message);
    for (const auto& [key, value] : fields) {
        line += ',';
        append_json_string(line, key);
        line += ':';
        append_json_string(line, value);
    }
    line += "}\n";
    return line;
}

void write(level l, std::string_view component, std::string_view message,
           std::initializer_list<field> fields) {
    if (!enabled(l)) {
        return;
    }
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
    const std::string line = json_.load(std::memory_order_relaxed)
                                 ? format_json(l, component, message, fields, ms)
                                 : format(l, component, message, fields, ms);
    const std::lock_guard lock{output_mutex_};
    std::fwrite(line.data(), 1, line.size(), output_ != nullptr ? output_ : stderr);
}

} // namespace emqx::broker::log

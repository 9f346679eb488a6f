// The file parts of a bundle: logs within the time window and the size cap (newest kept),
// config files, and the health run as a child process.
#include "collect_parts.hpp"

#include <emqx/diag/log_source.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace emqx::diag {

namespace fs = std::filesystem;

std::optional<std::uint64_t> parse_size(std::string_view text) noexcept {
    if (text.empty()) {
        return std::nullopt;
    }
    std::uint64_t unit = 1;
    switch (std::toupper(static_cast<unsigned char>(text.back()))) {
    case 'K': unit = 1ULL << 10; break;
    case 'M': unit = 1ULL << 20; break;
    case 'G': unit = 1ULL << 30; break;
    default: break;
    }
    if (unit != 1 || text.back() == 'B' || text.back() == 'b') {
        text.remove_suffix(1);
    }
    if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char ch : text) {
        value = value * 10 + static_cast<std::uint64_t>(ch - '0');
    }
    return value * unit;
}

namespace {

// The lines of one log file within the window: a line without a time of its own follows the
// decision of the line before it.
std::optional<std::string> read_log_window(const fs::path& path, std::optional<std::int64_t> since_ms,
                                           std::string& error) {
    auto reader = line_reader::open(path);
    if (!reader) {
        error = reader.error();
        return std::nullopt;
    }
    std::string out;
    std::string line;
    bool keep = !since_ms.has_value();
    while (reader.value().next(line)) {
        if (since_ms) {
            if (const auto record = parse_line(line)) {
                keep = record.value().unix_ms >= *since_ms;
            }
        }
        if (keep) {
            out += line;
            out += '\n';
        }
    }
    error = reader.value().error();
    return out;
}

// The end of `text` that fits in `budget` bytes, starting at a line.
std::string newest_part(const std::string& text, std::uint64_t budget) {
    if (text.size() <= budget) {
        return text;
    }
    auto start = text.size() - budget;
    const auto newline = text.find('\n', start);
    start = newline == std::string::npos ? text.size() : newline + 1;
    return text.substr(start);
}

} // namespace

void collect_logs(const collect_options& o, const std::vector<fs::path>& extra, redactor& redact,
                  parts& out) {
    std::vector<std::string> given;
    for (const auto& p : o.log_paths) {
        given.push_back(p.string());
    }
    for (const auto& p : extra) {
        given.push_back(p.string());
    }
    auto files = expand_log_paths(given);
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    // Newest first, so that the cap drops the oldest.
    std::error_code ec;
    std::stable_sort(files.begin(), files.end(), [&ec](const fs::path& a, const fs::path& b) {
        return fs::last_write_time(a, ec) > fs::last_write_time(b, ec);
    });
    std::uint64_t budget = o.max_log_bytes;
    std::map<std::string, int> names;
    for (const auto& path : files) {
        std::string error;
        auto text = read_log_window(path, o.since_ms, error);
        const std::string item = "logs/" + path.filename().string();
        if (!text) {
            out.missing.push_back({item, error});
            continue;
        }
        if (!error.empty()) {
            out.missing.push_back({item + " (rest)", "read stopped early: " + error});
        }
        if (text->empty()) {
            continue;
        }
        if (budget == 0) {
            out.missing.push_back({item, "left out: --max-log-size reached (older than the logs kept)"});
            continue;
        }
        std::string kept = newest_part(*text, budget);
        if (kept.size() < text->size()) {
            out.missing.push_back({item + " (older part)", "cut to the newest " + std::to_string(kept.size()) +
                                                               " bytes by --max-log-size"});
        }
        budget -= std::min<std::uint64_t>(budget, kept.size());
        std::string name = path.filename().string();
        if (name.size() > 3 && name.ends_with(".gz")) {
            name.resize(name.size() - 3); // stored decompressed: the bundle is compressed anyway
        }
        if (const auto seen = names[name]++; seen > 0) {
            name += '.'; // appended: "." + text makes GCC 12 warn (-Wrestrict) in release
            name += std::to_string(seen + 1);
        }
        out.files.push_back({"logs/" + name, redact.redact(kept),
                             path.string() + (o.since_ms ? " (lines within --since)" : "")});
    }
}

void collect_configs(const std::vector<fs::path>& configs, redactor& redact, parts& out) {
    std::map<std::string, int> names;
    for (const auto& path : configs) {
        std::ifstream in{path, std::ios::binary};
        std::string name = path.filename().string();
        if (!in) {
            out.missing.push_back({"config/" + name, "cannot read " + path.string()});
            continue;
        }
        const std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
        if (const auto seen = names[name]++; seen > 0) {
            name += '.'; // appended: "." + text makes GCC 12 warn (-Wrestrict) in release
            name += std::to_string(seen + 1);
        }
        out.files.push_back({"config/" + name, redact.redact(text), path.string()});
    }
}

std::pair<int, std::string> run_capture(const std::vector<std::string>& argv,
                                        std::chrono::milliseconds timeout) {
    if (argv.empty()) {
        return {-1, {}};
    }
    std::array<int, 2> pipe_fds{};
    if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
        return {-1, {}};
    }
    std::vector<char*> args;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipe_fds[1], STDOUT_FILENO);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDERR_FILENO);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    if (pid < 0) {
        ::close(pipe_fds[0]);
        return {-1, {}};
    }
    std::string output;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool killed = false;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid, SIGKILL);
            killed = true;
            break;
        }
        pollfd p{pipe_fds[0], POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 200))) <= 0) {
            continue;
        }
        std::array<char, 8192> chunk{};
        const ssize_t n = ::read(pipe_fds[0], chunk.data(), chunk.size());
        if (n <= 0) {
            break;
        }
        output.append(chunk.data(), static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    int raw = 0;
    ::waitpid(pid, &raw, 0);
    return {killed || !WIFEXITED(raw) ? -1 : WEXITSTATUS(raw), output};
}

} // namespace emqx::diag

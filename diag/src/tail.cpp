// Filtering, formatting and following log files for `emqxctl log tail`.
#include <emqx/client/json_text.hpp>
#include <emqx/diag/log_source.hpp>
#include <emqx/diag/tail.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <regex.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>

namespace emqx::diag {

namespace fs = std::filesystem;

namespace {

bool needs_quotes(std::string_view value) noexcept {
    return value.empty() || has_control(value) ||
           std::any_of(value.begin(), value.end(), [](char ch) {
               return ch == ' ' || ch == '"' || ch == '=';
           });
}

std::string_view level_colour(log_level level) noexcept {
    switch (level) {
    case log_level::fatal: return "\x1b[1;31m";
    case log_level::error: return "\x1b[31m";
    case log_level::warn: return "\x1b[33m";
    case log_level::info: return "\x1b[32m";
    default: return "\x1b[2m";
    }
}

} // namespace

bool record_filter::matches(const log_record& record) const {
    if (record.level < min_level || (!component.empty() && record.component != component)) {
        return false;
    }
    return !pattern || pattern->found_in(format_line(record, true, false));
}

struct line_pattern::compiled {
    regex_t re{};
    compiled() = default;
    compiled(const compiled&) = delete;
    compiled& operator=(const compiled&) = delete;
    ~compiled() { ::regfree(&re); }
};

expected<line_pattern, std::string> line_pattern::compile(const std::string& text) {
    regex_t re{};
    if (const int code = ::regcomp(&re, text.c_str(), REG_EXTENDED | REG_NOSUB); code != 0) {
        std::array<char, 256> why{};
        ::regerror(code, &re, why.data(), why.size()); // a failed regcomp leaves nothing to free
        return unexpected{std::string{why.data()}};
    }
    auto c = std::make_shared<compiled>();
    c->re = re; // owned (and freed) by c from here
    return line_pattern{std::move(c)};
}

bool line_pattern::found_in(const std::string& line) const noexcept {
    return ::regexec(&re_->re, line.c_str(), 0, nullptr, 0) == 0;
}

std::string format_line(const log_record& r, bool with_node, bool color) {
    std::string line;
    if (with_node) {
        line += "[" + printable(r.node) + "] ";
    }
    line += format_timestamp(r.unix_ms) + ' ';
    std::string level{level_name(r.level)};
    level.resize(5, ' ');
    line += color ? std::string{level_colour(r.level)} + level + "\x1b[0m" : level;
    // What came from the log is printed with its control characters as \xHH (printable): the
    // line goes to a terminal, and the parser reads \xHH back.
    line += ' ' + printable(r.component) + ' ' + printable(r.message);
    for (const auto& [key, value] : r.fields) {
        line += ' ' + printable(key) + '=';
        if (!needs_quotes(value)) {
            line += value;
            continue;
        }
        std::string quoted;
        for (const char ch : value) {
            if (ch == '"' || ch == '\\') {
                quoted += '\\';
            }
            quoted += ch == '\n' ? std::string{"\\n"} : std::string(1, ch);
        }
        line += '"' + printable(quoted) + '"';
    }
    return line;
}

struct log_follower::file {
    fs::path path;
    std::string node;
    int fd = -1;
    ino_t inode = 0;
    off_t offset = 0;
    std::string partial;

    void open_at_end(bool at_end) {
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st {};
        if (fd < 0 || ::fstat(fd, &st) != 0) {
            return;
        }
        inode = st.st_ino;
        offset = at_end ? st.st_size : 0;
        partial.clear();
    }

    void drain(std::vector<log_record>& out) {
        std::array<char, 65536> chunk{};
        for (int i = 0; i < 1024 && fd >= 0; ++i) {
            const ssize_t n = ::pread(fd, chunk.data(), chunk.size(), offset);
            if (n <= 0) {
                break;
            }
            offset += n;
            partial.append(chunk.data(), static_cast<std::size_t>(n));
        }
        std::size_t start = 0;
        for (auto nl = partial.find('\n'); nl != std::string::npos; nl = partial.find('\n', start)) {
            auto record = parse_line(std::string_view{partial}.substr(start, nl - start));
            if (record) {
                record.value().node = node;
                out.push_back(std::move(record).value());
            }
            start = nl + 1;
        }
        partial.erase(0, start);
    }

    void close_fd() {
        if (fd >= 0) {
            ::close(fd);
        }
        fd = -1;
    }
};

log_follower::log_follower(const std::vector<fs::path>& files) {
    for (const auto& path : files) {
        const auto name = path.filename().string();
        if (name.size() > 3 && name.ends_with(".gz")) {
            continue;
        }
        file f;
        f.path = path;
        f.node = node_of_file(path);
        f.open_at_end(true);
        files_.push_back(std::move(f));
    }
}

log_follower::~log_follower() {
    for (auto& f : files_) {
        f.close_fd();
    }
}

std::vector<log_record> log_follower::poll() {
    std::vector<log_record> out;
    for (auto& f : files_) {
        f.drain(out);
        struct stat st {};
        if (::stat(f.path.c_str(), &st) != 0) {
            continue; // rotated away and not yet recreated: keep the old one open
        }
        if (f.fd < 0 || st.st_ino != f.inode) {
            f.close_fd();
            f.open_at_end(false);
            f.drain(out);
        } else if (st.st_size < f.offset) {
            f.offset = 0;
            f.partial.clear();
            f.drain(out);
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const log_record& a, const log_record& b) { return a.unix_ms < b.unix_ms; });
    return out;
}

std::vector<std::string> cluster_log_files(const fs::path& cluster_dir) {
    std::ifstream in{cluster_dir / "cluster.json"};
    if (!in) {
        return {};
    }
    const std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    const auto doc = client::parse_json(text);
    std::vector<std::string> files;
    if (doc.is_discarded() || !doc.contains("nodes") || !doc["nodes"].is_array()) {
        return files;
    }
    for (const auto& node : doc["nodes"]) {
        if (node.is_object() && node.contains("log") && node["log"].is_string()) {
            std::error_code ec;
            const auto path = node["log"].get<std::string>();
            if (fs::exists(path, ec)) {
                files.push_back(path);
            }
        }
    }
    return files;
}

} // namespace emqx::diag

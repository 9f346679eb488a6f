// What `emqxctl log tail` needs below the CLI: filtering records, writing them back as lines,
// following files across rotation, and finding the local cluster's logs.
#pragma once

#include <emqx/base/expected.hpp>
#include <emqx/diag/log_record.hpp>


#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::diag {

/// A POSIX extended regular expression (as `grep -E`), matched anywhere in a line. glibc's
/// matcher, not std::regex: libstdc++'s recurses once per character for a pattern such as
/// "(a|b)*x", and a long log line overflowed the stack (SIGSEGV).
class line_pattern {
public:
    /// The compiled pattern, or why it is not one ("Unmatched ( or \\(").
    [[nodiscard]] static expected<line_pattern, std::string> compile(const std::string& text);
    /// Whether the pattern matches somewhere in `line` (which holds no NUL byte).
    [[nodiscard]] bool found_in(const std::string& line) const noexcept;

private:
    struct compiled;
    explicit line_pattern(std::shared_ptr<const compiled> re) : re_(std::move(re)) {}
    std::shared_ptr<const compiled> re_;
};

/// Which records to show: at least `min_level`, of `component` (when set), and whose line
/// matches `pattern` (when set).
struct record_filter {
    log_level min_level = log_level::trace;
    std::string component;
    std::optional<line_pattern> pattern;

    [[nodiscard]] bool matches(const log_record& record) const;
};

/// The record as a text log line (DESIGN.md section 7), without a newline; `with_node`
/// prefixes "[node] " so that merged nodes can be told apart; `color` paints the level.
[[nodiscard]] std::string format_line(const log_record& record, bool with_node, bool color);

/// Follows growing log files like `tail -F`: new complete lines as records. A file replaced
/// (a new inode: rotation) is read to its end and then reopened from its start; a file that
/// shrank (truncation) is read again from its start. gzip files are not followed.
class log_follower {
public:
    /// Starts at the current end of every file.
    explicit log_follower(const std::vector<std::filesystem::path>& files);
    log_follower(const log_follower&) = delete;
    log_follower& operator=(const log_follower&) = delete;
    ~log_follower();

    /// Reads what was appended since the last call; records in time order. Never blocks.
    [[nodiscard]] std::vector<log_record> poll();

private:
    struct file;
    std::vector<file> files_;
};

/// The log files of the local cluster: the `log` of every node in the cluster file
/// (`cluster_dir`/cluster.json) that exists; empty when there is none.
[[nodiscard]] std::vector<std::string> cluster_log_files(const std::filesystem::path& cluster_dir);

} // namespace emqx::diag

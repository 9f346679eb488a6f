// Reading log files (plain or gzip) line by line, and merging several nodes' files by time.
#pragma once

#include <emqx/base/expected.hpp>
#include <emqx/diag/log_lines.hpp>
#include <emqx/diag/log_record.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace emqx::diag {

/// Reads lines from a file, plain or gzip-compressed (detected by content, not by name).
/// The last line may lack its newline (a truncated write) and is still returned.
class line_reader {
public:
    [[nodiscard]] static expected<line_reader, std::string> open(const std::filesystem::path& path);
    line_reader(line_reader&&) noexcept;
    line_reader& operator=(line_reader&&) noexcept;
    line_reader(const line_reader&) = delete;
    line_reader& operator=(const line_reader&) = delete;
    ~line_reader();

    /// The next line without its newline; false at the end or on a read error.
    [[nodiscard]] bool next(std::string& line);
    /// The same without a copy: the view is valid until the next call.
    [[nodiscard]] bool next(std::string_view& line);
    /// The splitter of the last line next() gave: where it is and its byte classes.
    [[nodiscard]] const line_splitter& lines() const noexcept { return *lines_; }
    /// Set when reading stopped on a decompression or read error rather than at the end.
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

private:
    line_reader() = default;
    void* gz_ = nullptr; // gzFile, kept opaque so that zlib.h stays out of this header
    std::unique_ptr<line_splitter> lines_;
    bool eof_ = false;
    std::string error_;
};

/// The log files a user named: files as given, directories expanded to the regular files in
/// them whose name contains ".log" (sorted). Names that do not exist are returned as they are
/// so that opening them reports the error.
[[nodiscard]] std::vector<std::filesystem::path>
expand_log_paths(const std::vector<std::string>& paths);

/// Which node wrote a file: the `node=` of its "configuration loaded" line among the first
/// lines, else the file name up to its first '.' ("node2.log.1.gz" -> "node2").
[[nodiscard]] std::string node_of_file(const std::filesystem::path& path);

/// What reading one file gave.
struct file_stats {
    std::string path;
    std::string node;
    std::uint64_t lines = 0;
    std::uint64_t parsed = 0;
    std::uint64_t unparsable = 0;
    std::string error; ///< why the file could not be opened or read to its end, else ""
};

/// One unparsable line, kept as an example for the report.
struct bad_line {
    std::string path;
    std::uint64_t line_number = 0;
    parse_failure reason = parse_failure::binary;
};

/// Several files read together: records come out in time order across files (a k-way merge;
/// each file is taken as already in time order, as a log is; equal times come from the file
/// named first). Unparsable lines are counted. Records are views, valid until the next call:
/// nothing is copied per line.
class merged_views {
public:
    explicit merged_views(const std::vector<std::filesystem::path>& files);
    merged_views(const merged_views&) = delete;
    merged_views& operator=(const merged_views&) = delete;
    ~merged_views();

    /// The next record in time order; nullptr when every file is exhausted.
    [[nodiscard]] const log_view* next();
    [[nodiscard]] const std::vector<file_stats>& stats() const noexcept { return stats_; }
    /// The first few unparsable lines (at most 20).
    [[nodiscard]] const std::vector<bad_line>& bad_lines() const noexcept { return bad_lines_; }

private:
    struct source;
    bool read_from(std::size_t index);

    std::vector<std::unique_ptr<source>> sources_;
    std::vector<file_stats> stats_;
    std::vector<bad_line> bad_lines_;
    std::vector<std::pair<std::int64_t, std::size_t>> heap_; // (time, source), min-heap
    std::size_t current_ = 0;   // the source whose head was returned last
    bool started_ = false;
};

/// merged_views with owning records, for callers that keep them (log tail).
class merged_logs {
public:
    explicit merged_logs(const std::vector<std::filesystem::path>& files) : views_(files) {}

    /// The next record in time order; nullopt when every file is exhausted.
    [[nodiscard]] std::optional<log_record> next();
    [[nodiscard]] const std::vector<file_stats>& stats() const noexcept { return views_.stats(); }
    /// The first few unparsable lines (at most 20).
    [[nodiscard]] const std::vector<bad_line>& bad_lines() const noexcept { return views_.bad_lines(); }

private:
    merged_views views_;
};

} // namespace emqx::diag

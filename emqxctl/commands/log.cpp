// `emqxctl log analyze` and `emqxctl log tail`: bind the flags, read and merge the nodes' logs
// through emqx_diag, print a report or the lines, return the exit status.
#include "commands/command.hpp"

#include <emqx/client/json_text.hpp>
#include <emqx/client/node.hpp>
#include <emqx/diag/analyze.hpp>
#include <emqx/diag/log_source.hpp>
#include <emqx/diag/tail.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <memory>
#include <thread>

namespace emqx::ctl {

namespace {

struct analyze_flags {
    std::vector<std::string> paths;
    std::string since;
    std::string until;
    std::vector<std::string> nodes;
    std::size_t top = 10;
};

struct tail_flags {
    std::vector<std::string> paths;
    std::string level = "trace";
    std::string component;
    std::string grep;
    bool follow = false;
    std::size_t lines = 10;
    std::size_t count = 0;
    double max_time = 0;
};

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The files to read: as given, else the local cluster's logs; empty (after a message) when
/// there is nothing to read.
std::vector<std::string> paths_or_cluster(const std::vector<std::string>& given, const char* command) {
    if (!given.empty()) {
        return given;
    }
    auto files = diag::cluster_log_files(client::default_cluster_dir());
    if (files.empty()) {
        std::fprintf(stderr,
                     "emqxctl log %s: no log files given and no local cluster file with logs in %s\n"
                     "hint: name the files or directories, e.g. emqxctl log %s /var/log/emqxd\n",
                     command, client::default_cluster_dir().c_str(), command);
    }
    return files;
}

int run_analyze(const analyze_flags& f, const global_options& g) {
    diag::analyze_options options;
    options.top = f.top;
    options.nodes = {f.nodes.begin(), f.nodes.end()};
    const auto now = now_ms();
    for (const auto& [text, bound, name] :
         {std::tuple{&f.since, &options.since_ms, "--since"}, std::tuple{&f.until, &options.until_ms, "--until"}}) {
        if (text->empty()) {
            continue;
        }
        *bound = diag::parse_time_bound(*text, now);
        if (!*bound) {
            std::fprintf(stderr, "emqxctl log analyze: %s %s: not a duration (30m, 2h, 1d) or a UTC "
                                 "time (2026-11-22T08:00:00Z)\n", name, text->c_str());
            return exit_usage;
        }
    }
    const auto paths = paths_or_cluster(f.paths, "analyze");
    if (paths.empty()) {
        return exit_unknown;
    }
    const auto result = diag::analyze_files(paths, options);
    if (g.output == output_format::json) {
        std::printf("%s\n", client::json_text(diag::to_json(result), 2).c_str());
    } else {
        const bool color = !g.no_color && ::isatty(STDOUT_FILENO) == 1;
        std::fputs(diag::to_text(result, color).c_str(), stdout);
    }
    return result.exit_status();
}

int run_tail(const tail_flags& f, const global_options& g) {
    diag::record_filter filter;
    filter.min_level = diag::parse_level(f.level).value_or(diag::log_level::trace);
    filter.component = f.component;
    if (!f.grep.empty()) {
        auto pattern = diag::line_pattern::compile(f.grep);
        if (!pattern) {
            std::fprintf(stderr,
                         "emqxctl log tail: --grep %s: %s\n",
                         f.grep.c_str(),
                         pattern.error().c_str());
            return exit_usage;
        }
        filter.pattern = std::move(pattern).value();
    }
    const auto given = paths_or_cluster(f.paths, "tail");
    if (given.empty()) {
        return exit_unknown;
    }
    const auto files = diag::expand_log_paths(given);
    const bool color = !g.no_color && ::isatty(STDOUT_FILENO) == 1;
    const bool with_node = files.size() > 1;
    diag::merged_logs logs{files};
    std::deque<diag::log_record> last;
    while (auto record = logs.next()) {
        if (filter.matches(*record)) {
            last.push_back(std::move(*record));
            if (last.size() > f.lines) {
                last.pop_front();
            }
        }
    }
    bool readable = false;
    for (const auto& s : logs.stats()) {
        readable = readable || s.error.empty();
    }
    if (!readable) {
        std::fprintf(stderr, "emqxctl log tail: none of the files could be read\n");
        return exit_unknown;
    }
    for (const auto& r : last) {
        std::printf("%s\n", diag::format_line(r, with_node, color).c_str());
    }
    std::fflush(stdout);
    if (!f.follow) {
        return exit_ok;
    }
    diag::log_follower follower{files};
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<std::int64_t>(f.max_time * 1000));
    std::size_t printed = 0;
    while (f.max_time <= 0 || std::chrono::steady_clock::now() < deadline) {
        for (const auto& r : follower.poll()) {
            if (!filter.matches(r)) {
                continue;
            }
            std::printf("%s\n", diag::format_line(r, with_node, color).c_str());
            if (f.count > 0 && ++printed >= f.count) {
                std::fflush(stdout);
                return exit_ok;
            }
        }
        std::fflush(stdout);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return exit_ok;
}

void add_analyze(CLI::App& log, const global_options& globals, action& selected) {
    auto f = std::make_shared<analyze_flags>();
    auto* cmd = log.add_subcommand("analyze", "count, group and judge the events of emqxd logs");
    cmd->add_option("paths", f->paths, "log files or directories (plain or .gz; default: the local "
                                       "cluster's logs)")
        ->type_name("FILE|DIR");
    cmd->add_option("--since", f->since, "only events from this time: a duration back (30m, 2h, 1d) "
                                         "or a UTC time (2026-11-22T08:00:00Z)");
    cmd->add_option("--until", f->until, "only events before this time (same forms as --since)");
    // One value per --node: a path after it is a path, not a second node id.
    cmd->add_option("--node", f->nodes, "only the events of this node id (repeatable)")
        ->type_name("NODE_ID")
        ->allow_extra_args(false);
    cmd->add_option("--top", f->top, "how many of the most frequent messages to show")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->fallthrough(); // global options (-o json) may follow the subcommand
    cmd->callback([f, &globals, &selected] { selected = [f, &globals] { return run_analyze(*f, globals); }; });
}

void add_tail(CLI::App& log, const global_options& globals, action& selected) {
    auto f = std::make_shared<tail_flags>();
    auto* cmd = log.add_subcommand("tail", "show the nodes' latest log lines merged by time, "
                                           "filtered, and follow them");
    cmd->add_option("paths", f->paths, "log files or directories (default: the local cluster's logs)")
        ->type_name("FILE|DIR");
    cmd->add_option("--level", f->level, "lowest level shown: trace, debug, info, warn, error, fatal")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "fatal"}, CLI::ignore_case))
        ->capture_default_str();
    cmd->add_option("--component", f->component, "only this component (mqtt, auth, cluster, ...)");
    cmd->add_option("--grep",
                    f->grep,
                    "only lines matching this POSIX extended regular expression (as grep -E)")
        ->type_name("RE");
    cmd->add_option("-n,--lines", f->lines, "how many existing lines to show first (0: none)")
        ->capture_default_str();
    cmd->add_flag("-f,--follow", f->follow, "keep printing new lines, across log rotation");
    cmd->add_option("--count", f->count, "with --follow: stop after this many new lines");
    cmd->add_option("--max-time", f->max_time, "with --follow: stop after this many seconds")
        ->check(CLI::NonNegativeNumber);
    cmd->fallthrough();
    cmd->callback([f, &globals, &selected] { selected = [f, &globals] { return run_tail(*f, globals); }; });
}

} // namespace

void register_log(CLI::App& app, const global_options& globals, action& selected) {
    auto* log = app.add_subcommand("log", "analyse and tail emqxd logs");
    log->require_subcommand(1);
    log->fallthrough();
    add_analyze(*log, globals, selected);
    add_tail(*log, globals, selected);
}

} // namespace emqx::ctl

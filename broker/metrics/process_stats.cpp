// /proc/self/stat, /proc/self/fd and RLIMIT_NOFILE, as proc(5) documents them.
#include "metrics/process_stats.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>

namespace emqx::broker::prometheus {

namespace {

/// Splits off the next space-separated field of `rest`.
std::string_view next_field(std::string_view& rest) noexcept {
    const auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        rest = {};
        return {};
    }
    rest.remove_prefix(start);
    const auto end = rest.find(' ');
    const auto field = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    return field;
}

template <typename Int>
bool parse_int(std::string_view text, Int& out) noexcept {
    const auto result = std::from_chars(text.data(), text.data() + text.size(), out);
    return result.ec == std::errc{} && result.ptr == text.data() + text.size();
}

std::optional<std::uint64_t> count_open_fds() noexcept {
    // Linux 6.2 and later give the count as the size of the directory: one stat() instead
    // of reading an entry per descriptor (which, with 100k MQTT connections, would hold up
    // the io thread for a noticeable time).
    struct stat dir_stat {};
    if (::stat("/proc/self/fd", &dir_stat) == 0 && dir_stat.st_size > 0) {
        return static_cast<std::uint64_t>(dir_stat.st_size);
    }
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) {
        return std::nullopt;
    }
    std::uint64_t count = 0;
    while (const dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.') {
            ++count;
        }
    }
    ::closedir(dir);
    return count == 0 ? 0 : count - 1; // the descriptor opendir itself holds
}

} // namespace

std::optional<stat_fields>
parse_proc_stat(std::string_view text, long ticks_per_second, long page_size) noexcept {
    // Fields after the command name start at field 3 (state); utime is 14, stime 15, rss 24.
    const auto close = text.rfind(')');
    if (close == std::string_view::npos || ticks_per_second <= 0 || page_size <= 0) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(close + 1);
    std::uint64_t utime = 0;
    std::uint64_t stime = 0;
    std::int64_t rss = 0;
    for (int field = 3; field <= 24; ++field) {
        const auto value = next_field(rest);
        if (value.empty()) {
            return std::nullopt;
        }
        const bool ok = field == 14   ? parse_int(value, utime)
                        : field == 15 ? parse_int(value, stime)
                        : field == 24 ? parse_int(value, rss)
                                      : true;
        if (!ok) {
            return std::nullopt;
        }
    }
    stat_fields out;
    out.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(ticks_per_second);
    out.resident_memory_bytes =
        rss > 0 ? static_cast<std::uint64_t>(rss) * static_cast<std::uint64_t>(page_size) : 0;
    return out;
}

std::optional<process_stats> read_process_stats() noexcept {
    const int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }
    char buffer[1024];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    ::close(fd);
    if (n <= 0) {
        return std::nullopt;
    }
    const auto fields = parse_proc_stat(
        {buffer, static_cast<std::size_t>(n)}, ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE));
    const auto fds = count_open_fds();
    rlimit limit{};
    if (!fields || !fds || ::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return std::nullopt;
    }
    process_stats out;
    out.cpu_seconds = fields->cpu_seconds;
    out.resident_memory_bytes = fields->resident_memory_bytes;
    out.open_fds = *fds;
    out.max_fds = limit.rlim_cur;
    return out;
}

} // namespace emqx::broker::prometheus

// Local process facts from /proc and statvfs.
#include <emqx/health/process.hpp>

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace emqx::health {

namespace {

namespace fs = std::filesystem;

std::uint64_t status_kib(const fs::path& status_file, std::string_view field) {
    std::ifstream in(status_file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field, 0) == 0) {
            return std::strtoull(line.c_str() + field.size(), nullptr, 10);
        }
    }
    return 0;
}

/// The soft limit from the "Max open files" line of /proc/PID/limits; 0 when unlimited.
std::uint64_t max_open_files(const fs::path& limits_file) {
    std::ifstream in(limits_file);
    std::string line;
    constexpr std::string_view key = "Max open files";
    while (std::getline(in, line)) {
        if (line.rfind(key, 0) == 0) {
            std::istringstream fields(line.substr(key.size()));
            std::string soft;
            fields >> soft;
            return soft == "unlimited" ? 0 : std::strtoull(soft.c_str(), nullptr, 10);
        }
    }
    return 0;
}

fs::path find_log_dir(const fs::path& proc_dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(proc_dir / "fd", ec)) {
        const auto target = fs::read_symlink(entry.path(), ec);
        if (!ec && target.extension() == ".log" && target.is_absolute()) {
            return target.parent_path();
        }
    }
    const auto cwd = fs::read_symlink(proc_dir / "cwd", ec);
    return ec ? fs::path() : cwd;
}

} // namespace

expected<process_info, std::string> read_process(long pid, const fs::path& proc_root) {
    const auto dir = proc_root / std::to_string(pid);
    std::error_code ec;
    if (pid <= 0 || !fs::exists(dir / "status", ec)) {
        return unexpected("no process " + std::to_string(pid) + " in " + proc_root.string());
    }
    process_info info;
    info.pid = pid;
    std::ifstream(dir / "comm") >> info.name;
    info.rss_bytes = status_kib(dir / "status", "VmRSS:") * 1024;
    info.max_fds = max_open_files(dir / "limits");
    fs::directory_iterator fds(dir / "fd", ec);
    if (ec) {
        return unexpected("cannot read " + (dir / "fd").string() + ": " + ec.message() +
                          " (another user's process?)");
    }
    for (const auto& entry : fds) {
        (void)entry;
        ++info.open_fds;
    }
    info.log_dir = find_log_dir(dir);
    return info;
}

bool is_local_host(std::string_view host) noexcept {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

expected<disk_space, std::string> disk_space_of(const fs::path& path) {
    struct statvfs figures {};
    if (::statvfs(path.c_str(), &figures) != 0) {
        return unexpected("cannot statvfs " + path.string() + ": " + std::strerror(errno));
    }
    return disk_space{static_cast<std::uint64_t>(figures.f_bavail) * figures.f_frsize,
                      static_cast<std::uint64_t>(figures.f_blocks) * figures.f_frsize};
}

} // namespace emqx::health

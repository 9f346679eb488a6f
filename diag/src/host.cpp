// The host part of a diagnostics bundle, from /proc and /sys.
#include <emqx/diag/host.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace emqx::diag {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_text(const fs::path& path, std::size_t limit = 4 << 20) {
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        return std::nullopt;
    }
    // /proc files report size 0 and some refuse huge reads: read in small pieces.
    std::string text;
    std::array<char, 16384> chunk{};
    while (text.size() < limit && in.read(chunk.data(), chunk.size()).gcount() > 0) {
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    return text;
}

struct recommendation {
    const char* name;
    std::uint64_t least;
};

// Values from common broker tuning guides: enough descriptors and backlog for 100k+ clients.
constexpr std::array<recommendation, 7> recommendations{{
    {"fs.file-max", 1048576},
    {"fs.nr_open", 1048576},
    {"net.core.somaxconn", 4096},
    {"net.ipv4.tcp_max_syn_backlog", 4096},
    {"net.core.netdev_max_backlog", 4096},
    {"net.ipv4.ip_local_port_range", 28000},
    {"net.ipv4.tcp_rmem", 0},
}};

const char* tcp_state_name(unsigned state) {
    constexpr std::array<const char*, 12> names{"?",         "ESTABLISHED", "SYN_SENT", "SYN_RECV",
                                                "FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
                                                "CLOSE_WAIT", "LAST_ACK",   "LISTEN",    "CLOSING"};
    return state < names.size() ? names[state] : "?";
}

// "0100007F:075B" (little-endian words) -> "127.0.0.1:1883"; IPv6 is shown as hex words.
std::string address_text(const std::string& hex, bool ipv6) {
    const auto colon = hex.find(':');
    if (colon == std::string::npos) {
        return hex;
    }
    const unsigned port = static_cast<unsigned>(std::strtoul(hex.substr(colon + 1).c_str(), nullptr, 16));
    if (ipv6) {
        std::string text = "["; // appended: "[" + text makes GCC 12 warn (-Wrestrict)
        text += hex.substr(0, colon);
        text += "]:";
        text += std::to_string(port);
        return text;
    }
    const auto ip = static_cast<std::uint32_t>(std::strtoul(hex.substr(0, colon).c_str(), nullptr, 16));
    return std::to_string(ip & 0xFFU) + "." + std::to_string((ip >> 8U) & 0xFFU) + "." +
           std::to_string((ip >> 16U) & 0xFFU) + "." + std::to_string(ip >> 24U) + ":" +
           std::to_string(port);
}

void add_file(host_report& r, const std::string& name, const fs::path& source) {
    if (auto text = read_text(source)) {
        r.files.push_back({name, std::move(*text), source.string()});
    } else {
        r.missing.push_back({name, "cannot read " + source.string()});
    }
}

std::string system_text() {
    std::ostringstream out;
    utsname u{};
    if (::uname(&u) == 0) {
        out << "uname: " << u.sysname << ' ' << u.nodename << ' ' << u.release << ' ' << u.version
            << ' ' << u.machine << '\n';
    }
    out << "cpus_online: " << ::sysconf(_SC_NPROCESSORS_ONLN) << '\n';
    if (auto load = read_text("/proc/loadavg")) {
        out << "loadavg: " << *load;
    }
    if (auto uptime = read_text("/proc/uptime")) {
        out << "uptime_seconds: " << uptime->substr(0, uptime->find(' ')) << '\n';
    }
    if (auto os = read_text("/etc/os-release")) {
        out << "\n/etc/os-release:\n" << *os;
    }
    return out.str();
}

std::string disk_text(const std::vector<fs::path>& dirs, host_report& r) {
    std::ostringstream out;
    out << "path total_bytes free_bytes available_bytes free_inodes\n";
    std::vector<fs::path> all{"/"};
    all.insert(all.end(), dirs.begin(), dirs.end());
    for (const auto& dir : all) {
        struct statvfs s {};
        if (::statvfs(dir.c_str(), &s) != 0) {
            r.missing.push_back({"disk usage of " + dir.string(), "statvfs failed"});
            continue;
        }
        const auto total = static_cast<unsigned long long>(s.f_blocks) * s.f_frsize;
        const auto avail = static_cast<unsigned long long>(s.f_bavail) * s.f_frsize;
        out << dir.string() << ' ' << total << ' '
            << static_cast<unsigned long long>(s.f_bfree) * s.f_frsize << ' ' << avail << ' '
            << s.f_ffree << '\n';
        if (total > 0 && avail * 20 < total) {
            r.findings.push_back({severity::warning, "less than 5% disk space left under " + dir.string(),
                                  "a full disk stops logging and persistence: free space or rotate logs"});
        }
    }
    return out.str();
}

std::string sysctl_text(host_report& r) {
    std::ostringstream out;
    for (const auto& c : check_sysctls("/proc/sys")) {
        out << c.name << " = " << (c.value.empty() ? "(unreadable)" : c.value);
        if (c.recommended > 0) {
            out << "    (recommended at least " << c.recommended << (c.below ? ", BELOW" : "") << ")";
        }
        out << '\n';
        if (c.below) {
            r.findings.push_back({severity::warning, c.name + " is " + c.value + ", below " + std::to_string(c.recommended),
                                  "raise it with sysctl -w " + c.name + "=... and persist it in /etc/sysctl.d/"});
        }
    }
    rlimit nofile{};
    if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
        out << "\ncollector RLIMIT_NOFILE soft=" << nofile.rlim_cur << " hard=" << nofile.rlim_max << '\n';
    }
    return out.str();
}

// A broker holds one descriptor per client: a soft limit of 1024 caps it at about 1000.
void check_open_file_limit(host_report& r, const std::string& pid, const std::string& limits) {
    const auto line = limits.find("Max open files");
    if (line == std::string::npos) {
        return;
    }
    std::istringstream fields{limits.substr(line + std::string_view{"Max open files"}.size())};
    std::string soft;
    fields >> soft;
    if (soft != "unlimited" && !soft.empty() && std::strtoull(soft.c_str(), nullptr, 10) < 65536) {
        r.findings.push_back({severity::warning, "emqxd " + pid + " may open only " + soft + " files",
                              "raise LimitNOFILE in its systemd unit (or ulimit -n) to 1048576"});
    }
}

void add_processes(host_report& r) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const auto pid_text = entry.path().filename().string();
        if (pid_text.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        const auto comm = read_text(entry.path() / "comm");
        if (!comm || comm->rfind("emqxd", 0) != 0) {
            continue;
        }
        const int pid = std::stoi(pid_text);
        r.emqxd_pids.push_back(pid);
        const std::string dir = "host/processes/emqxd-" + pid_text + "/";
        if (auto cmdline = read_text(entry.path() / "cmdline")) {
            std::replace(cmdline->begin(), cmdline->end(), '\0', ' ');
            r.files.push_back({dir + "cmdline.txt", *cmdline + "\n", (entry.path() / "cmdline").string()});
        }
        add_file(r, dir + "status.txt", entry.path() / "status");
        add_file(r, dir + "limits.txt", entry.path() / "limits");
        check_open_file_limit(r, pid_text, read_text(entry.path() / "limits").value_or(""));
        std::ostringstream fds;
        std::size_t count = 0;
        for (const auto& fd : fs::directory_iterator(entry.path() / "fd", ec)) {
            ++count;
            fds << fd.path().filename().string() << " -> " << fs::read_symlink(fd.path(), ec).string() << '\n';
        }
        if (ec) {
            r.missing.push_back({dir + "open_files.txt", "cannot list " + (entry.path() / "fd").string() + ": " + ec.message()});
            ec.clear();
        } else {
            r.files.push_back({dir + "open_files.txt", "open files: " + std::to_string(count) + "\n" + fds.str(),
                               (entry.path() / "fd").string()});
        }
        std::ostringstream threads;
        for (const auto& task : fs::directory_iterator(entry.path() / "task", ec)) {
            const auto name = read_text(task.path() / "comm").value_or("?\n");
            threads << task.path().filename().string() << ' ' << name;
        }
        r.files.push_back({dir + "threads.txt", threads.str(), (entry.path() / "task").string()});
    }
}

std::string network_text(host_report& r) {
    std::ostringstream out;
    tcp_summary all;
    for (const auto& [file, v6] : {std::pair{"/proc/net/tcp", false}, std::pair{"/proc/net/tcp6", true}}) {
        const auto text = read_text(file, 64 << 20);
        if (!text) {
            r.missing.push_back({std::string{"sockets from "} + file, "cannot read"});
            continue;
        }
        const auto part = parse_proc_net_tcp(*text, v6);
        for (const auto& [state, n] : part.states) {
            all.states[state] += n;
        }
        all.listening.insert(all.listening.end(), part.listening.begin(), part.listening.end());
    }
    out << "TCP sockets by state\n";
    for (const auto& [state, n] : all.states) {
        out << "  " << state << ' ' << n << '\n';
    }
    out << "\nListening TCP sockets\n";
    for (const auto& l : all.listening) {
        out << "  " << l << '\n';
    }
    return out.str();
}

} // namespace

std::vector<sysctl_check> check_sysctls(const fs::path& proc_sys) {
    std::vector<sysctl_check> checks;
    for (const auto& rec : recommendations) {
        sysctl_check c{rec.name, "", rec.least, false};
        std::string relative = rec.name;
        std::replace(relative.begin(), relative.end(), '.', '/');
        if (auto text = read_text(proc_sys / relative)) {
            std::replace(text->begin(), text->end(), '\t', ' ');
            while (!text->empty() && (text->back() == '\n' || text->back() == ' ')) {
                text->pop_back();
            }
            c.value = *text;
            std::istringstream in{c.value};
            std::uint64_t first = 0;
            std::uint64_t second = 0;
            in >> first;
            if (c.name == "net.ipv4.ip_local_port_range" && (in >> second)) {
                first = second >= first ? second - first + 1 : 0;
            }
            c.below = c.recommended > 0 && first < c.recommended;
        }
        checks.push_back(std::move(c));
    }
    return checks;
}

tcp_summary parse_proc_net_tcp(std::string_view text, bool ipv6) {
    tcp_summary summary;
    std::istringstream lines{std::string{text}};
    std::string line;
    std::getline(lines, line); // the header
    while (std::getline(lines, line)) {
        std::istringstream fields{line};
        std::string slot, local, remote, state;
        if (!(fields >> slot >> local >> remote >> state)) {
            continue;
        }
        const auto code = static_cast<unsigned>(std::strtoul(state.c_str(), nullptr, 16));
        ++summary.states[tcp_state_name(code)];
        if (code == 10) {
            summary.listening.push_back(address_text(local, ipv6));
        }
    }
    return summary;
}

host_report collect_host(const std::vector<fs::path>& dirs) {
    host_report r;
    r.files.push_back({"host/system.txt", system_text(), "uname(2), /proc/loadavg, /proc/uptime, /etc/os-release"});
    add_file(r, "host/cpuinfo.txt", "/proc/cpuinfo");
    add_file(r, "host/meminfo.txt", "/proc/meminfo");
    add_file(r, "host/collector_limits.txt", "/proc/self/limits");
    r.files.push_back({"host/disk.txt", disk_text(dirs, r), "statvfs(3)"});
    r.files.push_back({"host/sysctl.txt", sysctl_text(r), "/proc/sys"});
    r.files.push_back({"host/network.txt", network_text(r), "/proc/net/tcp, /proc/net/tcp6"});
    add_processes(r);
    if (r.emqxd_pids.empty()) {
        r.missing.push_back({"host/processes", "no emqxd process runs on this host"});
    }
    return r;
}

} // namespace emqx::diag

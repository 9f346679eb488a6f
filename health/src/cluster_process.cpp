// Local processes and ports for `cluster start|stop` (see cluster_process.hpp).
#include <emqx/health/cluster_process.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <system_error>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace emqx::health {

namespace {

std::string read_text(const std::filesystem::path& file) {
    std::ifstream in{file, std::ios::binary};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// argv of a process, NUL-separated in /proc/PID/cmdline, joined by spaces.
std::string command_line(int pid) {
    std::string text = read_text("/proc/" + std::to_string(pid) + "/cmdline");
    while (!text.empty() && text.back() == '\0') {
        text.pop_back();
    }
    std::replace(text.begin(), text.end(), '\0', ' ');
    return text;
}

bool holds_socket(const std::filesystem::path& fd_dir, const std::vector<std::string>& targets) {
    std::error_code error;
    for (std::filesystem::directory_iterator it{fd_dir, error}, end; !error && it != end;
         it.increment(error)) {
        std::error_code ignored;
        const auto link = std::filesystem::read_symlink(it->path(), ignored).string();
        if (std::find(targets.begin(), targets.end(), link) != targets.end()) {
            return true;
        }
    }
    return false;
}

} // namespace

bool port_is_free(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                       ::listen(fd, 1) == 0;
    ::close(fd);
    return bound;
}

namespace {

constexpr std::string_view listen_state = "0A";

struct tcp_entry {
    unsigned long local_port = 0;
    std::string state; ///< hex, as the kernel writes it
    std::uint64_t inode = 0;
};

/// The rows of /proc/net/tcp{,6}; malformed lines are skipped.
std::vector<tcp_entry> tcp_entries(std::string_view proc_net_tcp) {
    std::vector<tcp_entry> entries;
    std::istringstream lines{std::string{proc_net_tcp}};
    std::string line;
    std::getline(lines, line); // the header
    while (std::getline(lines, line)) {
        std::istringstream fields{line};
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
              timeout >> inode)) {
            continue;
        }
        const auto colon = local.rfind(':');
        if (colon == std::string::npos) {
            continue;
        }
        entries.push_back({std::strtoul(local.c_str() + colon + 1, nullptr, 16), state,
                           std::strtoull(inode.c_str(), nullptr, 10)});
    }
    return entries;
}

std::string state_name(std::string_view hex) {
    static constexpr std::array<std::string_view, 12> names{
        "", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
        "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};
    const unsigned long code = std::strtoul(std::string{hex}.c_str(), nullptr, 16);
    return code > 0 && code < names.size() ? std::string{names[code]} : std::string{hex};
}

} // namespace

std::vector<std::uint64_t> listening_inodes(std::string_view proc_net_tcp, std::uint16_t port) {
    std::vector<std::uint64_t> inodes;
    for (const auto& e : tcp_entries(proc_net_tcp)) {
        if (e.local_port == port && e.state == listen_state) {
            inodes.push_back(e.inode);
        }
    }
    return inodes;
}

std::string connection_state(std::string_view proc_net_tcp, std::uint16_t port) {
    for (const auto& e : tcp_entries(proc_net_tcp)) {
        if (e.local_port == port && e.state != listen_state) {
            return state_name(e.state);
        }
    }
    return {};
}

std::optional<port_holder> find_port_holder(std::uint16_t port) {
    std::vector<std::string> targets;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        for (const auto inode : listening_inodes(read_text(table), port)) {
            targets.push_back("socket:[" + std::to_string(inode) + "]");
        }
    }
    if (targets.empty()) {
        return std::nullopt;
    }
    std::error_code error;
    for (std::filesystem::directory_iterator it{"/proc", error}, end; !error && it != end;
         it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        if (holds_socket(it->path() / "fd", targets)) {
            const int pid = std::atoi(name.c_str());
            return port_holder{.pid = pid, .command = command_line(pid)};
        }
    }
    return std::nullopt;
}

std::string describe_taken_port(std::uint16_t port, std::string_view what) {
    std::string text = "port " + std::to_string(port) + " (" + std::string{what} + ") is in use";
    if (const auto holder = find_port_holder(port)) {
        return text + " by PID " + std::to_string(holder->pid) + " (" + holder->command + ")";
    }
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        if (const auto state = connection_state(read_text(table), port); !state.empty()) {
            return text + " by a connection in state " + state +
                   (state == "TIME_WAIT" ? " (it goes away within a minute)" : "");
        }
    }
    return text + " by a process this user cannot see";
}

bool process_alive(int pid) {
    if (pid <= 0 || (::kill(pid, 0) != 0 && errno != EPERM)) {
        return false;
    }
    // A zombie answers kill(0) but serves nothing: the state is the field after "(comm)".
    const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
    const auto paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

bool is_emqxd(int pid) {
    if (!process_alive(pid)) {
        return false;
    }
    const std::string proc = "/proc/" + std::to_string(pid);
    std::error_code error;
    std::string exe = std::filesystem::read_symlink(proc + "/exe", error).string();
    if (error) {
        const std::string command = command_line(pid);
        exe = command.substr(0, command.find(' '));
    }
    // A rebuilt binary shows as "/path/emqxd (deleted)" while the old one still runs.
    constexpr std::string_view deleted = " (deleted)";
    if (exe.ends_with(deleted)) {
        exe.resize(exe.size() - deleted.size());
    }
    return std::filesystem::path{exe}.filename() == "emqxd";
}

std::string log_tail(const std::filesystem::path& file, std::size_t lines) {
    std::ifstream in{file};
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
        last.push_back(std::move(line));
        if (last.size() > lines) {
            last.pop_front();
        }
    }
    std::string text;
    for (const auto& line : last) {
        text += line + "\n";
    }
    return text;
}

expected<int, std::string> spawn_detached(const std::vector<std::string>& argv,
                                          const std::vector<std::string>& unset,
                                          const std::vector<std::string>& extra,
                                          const std::filesystem::path& output) {
    if (argv.empty()) {
        return unexpected{std::string{"nothing to start"}};
    }
    // Everything the child needs is built before fork: after it, only async-signal-safe calls.
    std::vector<std::string> args_storage = argv;
    std::vector<char*> args;
    for (auto& a : args_storage) {
        args.push_back(a.data());
    }
    args.push_back(nullptr);
    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry{*e};
        const auto name = entry.substr(0, entry.find('='));
        if (std::find(unset.begin(), unset.end(), name) == unset.end()) {
            env_storage.emplace_back(entry);
        }
    }
    env_storage.insert(env_storage.end(), extra.begin(), extra.end());
    std::vector<char*> env;
    for (auto& e : env_storage) {
        env.push_back(e.data());
    }
    env.push_back(nullptr);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int out_fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (null_fd < 0 || out_fd < 0) {
        const std::string why = std::strerror(errno);
        if (null_fd >= 0) {
            ::close(null_fd);
        }
        return unexpected{"cannot open " + output.string() + ": " + why};
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setsid();
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(out_fd, STDOUT_FILENO);
        ::dup2(out_fd, STDERR_FILENO);
        // A node must not hold our caller's pipes or sockets open for its whole life.
        ::close_range(3, ~0U, 0);
        ::execve(args[0], args.data(), env.data());
        ::_exit(127);
    }
    const int fork_errno = errno;
    ::close(null_fd);
    ::close(out_fd);
    if (pid < 0) {
        return unexpected{std::string{"fork failed: "} + std::strerror(fork_errno)};
    }
    return static_cast<int>(pid);
}

std::optional<std::string> child_exit(int pid) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) != pid) {
        return std::nullopt;
    }
    if (WIFEXITED(status)) {
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    return "killed by signal " + std::to_string(WTERMSIG(status));
}

std::optional<int> read_pid_file(const std::filesystem::path& file) {
    std::ifstream in{file};
    long pid = 0;
    if (!(in >> pid) || pid <= 0 || pid > 4'194'304) {
        return std::nullopt;
    }
    return static_cast<int>(pid);
}

expected<bool, std::string> write_private_file(const std::filesystem::path& file,
                                               std::string_view content) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return unexpected{"cannot write " + file.string() + ": " + std::strerror(errno)};
    }
    // The mode of an existing file is not changed by open: make it private in any case.
    const bool ok = ::fchmod(fd, 0600) == 0 &&
                    ::write(fd, content.data(), content.size()) ==
                        static_cast<ssize_t>(content.size());
    const std::string why = std::strerror(errno);
    ::close(fd);
    if (!ok) {
        return unexpected{"cannot write " + file.string() + ": " + why};
    }
    return true;
}

} // namespace emqx::health

// Child processes for integration tests: a generic one (output to temp files, bounded waits,
// stopped by PID) and the real emqxd on 127.0.0.1 with a port the kernel picked.
#pragma once

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace emqx::test {

using namespace std::chrono_literals;

namespace detail {

/// A temporary file that is removed when this goes away.
class temp_file {
public:
    explicit temp_file(std::string_view prefix) {
        std::string pattern = "/tmp/" + std::string{prefix} + "-XXXXXX";
        const int fd = ::mkstemp(pattern.data());
        if (fd < 0) {
            throw std::runtime_error("mkstemp failed for " + pattern);
        }
        ::close(fd);
        path_ = std::move(pattern);
    }
    ~temp_file() {
        if (!path_.empty()) {
            ::unlink(path_.c_str());
        }
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] std::string read() const {
        std::ifstream in{path_, std::ios::binary};
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }

private:
    std::string path_;
};

/// Decodes a waitpid() status: the exit code, or 128 + signal like a shell.
inline int exit_code_of(int raw) noexcept {
    if (WIFEXITED(raw)) {
        return WEXITSTATUS(raw);
    }
    if (WIFSIGNALED(raw)) {
        return 128 + WTERMSIG(raw);
    }
    return -1;
}

} // namespace detail

/// A program run by fork/exec with stdout and stderr in temp files. The destructor kills it
/// (SIGKILL, by PID) if it still runs, so a failing test never leaves a process behind.
class child_process {
public:
    /// Starts `argv[0]` (a path, or a name looked up in PATH) with `argv`, in our environment
    /// less the variables named in `unset_env`. Throws on failure.
    explicit child_process(std::vector<std::string> argv, std::string_view name = "child",
                           const std::vector<std::string>& unset_env = {})
        : stdout_(std::string{"emqx-test-"} + std::string{name} + "-out"),
          stderr_(std::string{"emqx-test-"} + std::string{name} + "-err") {
        std::vector<char*> args;
        for (auto& a : argv) {
            args.push_back(a.data());
        }
        args.push_back(nullptr);
        // Built before fork(): between fork and exec only async-signal-safe calls are made.
        std::vector<char*> env;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string_view entry{*e};
            bool keep = true;
            for (const auto& unset : unset_env) {
                keep = keep && entry.substr(0, unset.size() + 1) != unset + "=";
            }
            if (keep) {
                env.push_back(*e);
            }
        }
        env.push_back(nullptr);
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ < 0) {
            throw std::runtime_error("fork failed");
        }
        if (pid_ == 0) {
            exec_child(args, env, parent);
        }
    }
    ~child_process() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            int raw = 0;
            ::waitpid(pid_, &raw, 0);
        }
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

    /// True while the process has not exited (reaps it when it has).
    [[nodiscard]] bool running() {
        if (exited_) {
            return false;
        }
        int raw = 0;
        const pid_t r = ::waitpid(pid_, &raw, WNOHANG);
        if (r == pid_) {
            exited_ = true;
            status_ = detail::exit_code_of(raw);
        }
        return !exited_;
    }

    /// Waits up to `timeout` for the process to exit; its exit code (128 + signal when killed),
    /// or -1 when it is still running.
    int wait(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (running()) {
            if (std::chrono::steady_clock::now() >= deadline) {
                return -1;
            }
            std::this_thread::sleep_for(5ms);
        }
        return status_;
    }

    /// Sends `sig`, waits up to `timeout`, then SIGKILL. Returns the exit code.
    int stop(int sig = SIGTERM, std::chrono::milliseconds timeout = 5s) {
        if (!running()) {
            return status_;
        }
        ::kill(pid_, sig);
        if (const int code = wait(timeout); code != -1) {
            return code;
        }
        ::kill(pid_, SIGKILL);
        return wait(5s);
    }

    [[nodiscard]] std::string out() const { return stdout_.read(); }
    [[nodiscard]] std::string err() const { return stderr_.read(); }

private:
    [[noreturn]] void exec_child(const std::vector<char*>& args, const std::vector<char*>& env,
                                 pid_t parent) {
        // Dies with the test runner, even when the runner itself is killed.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(127);
        }
        const int null_fd = ::open("/dev/null", O_RDONLY);
        const int out_fd = ::open(stdout_.path().c_str(), O_WRONLY | O_TRUNC);
        const int err_fd = ::open(stderr_.path().c_str(), O_WRONLY | O_TRUNC);
        if (null_fd < 0 || out_fd < 0 || err_fd < 0) {
            ::_exit(127);
        }
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(out_fd, STDOUT_FILENO);
        ::dup2(err_fd, STDERR_FILENO);
        // The test's own sockets must not leak into the child and keep connections open.
        ::close_range(3, ~0U, 0);
        ::signal(SIGPIPE, SIG_DFL);
        ::execvpe(args[0], args.data(), env.data());
        ::_exit(127);
    }

    detail::temp_file stdout_;
    detail::temp_file stderr_;
    pid_t pid_ = -1;
    bool exited_ = false;
    int status_ = -1;
};

/// The real broker: `EMQXD_PATH --mqtt 127.0.0.1:0 --http 127.0.0.1:0 --cluster 127.0.0.1:0
/// [extra...]` (every listener on a free port, so that brokers of parallel tests never clash),
/// stderr kept in a temp file, configuration from the environment ignored. The constructor
/// returns once the MQTT listener is up (the port read from its log line).
class emqxd_process {
public:
    explicit emqxd_process(std::vector<std::string> extra_args = {},
                           std::chrono::milliseconds start_timeout = 10s)
        : process_(make_argv(std::move(extra_args)), "emqxd",
                   {"EMQXD_CONFIG", "MQTT_PORT", "METRICS_PORT", "CLUSTER_PORT", "NODE_ID"}) {
        const auto deadline = std::chrono::steady_clock::now() + start_timeout;
        while (port_ == 0) {
            parse_port();
            if (port_ != 0) {
                break;
            }
            if (!process_.running() || std::chrono::steady_clock::now() >= deadline) {
                throw std::runtime_error("emqxd did not start; its log:\n" + log());
            }
            std::this_thread::sleep_for(5ms);
        }
    }

    /// The MQTT listener's port.
    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    /// The port of another listener ("http", ...) from its "listener started" line, or 0.
    [[nodiscard]] std::uint16_t listener_port(std::string_view name) const {
        return find_port(log(), name);
    }
    [[nodiscard]] pid_t pid() const noexcept { return process_.pid(); }
    [[nodiscard]] bool running() { return process_.running(); }

    /// Everything emqxd wrote to stderr so far.
    [[nodiscard]] std::string log() const { return process_.err(); }

    /// True once `text` appears in the log, waiting up to `timeout`.
    bool wait_for_log(std::string_view text, std::chrono::milliseconds timeout = 3s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (log().find(text) != std::string::npos) {
                return true;
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                return false;
            }
            std::this_thread::sleep_for(10ms);
        }
    }

    /// Waits up to `timeout` for emqxd to exit by itself; its exit code, or -1 if it still runs.
    int wait(std::chrono::milliseconds timeout) { return process_.wait(timeout); }

    /// SIGTERM, then SIGKILL after `timeout`; the exit code (128 + signal when killed).
    int stop(std::chrono::milliseconds timeout = 8s) { return process_.stop(SIGTERM, timeout); }

    /// Resident set size in KiB from /proc/PID/status (VmRSS), or -1.
    [[nodiscard]] long rss_kib() const { return status_kib("VmRSS:"); }

    /// A "Vm...:" line of /proc/PID/status in KiB (e.g. "VmSize:", virtual memory), or -1.
    [[nodiscard]] long status_kib(std::string_view field) const {
        std::ifstream status{"/proc/" + std::to_string(pid()) + "/status"};
        std::string line;
        while (std::getline(status, line)) {
            if (line.rfind(field, 0) == 0) {
                return std::strtol(line.c_str() + field.size(), nullptr, 10);
            }
        }
        return -1;
    }

private:
    static std::vector<std::string> make_argv(std::vector<std::string> extra) {
        std::vector<std::string> argv{EMQXD_PATH,    "--mqtt",    "127.0.0.1:0", "--http",
                                      "127.0.0.1:0", "--cluster", "127.0.0.1:0"};
        for (auto& a : extra) {
            argv.push_back(std::move(a));
        }
        return argv;
    }

    void parse_port() { port_ = find_port(log(), "mqtt"); }

    // The port in "... listener started name=NAME addr=127.0.0.1:PORT\n", or 0.
    static std::uint16_t find_port(const std::string& text, std::string_view name) {
        const std::string marker = "listener started name=" + std::string{name} + " ";
        const auto line = text.find(marker);
        if (line == std::string::npos) {
            return 0;
        }
        constexpr std::string_view key = "addr=127.0.0.1:";
        const auto at = text.find(key, line);
        const auto end = text.find('\n', line);
        if (at == std::string::npos || end == std::string::npos || at > end) {
            return 0; // the line is not complete yet
        }
        const long port = std::strtol(text.c_str() + at + key.size(), nullptr, 10);
        return port > 0 && port < 65'536 ? static_cast<std::uint16_t>(port) : 0;
    }

    child_process process_;
    std::uint16_t port_ = 0;
};

} // namespace emqx::test

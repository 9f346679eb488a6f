// Running a server process (a broker) for a test: spawn it, wait until it accepts connections,
// signal it, and always stop it, even when the test fails; plus a free port and a temporary
// directory to configure it with.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace emqx::test {

/// A TCP port on 127.0.0.1 that was free a moment ago: bound with port 0, read, closed.
/// Another process could take it before the caller does; tests accept that small race.
inline std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (fd >= 0) {
            ::close(fd);
        }
        throw std::runtime_error("free_port: cannot bind a socket to 127.0.0.1:0");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

/// True when something accepts TCP connections on 127.0.0.1:`port`.
inline bool port_accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class temp_dir {
public:
    temp_dir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string{base != nullptr ? base : "/tmp"} + "/emqx-test-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("temp_dir: mkdtemp failed");
        }
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

/// A child process that lives no longer than this object: the destructor stops it (SIGTERM,
/// then SIGKILL after a grace period), so a failing test never leaves a broker behind.
class process_guard {
public:
    /// Starts `argv` (argv[0] is looked up in PATH when it has no '/'), with the environment of
    /// this process plus `extra_env` ("NAME=value"), its stdout and stderr appended to
    /// `output_path` (or /dev/null when empty). Throws std::runtime_error when it cannot.
    explicit process_guard(std::vector<std::string> argv,
                           std::vector<std::string> extra_env = {},
                           const std::string& output_path = "") {
        if (argv.empty()) {
            throw std::runtime_error("process_guard: empty argv");
        }
        // Everything the child needs is prepared before fork: after it, only exec and dup2.
        std::vector<char*> args;
        for (auto& a : argv) {
            args.push_back(a.data());
        }
        args.push_back(nullptr);
        std::vector<char*> env;
        for (char** e = environ; *e != nullptr; ++e) {
            env.push_back(*e);
        }
        for (auto& e : extra_env) {
            env.push_back(e.data());
        }
        env.push_back(nullptr);
        const std::string program = resolve(argv.front());
        const std::string output = output_path.empty() ? "/dev/null" : output_path;
        const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (out < 0) {
            throw std::runtime_error("process_guard: cannot open " + output);
        }
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(out, STDOUT_FILENO);
            ::dup2(out, STDERR_FILENO);
            ::execve(program.c_str(), args.data(), env.data());
            ::_exit(127);
        }
        ::close(out);
        if (pid_ < 0) {
            throw std::runtime_error("process_guard: fork failed");
        }
    }

    ~process_guard() { stop(); }
    process_guard(const process_guard&) = delete;
    process_guard& operator=(const process_guard&) = delete;

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

    /// True while the process has not exited (a stopped process is still running).
    [[nodiscard]] bool running() {
        if (pid_ <= 0 || exited_) {
            return false;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            record_exit(status);
            return false;
        }
        return true;
    }

    /// Sends `sig` (SIGSTOP, SIGCONT, SIGHUP...) to the process while it runs.
    void signal(int sig) {
        if (running()) {
            ::kill(pid_, sig);
        }
    }

    /// Waits until the process accepts connections on 127.0.0.1:`port`; false when it exits or
    /// the timeout passes first.
    [[nodiscard]] bool wait_for_port(std::uint16_t port,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (!running()) {
                return false;
            }
            if (port_accepts(port)) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    /// Stops the process: SIGTERM (and SIGCONT, in case it is stopped), then SIGKILL when it
    /// has not exited within `grace`. Returns its exit status, or -signal when a signal ended
    /// it. Calling it again returns the same value.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(3)) {
        if (pid_ <= 0 || exited_) {
            return exit_code_;
        }
        ::kill(pid_, SIGTERM);
        ::kill(pid_, SIGCONT);
        const auto deadline = std::chrono::steady_clock::now() + grace;
        while (running() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (!exited_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
            }
            record_exit(status);
        }
        return exit_code_;
    }

private:
    static std::string resolve(const std::string& name) {
        if (name.find('/') != std::string::npos) {
            return name;
        }
        const char* path = std::getenv("PATH");
        std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
        dirs += ":/usr/sbin:/sbin";
        std::size_t start = 0;
        while (start <= dirs.size()) {
            const auto end = std::min(dirs.find(':', start), dirs.size());
            const std::string candidate = dirs.substr(start, end - start) + "/" + name;
            if (::access(candidate.c_str(), X_OK) == 0) {
                return candidate;
            }
            start = end + 1;
        }
        return name;
    }

    void record_exit(int status) {
        exited_ = true;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }

    pid_t pid_ = -1;
    bool exited_ = false;
    int exit_code_ = -1;
};

} // namespace emqx::test

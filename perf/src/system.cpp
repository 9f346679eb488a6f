// The host as the load generator sees it: open-file limit, the broker's process and memory,
// and the machine's fingerprint.
#include <emqx/perf/system.hpp>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <emqx/base/version.hpp>

namespace emqx::perf {

namespace {

std::string read_text(const std::string& path) {
    std::ifstream file(path);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string{text.substr(first, last - first + 1)};
}

std::uint64_t as_u64(rlim_t value) {
    return value == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(value);
}

} // namespace

fd_limit raise_fd_limit(std::uint64_t needed) {
    fd_limit result;
    result.needed = needed;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return result;
    }
    result.soft_before = as_u64(limit.rlim_cur);
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            limit = raised;
        }
    }
    if (as_u64(limit.rlim_cur) < needed) {
        rlimit raised{static_cast<rlim_t>(needed), static_cast<rlim_t>(needed)};
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            limit = raised;
        }
    }
    result.soft = as_u64(limit.rlim_cur);
    result.hard = as_u64(limit.rlim_max);
    return result;
}

// A line: "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout
// inode ...", addresses as HEXIP:HEXPORT.
std::vector<std::uint64_t> listening_inodes(std::string_view text, std::uint16_t port) {
    std::vector<std::uint64_t> inodes;
    std::istringstream lines{std::string{text}};
    std::string line;
    std::getline(lines, line); // the header
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string sl, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        if (!(fields >> sl >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
              timeout >> inode)) {
            continue;
        }
        const auto colon = local.rfind(':');
        if (colon == std::string::npos || state != "0A") {
            continue;
        }
        unsigned local_port = 0;
        const auto* begin = local.data() + colon + 1;
        const auto* end = local.data() + local.size();
        if (std::from_chars(begin, end, local_port, 16).ec != std::errc{} || local_port != port) {
            continue;
        }
        std::uint64_t number = 0;
        if (std::from_chars(inode.data(), inode.data() + inode.size(), number).ec == std::errc{} &&
            number != 0) {
            inodes.push_back(number);
        }
    }
    return inodes;
}

std::optional<int> find_listening_pid(std::uint16_t port) {
    auto inodes = listening_inodes(read_text("/proc/net/tcp"), port);
    const auto v6 = listening_inodes(read_text("/proc/net/tcp6"), port);
    inodes.insert(inodes.end(), v6.begin(), v6.end());
    if (inodes.empty()) {
        return std::nullopt;
    }
    std::vector<std::string> wanted;
    for (const auto inode : inodes) {
        wanted.push_back("socket:[" + std::to_string(inode) + "]");
    }
    namespace fs = std::filesystem;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename().string();
        int pid = 0;
        if (std::from_chars(name.data(), name.data() + name.size(), pid).ec != std::errc{} ||
            pid == ::getpid()) {
            continue;
        }
        std::error_code fd_error;
        for (const auto& fd : fs::directory_iterator(entry.path() / "fd", fd_error)) {
            std::error_code link_error;
            const auto target = fs::read_symlink(fd.path(), link_error).string();
            for (const auto& w : wanted) {
                if (!link_error && target == w) {
                    return pid;
                }
            }
        }
    }
    return std::nullopt;
}

std::optional<std::uint64_t> parse_vm_rss(std::string_view status) {
    const auto at = status.find("VmRSS:");
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    auto rest = status.substr(at + 6);
    const auto digits = rest.find_first_of("0123456789");
    if (digits == std::string_view::npos) {
        return std::nullopt;
    }
    rest = rest.substr(digits);
    std::uint64_t kib = 0;
    if (std::from_chars(rest.data(), rest.data() + rest.size(), kib).ec != std::errc{}) {
        return std::nullopt;
    }
    return kib * 1024;
}

std::optional<std::uint64_t> process_rss_bytes(int pid) {
    return parse_vm_rss(read_text("/proc/" + std::to_string(pid) + "/status"));
}

std::optional<double> find_metric(std::string_view text, std::string_view name) {
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const auto line = text.substr(start, end - start);
        start = end + 1;
        if (line.substr(0, name.size()) != name || line.size() == name.size()) {
            continue;
        }
        auto rest = line.substr(name.size());
        if (rest.front() == '{') {
            const auto close = rest.find('}');
            if (close == std::string_view::npos) {
                continue;
            }
            rest = rest.substr(close + 1);
        } else if (rest.front() != ' ' && rest.front() != '\t') {
            continue; // a longer name with this one as prefix
        }
        try {
            const std::string value = trim(rest);
            std::size_t used = 0;
            const double number = std::stod(value, &used);
            if (used > 0) {
                return number;
            }
        } catch (const std::exception&) {
            continue;
        }
    }
    return std::nullopt;
}

std::optional<std::string> http_get_body(const std::string& host,
                                         std::uint16_t port,
                                         const std::string& path,
                                         double timeout_s) {
    namespace asio = boost::asio;
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    asio::ip::tcp::socket socket(io);
    std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
    std::string response;
    bool failed = false;
    resolver.async_resolve(host, std::to_string(port), [&](auto error, auto found) {
        if (error) {
            failed = true;
            return;
        }
        asio::async_connect(socket, found, [&](auto connect_error, const auto&) {
            if (connect_error) {
                failed = true;
                return;
            }
            asio::async_write(socket, asio::buffer(request), [&](auto write_error, std::size_t) {
                if (write_error) {
                    failed = true;
                    return;
                }
                asio::async_read(socket, asio::dynamic_buffer(response),
                                 [&](auto read_error, std::size_t) {
                                     failed = read_error && read_error != asio::error::eof;
                                 });
            });
        });
    });
    io.run_for(std::chrono::milliseconds(static_cast<long>(timeout_s * 1000)));
    if (!io.stopped() || failed) {
        return std::nullopt;
    }
    const auto body = response.find("\r\n\r\n");
    if (response.rfind("HTTP/1.", 0) != 0 || response.find(" 200") != 8 ||
        body == std::string::npos) {
        return std::nullopt;
    }
    return response.substr(body + 4);
}

std::string parse_cpu_model(std::string_view cpuinfo) {
    const auto at = cpuinfo.find("model name");
    if (at == std::string_view::npos) {
        return {};
    }
    const auto colon = cpuinfo.find(':', at);
    const auto end = cpuinfo.find('\n', at);
    if (colon == std::string_view::npos || (end != std::string_view::npos && colon > end)) {
        return {};
    }
    return trim(cpuinfo.substr(colon + 1, end == std::string_view::npos ? end : end - colon - 1));
}

environment read_environment() {
    environment e;
    e.cpu_model = parse_cpu_model(read_text("/proc/cpuinfo"));
    e.cores = std::thread::hardware_concurrency();
    utsname names{};
    if (::uname(&names) == 0) {
        e.kernel = std::string{names.sysname} + " " + names.release;
        e.hostname = names.nodename;
    }
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        e.nofile_soft = as_u64(limit.rlim_cur);
        e.nofile_hard = as_u64(limit.rlim_max);
    }
    std::string range = trim(read_text("/proc/sys/net/ipv4/ip_local_port_range"));
    for (auto& c : range) {
        c = c == '\t' ? ' ' : c;
    }
    e.port_range = range;
    e.tool_version = std::string{version_string};
    return e;
}

} // namespace emqx::perf

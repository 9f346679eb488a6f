// A blocking raw-socket HTTP/1.1 client for 127.0.0.1 whose every wait is bounded: it sends
// exactly the bytes a test writes (huge headers, garbage, half a request) and reads replies.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace emqx::test {

struct http_reply {
    int status = 0;
    std::map<std::string, std::string> headers; ///< names lower-cased
    std::string body;

    [[nodiscard]] std::string header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string{} : it->second;
    }
};

/// Parses a status line and headers (`head` ends before the blank line).
inline std::optional<http_reply> parse_head(std::string_view head) {
    http_reply reply;
    const auto line_end = head.find("\r\n");
    const auto status_line = head.substr(0, line_end);
    if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
        return std::nullopt;
    }
    reply.status = std::stoi(std::string{status_line.substr(9, 3)});
    std::size_t at = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (at < head.size()) {
        auto end = head.find("\r\n", at);
        end = end == std::string_view::npos ? head.size() : end;
        const auto line = head.substr(at, end - at);
        const auto colon = line.find(':');
        if (colon != std::string_view::npos) {
            std::string name{line.substr(0, colon)};
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
                return static_cast<char>(std::tolower(c));
            });
            auto value = line.substr(colon + 1);
            value.remove_prefix(std::min(value.find_first_not_of(' '), value.size()));
            reply.headers[name] = std::string{value};
        }
        at = end + 2;
    }
    return reply;
}

class http_client {
public:
    explicit http_client(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            throw std::runtime_error("socket() failed");
        }
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd_);
            throw std::runtime_error("connect() to port " + std::to_string(port) + " failed");
        }
        const int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~http_client() { close(); }
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    /// Sends all of `bytes`; false when the peer is gone.
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) {
                if (n < 0 && errno == EINTR) {
                    continue;
                }
                return false;
            }
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    /// The next reply, its body read by Content-Length (none for a reply to HEAD); nullopt
    /// when it does not come whole within `timeout`.
    std::optional<http_reply>
    read_reply(std::chrono::milliseconds timeout = std::chrono::seconds{5}, bool to_head = false) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::size_t head_end = 0;
        while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
            if (!read_some(deadline)) {
                return std::nullopt;
            }
        }
        auto reply = parse_head(std::string_view{buffer_}.substr(0, head_end));
        if (!reply) {
            return std::nullopt;
        }
        const auto length_text = reply->header("content-length");
        const std::size_t length = to_head || length_text.empty() ? 0 : std::stoul(length_text);
        while (buffer_.size() < head_end + 4 + length) {
            if (!read_some(deadline)) {
                return std::nullopt;
            }
        }
        reply->body = buffer_.substr(head_end + 4, length);
        buffer_.erase(0, head_end + 4 + length);
        return reply;
    }

    /// Everything until the peer closes (for HTTP/1.0 answers); nullopt on timeout.
    std::optional<std::string> read_until_close(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!closed_) {
            if (!read_some(deadline) && !closed_) {
                return std::nullopt;
            }
        }
        return std::exchange(buffer_, {});
    }

    /// True when the peer closes (or resets) within `timeout`; bytes before are kept.
    bool wait_closed(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!closed_ && read_some(deadline)) {
        }
        return closed_;
    }

    [[nodiscard]] const std::string& pending() const noexcept { return buffer_; }

    void close() noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

private:
    // Reads what arrives before `deadline`; false on timeout or close.
    bool read_some(std::chrono::steady_clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
        if (closed_ || left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            return false;
        }
        char chunk[16'384];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n > 0) {
            buffer_.append(chunk, static_cast<std::size_t>(n));
            return true;
        }
        if (n < 0 && errno == EINTR) {
            return true;
        }
        closed_ = true; // orderly close or reset
        return false;
    }

    int fd_ = -1;
    std::string buffer_;
    bool closed_ = false;
};

/// A request with Host, as curl would send it.
inline std::string get_request(std::string_view target, std::string_view extra_headers = {}) {
    return "GET " + std::string{target} + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
           std::string{extra_headers} + "\r\n";
}

} // namespace emqx::test

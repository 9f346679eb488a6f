// The TCP connect probe: a non-blocking connect bounded by poll().
#include <emqx/client/tcp.hpp>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace emqx::client {

namespace {

using clock = std::chrono::steady_clock;

std::string within(std::chrono::milliseconds timeout) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(timeout.count()) / 1000.0);
    return text;
}

/// Closes the descriptor on every way out.
struct fd_guard {
    int fd = -1;
    ~fd_guard() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

/// Waits for the connect on `fd` to finish; 0 on success, else the errno (ETIMEDOUT on time).
int finish_connect(int fd, clock::time_point deadline) {
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) {
            return ETIMEDOUT;
        }
        pollfd p{fd, POLLOUT, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return ready == 0 ? ETIMEDOUT : errno;
        }
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        return error;
    }
}

} // namespace

expected<std::chrono::microseconds, std::string> tcp_connect(const host_port& address,
                                                             std::chrono::milliseconds timeout) {
    const auto start = clock::now();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const auto port = std::to_string(address.port);
    if (::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
        return unexpected("cannot resolve host '" + address.host + "'");
    }
    const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
    fd_guard socket_fd{::socket(
        found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, found->ai_protocol)};
    if (socket_fd.fd < 0) {
        return unexpected(std::string("cannot create a socket: ") + std::strerror(errno));
    }
    int error = 0;
    if (::connect(socket_fd.fd, found->ai_addr, found->ai_addrlen) != 0) {
        error = errno == EINPROGRESS ? finish_connect(socket_fd.fd, start + timeout) : errno;
    }
    const auto where = to_string(address);
    if (error == ECONNREFUSED) {
        return unexpected("connection refused by " + where);
    }
    if (error == ETIMEDOUT) {
        return unexpected("no answer from " + where + " within " + within(timeout));
    }
    if (error != 0) {
        return unexpected("cannot connect to " + where + ": " + std::strerror(error));
    }
    return std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start);
}

} // namespace emqx::client

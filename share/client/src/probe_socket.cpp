// The MQTT probe's TCP socket: non-blocking connect, send and receive, each bounded by poll().
#include "probe_socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace emqx::client::detail {

namespace {

using kind = io_outcome::kind_type;

/// Milliseconds left until `deadline` for poll(), rounded up so that poll never returns just
/// before the deadline and spins; 0 once it has passed.
int poll_timeout(probe_clock::time_point deadline) {
    const auto left = deadline - probe_clock::now();
    if (left <= probe_clock::duration::zero()) {
        return 0;
    }
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<int>(std::min<decltype(ms)>(ms, 24 * 3600 * 1000));
}

/// poll() on `fds` until one is ready or the deadline; the count of ready ones, 0 on time out,
/// -1 with errno on failure. EINTR is retried.
int poll_until(pollfd* fds, nfds_t count, probe_clock::time_point deadline) {
    for (;;) {
        const int ready = ::poll(fds, count, poll_timeout(deadline));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        return ready;
    }
}

/// Waits for `events` on `fd`: ok, timed_out, or failed with errno.
io_outcome wait_for(int fd, short events, probe_clock::time_point deadline) {
    pollfd p{fd, events, 0};
    const int ready = poll_until(&p, 1, deadline);
    if (ready < 0) {
        return {kind::failed, errno};
    }
    return ready == 0 ? io_outcome{kind::timed_out, 0} : io_outcome{};
}

// After a send or recv on a non-blocking socket failed (errno): ok when the call is to be made
// again (interrupted, or the socket has become ready for `events`), else why it cannot be.
io_outcome retry_after_error(int fd, short events, probe_clock::time_point deadline) {
    if (errno == EINTR) {
        return {};
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
        return {kind::failed, errno};
    }
    return wait_for(fd, events, deadline);
}

} // namespace

probe_socket::~probe_socket() {
    close_fd();
}

void probe_socket::close_fd() noexcept {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

io_outcome probe_socket::start_connect(const host_port& address) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const auto port = std::to_string(address.port);
    if (const int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found);
        rc != 0 || found == nullptr) {
        return {kind::unresolved, rc};
    }
    const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
    candidates_.clear();
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
        if (a->ai_addrlen > sizeof(sockaddr_storage)) {
            continue;
        }
        candidate c;
        std::memcpy(&c.address, a->ai_addr, a->ai_addrlen);
        c.length = a->ai_addrlen;
        c.family = a->ai_family;
        candidates_.push_back(c);
    }
    next_ = 0;
    return connect_next();
}

io_outcome probe_socket::connect_next() {
    io_outcome last{kind::failed, ECONNREFUSED};
    while (next_ < candidates_.size()) {
        const auto& c = candidates_[next_++];
        close_fd();
        fd_ = ::socket(c.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            last = {kind::failed, errno};
            continue;
        }
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&c.address), c.length) == 0 ||
            errno == EINPROGRESS) {
            return {};
        }
        last = {kind::failed, errno};
    }
    close_fd();
    return last;
}

io_outcome probe_socket::finish_connect(probe_clock::time_point deadline) {
    for (;;) {
        if (fd_ < 0) {
            return {kind::failed, ECONNREFUSED};
        }
        if (const auto waited = wait_for(fd_, POLLOUT, deadline); !waited.ok()) {
            return waited;
        }
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
            error = errno;
        }
        if (error == 0) {
            const int on = 1;
            (void)::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
            return {};
        }
        if (next_ >= candidates_.size()) {
            return {kind::failed, error};
        }
        if (const auto started = connect_next(); !started.ok()) {
            return started;
        }
    }
}

io_outcome probe_socket::send_all(std::string_view bytes, probe_clock::time_point deadline) {
    while (!bytes.empty()) {
        const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent >= 0) {
            bytes.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (const auto retry = retry_after_error(fd_, POLLOUT, deadline); !retry.ok()) {
            return retry;
        }
    }
    return {};
}

io_outcome probe_socket::receive(std::string& in, probe_clock::time_point deadline) {
    constexpr std::size_t chunk = 16 * 1024;
    for (;;) {
        const auto old_size = in.size();
        in.resize(old_size + chunk);
        const auto got = ::recv(fd_, in.data() + old_size, chunk, 0);
        in.resize(old_size + static_cast<std::size_t>(std::max<decltype(got)>(got, 0)));
        if (got > 0) {
            return {};
        }
        if (got == 0) {
            return {kind::closed, 0};
        }
        if (const auto retry = retry_after_error(fd_, POLLIN, deadline); !retry.ok()) {
            return retry;
        }
    }
}

void probe_socket::shutdown_send() noexcept {
    if (fd_ >= 0) {
        (void)::shutdown(fd_, SHUT_WR);
    }
}

unsigned
wait_readable(const probe_socket& a, const probe_socket& b, probe_clock::time_point deadline) {
    pollfd fds[2] = {{a.fd(), POLLIN, 0}, {b.fd(), POLLIN, 0}};
    const int ready = poll_until(fds, 2, deadline);
    if (ready == 0) {
        return 0;
    }
    if (ready < 0) {
        return 3U; // the reads that follow report the error
    }
    // POLLHUP and POLLERR count as ready: the read that follows reports them.
    return (fds[0].revents != 0 ? 1U : 0U) | (fds[1].revents != 0 ? 2U : 0U);
}

} // namespace emqx::client::detail

// The MQTT probe's TCP socket: non-blocking underneath, every wait bounded by a deadline, no
// protocol knowledge (mqtt_probe.cpp decides what the bytes mean).
#pragma once

#include <emqx/client/node.hpp>

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::client::detail {

using probe_clock = std::chrono::steady_clock;

/// How one socket step ended. `error` is the errno when `kind` is `failed` (ECONNREFUSED
/// included), the getaddrinfo code when it is `unresolved`.
struct io_outcome {
    enum class kind_type : std::uint8_t { ok, timed_out, closed, failed, unresolved };
    kind_type kind = kind_type::ok;
    int error = 0;

    [[nodiscard]] bool ok() const noexcept { return kind == kind_type::ok; }
};

/// One TCP connection, owned: closed when destroyed. Not shared between threads; two sockets
/// have nothing in common, so any number of probes may run at once.
class probe_socket {
public:
    probe_socket() = default;
    ~probe_socket();
    probe_socket(const probe_socket&) = delete;
    probe_socket& operator=(const probe_socket&) = delete;

    /// Resolves `address` (getaddrinfo: may block on DNS, as tcp_connect does) and starts a
    /// non-blocking connect to its first address; returns without waiting for it.
    [[nodiscard]] io_outcome start_connect(const host_port& address);

    /// Waits until the connect has finished; a refused address is followed by the next one the
    /// name resolved to. Sets TCP_NODELAY: the probe's packets are small and latency matters.
    [[nodiscard]] io_outcome finish_connect(probe_clock::time_point deadline);

    /// Sends all of `bytes` (MSG_NOSIGNAL: a closed peer is an error, not a signal).
    [[nodiscard]] io_outcome send_all(std::string_view bytes, probe_clock::time_point deadline);

    /// Waits for data and appends what one read gives to `in` (at most 16 KiB); `closed` at
    /// end of stream. Returns at once when data is already there.
    [[nodiscard]] io_outcome receive(std::string& in, probe_clock::time_point deadline);

    /// Says "no more from me" (FIN) after a DISCONNECT.
    void shutdown_send() noexcept;

    [[nodiscard]] int fd() const noexcept { return fd_; }

private:
    struct candidate {
        sockaddr_storage address{};
        socklen_t length = 0;
        int family = 0;
    };

    /// Opens a socket for candidates_[next_] and starts connecting; ok or the failure.
    io_outcome connect_next();
    void close_fd() noexcept;

    int fd_ = -1;
    std::vector<candidate> candidates_;
    std::size_t next_ = 0;
};

/// Waits until `a` or `b` is readable (or closed) or the deadline passes; bit 0 set when `a`
/// is ready, bit 1 when `b` is. 0 on time out.
[[nodiscard]] unsigned
wait_readable(const probe_socket& a, const probe_socket& b, probe_clock::time_point deadline);

} // namespace emqx::client::detail

// A blocking TCP test client for 127.0.0.1 that sends raw bytes and reads whole MQTT packets
// within a timeout, plus hand-written MQTT byte builders (from the spec, not from encode()).
#pragma once

#include <emqx/mqtt/split.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace emqx::test {

using namespace std::chrono_literals;

/// One TCP connection to 127.0.0.1:port. Every wait is bounded by a timeout (poll).
class raw_client {
public:
    /// Connects; throws std::runtime_error when the connection is refused or times out.
    explicit raw_client(std::uint16_t port, std::chrono::milliseconds timeout = 3s) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd_ < 0) {
            throw std::runtime_error("socket() failed: errno " + std::to_string(errno));
        }
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const int r = ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
        if (r != 0 && errno != EINPROGRESS) {
            close();
            throw std::runtime_error("connect() failed: errno " + std::to_string(errno));
        }
        if (r != 0) {
            int error = 0;
            socklen_t len = sizeof error;
            if (!wait_for(POLLOUT, timeout) ||
                ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0) {
                close();
                throw std::runtime_error("connect() did not complete: errno " +
                                         std::to_string(error));
            }
        }
        const int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~raw_client() { close(); }
    raw_client(raw_client&& other) noexcept
        : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)),
          closed_(other.closed_) {}
    raw_client& operator=(raw_client&& other) noexcept {
        if (this != &other) {
            close();
            fd_ = std::exchange(other.fd_, -1);
            buffer_ = std::move(other.buffer_);
            closed_ = other.closed_;
        }
        return *this;
    }
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    /// Sends all of `bytes`; false when the peer is gone or it does not drain within `timeout`.
    bool send(std::string_view bytes, std::chrono::milliseconds timeout = 3s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!bytes.empty()) {
            const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n > 0) {
                bytes.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return false;
            }
            if (!wait_for(POLLOUT, remaining(deadline))) {
                return false;
            }
        }
        return true;
    }

    /// The next whole packet (fixed header included), or nullopt when none arrives within
    /// `timeout`, the peer closes first, or the bytes are not a valid MQTT stream.
    std::optional<std::string> receive_packet(std::chrono::milliseconds timeout = 3s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto split = mqtt::split_packet(buffer_);
            if (split.status == mqtt::split_status::complete) {
                std::string packet = buffer_.substr(0, split.packet_size);
                buffer_.erase(0, split.packet_size);
                return packet;
            }
            if (split.status == mqtt::split_status::invalid || closed_) {
                return std::nullopt;
            }
            if (!read_some(remaining(deadline))) {
                return std::nullopt;
            }
        }
    }

    /// True when the peer closes the connection within `timeout`. Bytes that arrive before
    /// the close are kept (see pending()).
    bool wait_closed(std::chrono::milliseconds timeout = 3s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!closed_) {
            if (!read_some(remaining(deadline))) {
                return closed_;
            }
        }
        return true;
    }

    /// True when nothing at all arrives (and no close) for `duration`.
    bool quiet_for(std::chrono::milliseconds duration) {
        const std::size_t before = buffer_.size();
        const auto deadline = std::chrono::steady_clock::now() + duration;
        do {
            read_some(remaining(deadline)); // at least one look, even for a zero duration
        } while (!closed_ && std::chrono::steady_clock::now() < deadline);
        return !closed_ && buffer_.size() == before;
    }

    /// Bytes received and not yet returned by receive_packet().
    [[nodiscard]] const std::string& pending() const noexcept { return buffer_; }
    [[nodiscard]] bool peer_closed() const noexcept { return closed_; }
    [[nodiscard]] int fd() const noexcept { return fd_; }

    /// Shrinks the kernel receive buffer (a subscriber that reads slowly fills up sooner).
    void set_receive_buffer(int bytes) {
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    }

    void close() noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

private:
    static std::chrono::milliseconds remaining(std::chrono::steady_clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        return left.count() > 0 ? left : 0ms;
    }

    bool wait_for(short events, std::chrono::milliseconds timeout) const {
        pollfd p{.fd = fd_, .events = events, .revents = 0};
        int r = 0;
        do {
            r = ::poll(&p, 1, static_cast<int>(timeout.count()));
        } while (r < 0 && errno == EINTR);
        return r > 0;
    }

    // Reads what is available within `timeout`; false on timeout or close.
    bool read_some(std::chrono::milliseconds timeout) {
        if (fd_ < 0 || !wait_for(POLLIN, timeout)) {
            return false;
        }
        char chunk[65'536];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n > 0) {
            buffer_.append(chunk, static_cast<std::size_t>(n));
            return true;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return true;
        }
        closed_ = true; // orderly close (0) or reset
        return false;
    }

    int fd_ = -1;
    std::string buffer_;
    bool closed_ = false;
};

/// Bytes as hex ("20 02 00 00"), so that a failed CHECK shows readable packets; "<none>" when
/// nothing was received. Long packets are cut after 64 bytes (with the total size).
inline std::string hex(const std::optional<std::string>& bytes) {
    if (!bytes) {
        return "<none>";
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    const std::size_t shown = bytes->size() < 64 ? bytes->size() : 64;
    for (std::size_t i = 0; i < shown; ++i) {
        const auto b = static_cast<unsigned char>((*bytes)[i]);
        if (i > 0) {
            out += ' ';
        }
        out += digits[b >> 4U];
        out += digits[b & 0x0FU];
    }
    if (shown < bytes->size()) {
        out += " ... (" + std::to_string(bytes->size()) + " bytes)";
    }
    return out;
}

/// `count` TCP connections that send nothing.
inline std::vector<raw_client> connect_many(std::uint16_t port, std::size_t count) {
    std::vector<raw_client> clients;
    clients.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        clients.emplace_back(port);
    }
    return clients;
}

/// MQTT bytes written by hand from the spec, for scripted exchanges (never from encode()).
namespace wire {

/// A Variable Byte Integer (1.5.5).
inline std::string vbi(std::uint32_t value) {
    std::string out;
    do {
        auto byte = static_cast<std::uint8_t>(value % 128U);
        value /= 128U;
        if (value > 0) {
            byte = static_cast<std::uint8_t>(byte | 0x80U);
        }
        out += static_cast<char>(byte);
    } while (value > 0);
    return out;
}

/// A Two Byte Integer, big-endian (1.5.2).
inline std::string u16(std::uint16_t value) {
    return {static_cast<char>(value >> 8U), static_cast<char>(value & 0xFFU)};
}

/// A length-prefixed string or binary field (1.5.4, 1.5.6).
inline std::string str(std::string_view text) {
    return u16(static_cast<std::uint16_t>(text.size())) + std::string{text};
}

/// A whole packet: the first header byte, the Remaining Length, the rest.
inline std::string packet(std::uint8_t first_byte, std::string_view body) {
    return static_cast<char>(first_byte) + vbi(static_cast<std::uint32_t>(body.size())) +
           std::string{body};
}

/// A v5 property list: its length, then `props` (already encoded properties).
inline std::string props(std::string_view encoded) {
    return vbi(static_cast<std::uint32_t>(encoded.size())) + std::string{encoded};
}

/// CONNECT 3.1.1 with only a client id (3.1): Clean Session as given, no will, no login.
inline std::string connect_v311(std::string_view client_id, bool clean = true,
                                std::uint16_t keep_alive = 60) {
    const char flags = clean ? '\x02' : '\x00';
    return packet(0x10, str("MQTT") + '\x04' + flags + u16(keep_alive) + str(client_id));
}

/// CONNECT 5.0 with a client id and encoded CONNECT properties (3.1.2.11).
inline std::string connect_v5(std::string_view client_id, std::string_view properties = {},
                              bool clean = true, std::uint16_t keep_alive = 60) {
    const char flags = clean ? '\x02' : '\x00';
    return packet(0x10, str("MQTT") + '\x05' + flags + u16(keep_alive) + props(properties) +
                            str(client_id));
}

/// What a CONNECT with a will carries (3.1.2.5-3.1.2.7, 3.1.3.2-3.1.3.4).
struct will_spec {
    std::string_view topic;
    std::string_view payload;
    std::uint8_t flags = 0;        ///< Will QoS / Will Retain bits of the Connect Flags
    std::string_view properties{}; ///< v5 Will Properties, encoded
};

/// CONNECT (3.1.1 or 5.0) with a will; v5 also takes encoded CONNECT properties.
inline std::string connect_with_will(bool v5, std::string_view client_id, const will_spec& will,
                                     std::string_view properties = {}, bool clean = true) {
    const auto flags = static_cast<char>((clean ? 0x02U : 0x00U) | 0x04U | will.flags);
    std::string body = str("MQTT") + (v5 ? '\x05' : '\x04') + flags + u16(60);
    if (v5) {
        body += props(properties);
    }
    body += str(client_id);
    if (v5) {
        body += props(will.properties);
    }
    body += str(will.topic) + str(will.payload);
    return packet(0x10, body);
}

/// SUBSCRIBE with one filter and its options byte (3.8); v5 adds `properties`.
inline std::string subscribe(std::uint16_t packet_id, std::string_view filter,
                             std::uint8_t options, bool v5, std::string_view properties = {}) {
    std::string body = u16(packet_id);
    if (v5) {
        body += props(properties);
    }
    body += str(filter);
    body += static_cast<char>(options);
    return packet(0x82, body);
}

/// PUBLISH (3.3): `flags` is the low nibble (DUP, QoS, RETAIN); a packet id when QoS > 0.
inline std::string publish(std::string_view topic, std::string_view payload, std::uint8_t flags,
                           std::uint16_t packet_id, bool v5, std::string_view properties = {}) {
    std::string body = str(topic);
    if ((flags & 0x06U) != 0) {
        body += u16(packet_id);
    }
    if (v5) {
        body += props(properties);
    }
    body += payload;
    return packet(static_cast<std::uint8_t>(0x30U | flags), body);
}

/// A two-byte acknowledgement (PUBACK 0x40, PUBREC 0x50, PUBREL 0x62, PUBCOMP 0x70) with the
/// short form both versions accept (reason 0x00 omitted, 3.4.2.1).
inline std::string ack(std::uint8_t first_byte, std::uint16_t packet_id) {
    return packet(first_byte, u16(packet_id));
}

} // namespace wire

/// Connects and completes CONNECT/CONNACK with `connect_bytes`; throws unless the CONNACK
/// accepts (byte 3 is the return code in 3.1.1 and the reason code in 5.0).
inline raw_client open_session(std::uint16_t port, std::string_view connect_bytes) {
    raw_client c{port};
    if (!c.send(connect_bytes)) {
        throw std::runtime_error("CONNECT could not be sent");
    }
    const auto ack = c.receive_packet();
    if (!ack || ack->size() < 4 || (*ack)[0] != '\x20' || (*ack)[3] != '\x00') {
        throw std::runtime_error("CONNECT not accepted");
    }
    return c;
}

/// Checks that the broker still serves: a 3.1.1 subscriber and a 5.0 publisher on fresh
/// connections do a QoS 1 round trip. Returns what went wrong, or an empty string.
inline std::string round_trip_error(std::uint16_t port) {
    static int round = 0;
    const std::string n = std::to_string(++round);
    const std::string topic = "alive/" + n;
    using namespace std::string_literals;
    try {
        raw_client sub = open_session(port, wire::connect_v311("alive-sub-" + n));
        sub.send(wire::subscribe(1, topic, 0x01, false));
        if (sub.receive_packet() != "\x90\x03\x00\x01\x01"s) {
            return "no SUBACK granting QoS 1";
        }
        raw_client pub = open_session(port, wire::connect_v5("alive-pub-" + n));
        pub.send(wire::publish(topic, "ping", 0x02, 7, true));
        if (pub.receive_packet() != "\x40\x02\x00\x07"s) {
            return "no PUBACK for the publisher";
        }
        // 3.1.1 PUBLISH QoS 1: topic, packet id 1 (the session's first), payload.
        const std::string expected =
            wire::packet(0x32, wire::str(topic) + "\x00\x01"s + "ping");
        if (sub.receive_packet() != expected) {
            return "the subscriber did not get the message";
        }
        sub.send(wire::ack(0x40, 1));
        sub.send("\xe0\x00"s);
        pub.send("\xe0\x00"s);
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

} // namespace emqx::test

// The node's HTTP/1.1 listener (Boost.Beast) on the broker's io_context: accepts connections,
// reads requests within limits and time bounds, answers them through the router.
#pragma once

#include "http/router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <memory>

namespace emqx::broker::http {

struct server_limits {
    request_limits request;
    /// A request (line, headers and body) must arrive within this from when the connection
    /// starts waiting for it; else the connection is closed. Also bounds an idle keep-alive
    /// connection, and so a client that sends its headers slowly.
    std::chrono::milliseconds request_timeout{10'000};
    /// A response must be taken by the client within this; else the connection is closed.
    std::chrono::milliseconds write_timeout{10'000};
    /// Connections beyond this many are answered 503 (best effort) and closed at once.
    std::size_t max_connections = 64;
};

namespace detail {
struct server_state;
}

class server {
public:
    /// Binds and listens on `endpoint` (port 0: the kernel picks one). Throws
    /// boost::system::system_error when it cannot (address in use, no permission).
    server(boost::asio::io_context& io,
           const boost::asio::ip::tcp::endpoint& endpoint,
           router routes,
           server_limits limits = {});
    /// Stops (see stop()).
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// The address actually bound (the real port when 0 was asked for).
    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

    /// Starts accepting. Call on the io_context's thread, or before it runs.
    void start();

    /// Stops accepting and closes every connection (their handlers then finish with
    /// operation_aborted). Idempotent. Call on the io_context's thread, or when it is not
    /// running.
    void stop();

    /// Open HTTP connections.
    [[nodiscard]] std::size_t connection_count() const noexcept;

private:
    // Shared with the connections, so that a handler still queued after the server is gone
    // finds what it needs.
    std::shared_ptr<detail::server_state> state_;
};

} // namespace emqx::broker::http

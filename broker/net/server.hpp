// The MQTT listener: accepts connections, feeds their bytes to the engine, flushes the
// engine's outboxes to the sockets, ticks the engine's timers. One io_context, one thread.
#pragma once

#include "engine/engine.hpp"
#include "net/connection.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <array>
#include <memory>
#include <vector>

namespace emqx::broker::net {

class connection;

class server {
public:
    /// Binds `endpoint` (throws boost::system::system_error when it cannot).
    server(boost::asio::io_context& io, engine& core, const boost::asio::ip::tcp::endpoint& endpoint);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// The address actually bound (the real port when 0 was asked for).
    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

    void start();

    /// Stops accepting, asks the engine to say goodbye to every client, and lets the
    /// connections flush and close; `done` runs when the last one is gone.
    void stop(std::function<void()> done);

    // ---- for connections -------------------------------------------------------------------

    /// Writes every outbox the engine marked, closes the clients it asked to close.
    void flush();
    void forget(client_handle c);
    [[nodiscard]] engine& core() noexcept { return engine_; }
    /// The read buffer all connections share: only one reads at a time (one thread).
    [[nodiscard]] std::array<char, 65'536>& read_buffer() noexcept { return read_buffer_; }

private:
    void do_accept();
    void on_accept(const boost::system::error_code& ec, socket_type socket);
    void schedule_tick();
    void maybe_stopped();
    /// Hands the engine's password checks to auth_pool_; results come back to this thread.
    void start_auth_checks();

    boost::asio::io_context& io_;
    engine& engine_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer tick_;
    /// After a failed accept (out of descriptors, typically): wait, do not spin.
    boost::asio::steady_timer accept_retry_;
    bool accept_failing_ = false; ///< logged once per episode, not once per attempt
    std::vector<boost::intrusive_ptr<connection>> connections_; ///< index = client_handle
    std::size_t live_ = 0;
    std::array<char, 65'536> read_buffer_{};
    bool stopping_ = false;
    std::function<void()> stopped_;
    /// bcrypt and argon2 take tens of milliseconds on purpose: never on the event loop.
    /// Declared last so that it is joined first, while everything it posts to still exists.
    boost::asio::thread_pool auth_pool_{2};
};

} // namespace emqx::broker::net

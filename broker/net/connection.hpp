// One client's socket: reads bytes, splits them into packets for the engine, and writes what
// the engine put in the client's outbox. Makes no protocol decision of its own.
#pragma once

#include "engine/session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string>

namespace emqx::broker::net {

class server;

/// A TCP socket bound to the io_context's own executor rather than the type-erased
/// any_io_executor: the socket, and every wait pending on it, then carry an 8-byte executor
/// instead of a 48-byte polymorphic one (memory per idle connection, issue 3).
using socket_type =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(socket_type socket, server& owner, client_handle handle);

    void start();
    /// Writes the client's outbox (synchronously as far as the socket takes it, the rest
    /// asynchronously) and closes when the engine asked and everything is written.
    void flush();
    /// Closes the socket now and tells the engine.
    void close();

private:
    void wait_readable();
    void on_readable(const boost::system::error_code& ec);
    /// Splits and hands over every complete packet of `data`; returns the bytes consumed.
    std::size_t process(std::string_view data);
    void start_async_write();
    void on_written(const boost::system::error_code& ec, std::size_t bytes);

    socket_type socket_;
    server& server_;
    client_handle handle_;
    /// Input and output that outlive one turn, allocated the first time either is needed:
    /// most connections never need them, and an idle one should stay small (issue 3).
    struct spill {
        std::string partial; ///< the start of a packet not yet complete
        std::string writing; ///< bytes handed to async_write
    };
    [[nodiscard]] spill& buffers();
    std::unique_ptr<spill> spill_;
    bool write_in_progress_ = false;
    bool closed_ = false;
};

} // namespace emqx::broker::net

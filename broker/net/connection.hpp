// One client's socket: reads bytes, splits them into packets for the engine, and writes what
// the engine put in the client's outbox. Makes no protocol decision of its own.
#pragma once

#include "engine/session.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string>

namespace emqx::broker::net {

class server;

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(boost::asio::ip::tcp::socket socket, server& owner, client_handle handle);

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

    boost::asio::ip::tcp::socket socket_;
    server& server_;
    client_handle handle_;
    std::string partial_; ///< the start of a packet not yet complete
    std::string writing_; ///< bytes handed to async_write
    bool write_in_progress_ = false;
    bool closed_ = false;
};

} // namespace emqx::broker::net

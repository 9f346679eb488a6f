// One HTTP connection (private to http/): read a request within the limits and the timeout,
// write the router's answer, repeat while keep-alive holds; then close gently.
#pragma once

#include "http/router.hpp"
#include "http/server.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

namespace emqx::broker::http::detail {

class connection;

/// What the server and its connections share.
struct server_state {
    server_state(boost::asio::io_context& io, router r, server_limits l)
        : routes(std::move(r)), limits(l), acceptor(io), retry(io) {}

    router routes;
    server_limits limits;
    boost::asio::ip::tcp::acceptor acceptor;
    boost::asio::steady_timer retry; ///< accept again after a failed accept (e.g. EMFILE)
    std::unordered_map<std::uint64_t, std::weak_ptr<connection>> live;
    std::uint64_t next_id = 0;
    bool stopped = false;
    bool full_logged = false; ///< the connection limit was logged since it was last below
};

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(boost::asio::ip::tcp::socket socket,
               std::shared_ptr<server_state> state,
               std::uint64_t id);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    void start();
    /// Closes now; pending operations finish with operation_aborted.
    void close() noexcept;

private:
    void read_request();
    void on_read(const boost::system::error_code& ec);
    /// The answer to what on_read got: the router's response, an error status, or a close.
    void answer(const boost::system::error_code& ec);
    void write_response(bool close_after);
    void on_written(const boost::system::error_code& ec, bool close_after);
    /// After an answer that ends the connection: stop sending, read and discard what the
    /// client still sends for a moment, then close, so that the kernel does not reset the
    /// connection (and lose the answer) because unread bytes remain.
    void linger();
    void on_drained(const boost::system::error_code& ec, std::size_t bytes);

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<request_parser> parser_;
    response response_;
    std::shared_ptr<server_state> state_;
    std::uint64_t id_;
    std::size_t drained_ = 0;
    std::array<char, 4096> drain_buffer_{};
};

} // namespace emqx::broker::http::detail

// One HTTP connection. Errors from the network are not exceptions: each completion looks at its
// error_code, and only a request that was read gets an answer.
#include "http/connection.hpp"

#include "log/log.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace emqx::broker::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using error_code = boost::system::error_code;

namespace {

constexpr std::chrono::seconds linger_time{1};
constexpr std::size_t linger_bytes = 64 * 1024;

/// A parse error (the client sent something that is not an acceptable HTTP request), as
/// opposed to the stream ending or failing. end_of_stream and partial_message mean the client
/// went away: nobody is left to answer.
bool is_bad_request(const error_code& ec) noexcept {
    return ec.category() ==
               beast::http::make_error_code(beast::http::error::bad_method).category() &&
           ec != beast::http::error::end_of_stream && ec != beast::http::error::partial_message;
}

} // namespace

connection::connection(asio::ip::tcp::socket socket,
                       std::shared_ptr<server_state> state,
                       std::uint64_t id)
    : stream_(std::move(socket)), state_(std::move(state)), id_(id) {
}

connection::~connection() {
    state_->live.erase(id_);
    if (state_->live.size() < state_->limits.max_connections) {
        state_->full_logged = false;
    }
}

void connection::start() {
    read_request();
}

void connection::close() noexcept {
    error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
}

void connection::read_request() {
    parser_.emplace();
    apply_limits(*parser_, state_->limits.request);
    stream_.expires_after(state_->limits.request_timeout);
    beast::http::async_read(
        stream_, buffer_, *parser_, [self = shared_from_this()](const error_code& ec, std::size_t) {
            self->on_read(ec);
        });
}

void connection::on_read(const error_code& ec) {
    try {
        answer(ec);
    } catch (...) {
        close(); // never let an exception leave a completion handler (out of memory, say)
    }
}

void connection::answer(const error_code& ec) {
    if (ec) {
        if (state_->stopped || !is_bad_request(ec)) {
            // end_of_stream, timeout (a slow or idle client), reset, operation_aborted: quiet.
            log::write(log::level::debug, "http", "connection closed", {{"reason", ec.message()}});
            close();
            return;
        }
        log::write(log::level::debug, "http", "bad request", {{"error", ec.message()}});
        response_ = response_for_read_error(ec);
        write_response(true);
        return;
    }
    response_ = state_->routes.handle(parser_->get());
    const bool close_after = !response_.keep_alive() || state_->stopped;
    if (close_after) {
        response_.keep_alive(false);
    }
    write_response(close_after);
}

void connection::write_response(bool close_after) {
    stream_.expires_after(state_->limits.write_timeout);
    beast::http::async_write(
        stream_,
        response_,
        [self = shared_from_this(), close_after](const error_code& ec, std::size_t) {
            self->on_written(ec, close_after);
        });
}

void connection::on_written(const error_code& ec, bool close_after) {
    if (ec || state_->stopped) {
        close();
        return;
    }
    if (close_after) {
        linger();
        return;
    }
    response_ = {};
    read_request();
}

void connection::linger() {
    error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    stream_.expires_after(linger_time);
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](const error_code& ec, std::size_t n) {
                                self->on_drained(ec, n);
                            });
}

void connection::on_drained(const error_code& ec, std::size_t bytes) {
    drained_ += bytes;
    if (ec || drained_ > linger_bytes || state_->stopped) {
        close();
        return;
    }
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](const error_code& e, std::size_t n) {
                                self->on_drained(e, n);
                            });
}

} // namespace emqx::broker::http::detail

// The HTTP listener: the accept loop, the connection limit, and stopping.
#include "http/server.hpp"

#include "http/connection.hpp"
#include "log/log.hpp"

#include <boost/asio/error.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace emqx::broker::http {

namespace asio = boost::asio;
using error_code = boost::system::error_code;
using detail::connection;
using detail::server_state;

namespace {

constexpr std::chrono::milliseconds accept_retry{500};

constexpr std::string_view busy_body =
    R"({"error":"too_many_connections","message":"the HTTP connection limit is reached"})";
const std::string busy_response = "HTTP/1.1 503 Service Unavailable\r\n"
                                  "Content-Type: application/json\r\n"
                                  "Content-Length: " +
                                  std::to_string(busy_body.size()) +
                                  "\r\n"
                                  "Connection: close\r\n\r\n" +
                                  std::string{busy_body};

/// A connection over the limit: one non-blocking write of a 503 (a fresh socket's send buffer
/// takes it whole, or the client just sees the close), then closed. Never waits.
void refuse(asio::ip::tcp::socket& socket) noexcept {
    error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(busy_response), ignored);
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

void accept_next(const std::shared_ptr<server_state>& state);

void admit(const std::shared_ptr<server_state>& state, asio::ip::tcp::socket socket) {
    if (state->live.size() >= state->limits.max_connections) {
        if (!state->full_logged) {
            state->full_logged = true;
            log::write(log::level::warn,
                       "http",
                       "connection limit reached, refusing more",
                       {{"max_connections", std::to_string(state->limits.max_connections)}});
        }
        refuse(socket);
        return;
    }
    const std::uint64_t id = state->next_id++;
    auto c = std::make_shared<connection>(std::move(socket), state, id);
    state->live.emplace(id, c);
    c->start();
}

void on_accept(const std::shared_ptr<server_state>& state,
               const error_code& ec,
               asio::ip::tcp::socket socket) {
    if (state->stopped || ec == asio::error::operation_aborted) {
        return;
    }
    if (ec) {
        // Out of descriptors, say: wait a little rather than spin on a failing accept.
        log::write(log::level::warn, "http", "accept failed", {{"error", ec.message()}});
        state->retry.expires_after(accept_retry);
        state->retry.async_wait([state](const error_code& timer_ec) {
            if (!timer_ec && !state->stopped) {
                accept_next(state);
            }
        });
        return;
    }
    try {
        admit(state, std::move(socket));
    } catch (const std::exception& e) {
        log::write(log::level::error, "http", "could not take a connection", {{"error", e.what()}});
    }
    accept_next(state);
}

void accept_next(const std::shared_ptr<server_state>& state) {
    state->acceptor.async_accept([state](const error_code& ec, asio::ip::tcp::socket socket) {
        on_accept(state, ec, std::move(socket));
    });
}

} // namespace

server::server(asio::io_context& io,
               const asio::ip::tcp::endpoint& endpoint,
               router routes,
               server_limits limits)
    : state_(std::make_shared<server_state>(io, std::move(routes), limits)) {
    auto& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
}

server::~server() {
    stop();
}

asio::ip::tcp::endpoint server::local_endpoint() const {
    return state_->acceptor.local_endpoint();
}

void server::start() {
    accept_next(state_);
}

void server::stop() {
    if (state_->stopped) {
        return;
    }
    state_->stopped = true;
    error_code ignored;
    state_->acceptor.close(ignored);
    state_->retry.cancel();
    // Hold them while closing: a connection that dies leaves `live`, which must not change
    // under the loop.
    std::vector<std::shared_ptr<connection>> open;
    for (const auto& [id, weak] : state_->live) {
        if (auto c = weak.lock()) {
            open.push_back(std::move(c));
        }
    }
    for (const auto& c : open) {
        c->close();
    }
}

std::size_t server::connection_count() const noexcept {
    return state_->live.size();
}

} // namespace emqx::broker::http

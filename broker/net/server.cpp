// Accepting connections, flushing outboxes, ticking timers (see server.hpp).
#include "net/server.hpp"

#include "auth/password.hpp"
#include "log/log.hpp"
#include "net/connection.hpp"

#include <boost/asio/post.hpp>

namespace emqx::broker::net {

namespace asio = boost::asio;
using boost::system::error_code;

server::server(asio::io_context& io, engine& core, const asio::ip::tcp::endpoint& endpoint)
    : io_(io), engine_(core), acceptor_(io), tick_(io), accept_retry_(io) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
}

server::~server() {
    auth_pool_.join();
}

asio::ip::tcp::endpoint server::local_endpoint() const {
    return acceptor_.local_endpoint();
}

void server::start() {
    do_accept();
    schedule_tick();
}

void server::do_accept() {
    acceptor_.async_accept(io_, [this](const error_code& ec, socket_type socket) {
        on_accept(ec, std::move(socket));
    });
}

void server::on_accept(const error_code& ec, socket_type socket) {
    if (stopping_ || ec == asio::error::operation_aborted) {
        return;
    }
    if (ec) {
        // Out of descriptors or a connection reset before accept: keep listening, but after
        // a pause (an accept failing for want of descriptors fails again at once), and say so
        // once per episode rather than a million times a second.
        if (!accept_failing_) {
            log::write(log::level::warn, "mqtt", "accept failed, retrying every 100 ms",
                       {{"error", ec.message()}});
        }
        accept_failing_ = true;
        accept_retry_.expires_after(std::chrono::milliseconds{100});
        accept_retry_.async_wait([this](const error_code& timer_ec) {
            if (!timer_ec && !stopping_) {
                do_accept();
            }
        });
        return;
    }
    if (accept_failing_) {
        accept_failing_ = false;
        log::write(log::level::info, "mqtt", "accepting again");
    }
    if (engine_.connection_count() >= engine_.config().max_connections) {
        error_code ignored;
        socket.close(ignored);
        do_accept();
        return;
    }
    error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    std::string peer_text = peer_ec ? "unknown"
                                    : peer.address().to_string() + ":" + std::to_string(peer.port());
    const client_handle c = engine_.open(std::move(peer_text), clock::now());
    if (connections_.size() <= c) {
        connections_.resize(c + 1);
    }
    boost::intrusive_ptr<connection> conn{new connection(std::move(socket), *this, c)};
    connections_[c] = conn;
    ++live_;
    conn->start();
    do_accept();
}

void server::start_auth_checks() {
    for (auth_request& request : engine_.take_auth_requests()) {
        asio::post(auth_pool_, [this, request = std::move(request)] {
            // Only the request's own copies are touched on the pool's threads.
            const bool ok = auth::verify(request.user, request.password);
            asio::post(io_, [this, c = request.client, serial = request.serial, ok] {
                engine_.on_auth_result(c, serial, ok, clock::now());
                flush();
            });
        });
    }
}

void server::flush() {
    start_auth_checks();
    // Indexing, not iterating: flushing may close a client, whose will may add entries.
    for (std::size_t i = 0; i < engine_.dirty().size(); ++i) {
        const client_handle c = engine_.dirty()[i];
        if (c < connections_.size() && connections_[c]) {
            const auto conn = connections_[c]; // keeps it alive through close()
            conn->flush();
        }
    }
    engine_.clear_dirty();
}

void server::forget(client_handle c) {
    if (c < connections_.size() && connections_[c]) {
        connections_[c].reset();
        --live_;
        maybe_stopped();
    }
}

void server::schedule_tick() {
    tick_.expires_after(std::chrono::seconds{1});
    tick_.async_wait([this](const error_code& ec) {
        if (ec) {
            return;
        }
        engine_.on_tick(clock::now());
        flush();
        schedule_tick();
    });
}

void server::stop(std::function<void()> done) {
    stopping_ = true;
    stopped_ = std::move(done);
    error_code ignored;
    acceptor_.close(ignored);
    engine_.shutdown(clock::now());
    flush();
    maybe_stopped();
}

void server::maybe_stopped() {
    if (stopping_ && live_ == 0 && stopped_) {
        tick_.cancel();
        accept_retry_.cancel();
        auto done = std::move(stopped_);
        stopped_ = nullptr;
        done();
    }
}

} // namespace emqx::broker::net

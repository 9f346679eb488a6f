// A node inside the test process: the real engine, the MQTT listener and the HTTP server on one
// io_context run by one thread, as in emqxd, both on 127.0.0.1 with ports the kernel picked.
#pragma once

#include "engine/engine.hpp"
#include "http/server.hpp"
#include "net/server.hpp"

#include <boost/asio/post.hpp>

#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace emqx::test {

namespace asio = boost::asio;

/// Short timeouts, so that the slow-client tests take a second, not ten.
inline broker::http::server_limits quick_limits() {
    broker::http::server_limits l;
    l.request_timeout = std::chrono::milliseconds{800};
    l.write_timeout = std::chrono::seconds{2};
    l.max_connections = 16;
    return l;
}

class node_fixture {
public:
    explicit node_fixture(broker::http::server_limits limits = quick_limits(),
                          std::string auth_token = {})
        : core_(broker::limits{}) {
        const asio::ip::tcp::endpoint any_port{asio::ip::make_address("127.0.0.1"), 0};
        mqtt_ = std::make_unique<broker::net::server>(io_, core_, any_port);
        broker::http::node_info node;
        node.node_id = "node1";
        node.cluster_id = "emqx-test";
        node.version = "0.1.0-test";
        http_ = std::make_unique<broker::http::server>(
            io_,
            any_port,
            broker::http::router{node, make_source(), std::move(auth_token)},
            limits);
        mqtt_port_ = mqtt_->local_endpoint().port();
        http_port_ = http_->local_endpoint().port();
        mqtt_->start();
        http_->start();
        thread_ = std::thread{[this] { io_.run(); }};
    }

    ~node_fixture() {
        asio::post(io_, [this] {
            http_->stop();
            mqtt_->stop([] {});
            io_.stop();
        });
        thread_.join();
    }
    node_fixture(const node_fixture&) = delete;
    node_fixture& operator=(const node_fixture&) = delete;

    [[nodiscard]] std::uint16_t http_port() const noexcept { return http_port_; }
    [[nodiscard]] std::uint16_t mqtt_port() const noexcept { return mqtt_port_; }

    /// Runs `f` on the node's thread and waits for its result.
    template <typename F>
    auto on_node(F f) {
        std::packaged_task<decltype(f())()> task{std::move(f)};
        auto result = task.get_future();
        asio::post(io_, [&task] { task(); });
        return result.get();
    }

    [[nodiscard]] std::size_t http_connections() {
        return on_node([this] { return http_->connection_count(); });
    }

    void stop_http() {
        on_node([this] {
            http_->stop();
            return 0;
        });
    }

private:
    broker::http::status_source make_source() {
        broker::http::status_source s;
        s.counts = [this] {
            return broker::http::node_counts{.connections = core_.connection_count(),
                                             .sessions = core_.session_count(),
                                             .subscriptions = core_.subscription_count(),
                                             .retained_messages = core_.retained_count()};
        };
        s.stats = [this] { return core_.stats(); };
        s.listeners = [this] {
            return std::vector<broker::http::listener_info>{{"mqtt", "127.0.0.1", mqtt_port_},
                                                            {"http", "127.0.0.1", http_port_}};
        };
        s.ready = [] { return broker::http::readiness{}; };
        return s;
    }

    asio::io_context io_{1};
    broker::engine core_;
    std::unique_ptr<broker::net::server> mqtt_;
    std::unique_ptr<broker::http::server> http_;
    std::uint16_t mqtt_port_ = 0;
    std::uint16_t http_port_ = 0;
    std::thread thread_;
};

} // namespace emqx::test

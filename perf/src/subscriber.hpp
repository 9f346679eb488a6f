// One subscribing connection: subscribes to its topic, hands every message to the ledger and
// answers the QoS 1 / QoS 2 flows.
#pragma once

#include "link.hpp"

#include <cstdint>
#include <string>

#include <emqx/mqtt/packet.hpp>
#include <emqx/perf/options.hpp>

namespace emqx::perf::detail {

class engine;

class subscriber final : public link_handler {
public:
    subscriber(engine& owner,
               asio::io_context& io,
               const run_options& options,
               std::uint32_t index,
               std::string client_id,
               std::string topic);

    /// Connects and sends CONNECT; the engine hears of the CONNACK.
    void start(const asio::ip::tcp::endpoint& where);
    /// Sends SUBSCRIBE for its topic at the run's QoS; the engine hears of the SUBACK.
    void subscribe();
    /// Sends PINGREQ when nothing was written for half the keep-alive.
    void keep_alive(std::uint64_t now);
    /// Sends PINGREQ now: the broker's PINGRESP shows it is alive.
    void ping();
    void close() noexcept { link_.close(); }

    void on_packet(const mqtt::packet& packet, std::uint64_t now) override;
    void on_read_batch(std::uint64_t now) override;
    void on_write_done(std::uint64_t now) override;
    void on_link_error(const std::string& what) override;

private:
    void on_publish(const mqtt::publish& message, std::uint64_t now);
    void on_suback(const mqtt::suback& ack);
    void protocol_problem(const std::string& what);

    engine& owner_;
    const run_options& options_;
    std::uint32_t index_;
    std::string client_id_;
    std::string topic_;
    link link_;
    std::uint16_t keep_alive_s_ = 0;
    bool ready_ = false;
};

} // namespace emqx::perf::detail

// One publishing connection: sends stamped messages as its ledger allows, in batches, and
// completes the QoS 1 / QoS 2 flows of each.
#pragma once

#include "link.hpp"
#include "session.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <emqx/mqtt/packet.hpp>
#include <emqx/perf/options.hpp>

namespace emqx::perf::detail {

class engine;

class publisher final : public link_handler {
public:
    publisher(engine& owner,
              asio::io_context& io,
              const run_options& options,
              std::uint32_t index,
              std::string client_id,
              std::string topic);

    /// Connects and sends CONNECT; the engine hears of the CONNACK.
    void start(const asio::ip::tcp::endpoint& where);
    /// Sends, in one write, as many messages as the ledger and the broker's Receive Maximum
    /// allow now; nothing while the previous write is under way (its completion pumps).
    void pump(std::uint64_t now);
    /// Sends PINGREQ when nothing was written for half the keep-alive.
    void keep_alive(std::uint64_t now);
    /// Sends PINGREQ now: the broker's PINGRESP shows it is alive.
    void ping();
    void close() noexcept { link_.close(); }

    /// True when pump() would send if messages were due: connected, not writing, and below
    /// the broker's Receive Maximum.
    [[nodiscard]] bool can_send() const noexcept;
    /// QoS 1/2 messages sent and not yet acknowledged (PUBACK, or PUBCOMP).
    [[nodiscard]] std::uint32_t unacknowledged() const noexcept { return unacked_; }
    [[nodiscard]] std::uint64_t acknowledged() const noexcept { return acknowledged_; }
    [[nodiscard]] std::uint64_t refused() const noexcept { return refused_; }

    void on_packet(const mqtt::packet& packet, std::uint64_t now) override;
    void on_read_batch(std::uint64_t now) override;
    void on_write_done(std::uint64_t now) override;
    void on_link_error(const std::string& what) override;

private:
    /// Where a packet identifier stands in its flow.
    enum class id_state : std::uint8_t { free, sent, released };

    void on_connack(const mqtt::connack& ack);
    void on_ack(std::uint16_t id, mqtt::reason_code reason, id_state expected, bool final);
    [[nodiscard]] std::uint16_t take_id() noexcept;
    void protocol_problem(const std::string& what);

    engine& owner_;
    const run_options& options_;
    std::uint32_t index_;
    std::string client_id_;
    std::string topic_;
    link link_;
    std::string payload_;
    mqtt::publish message_;
    std::size_t packet_size_ = 0;
    std::uint64_t batch_limit_ = 1;
    session_limits limits_;
    bool ready_ = false;

    std::vector<id_state> ids_;
    std::uint16_t next_id_ = 1;
    std::uint32_t unacked_ = 0;
    std::uint64_t acknowledged_ = 0;
    std::uint64_t refused_ = 0;
};

} // namespace emqx::perf::detail

// One MQTT connection of the load generator over Asio: reads many packets per read, writes
// many per write; what the packets mean is its handler's business.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/types.hpp>

namespace emqx::perf::detail {

namespace asio = boost::asio;

/// What a link reports to its owner. Every call comes from the io_context's thread.
class link_handler {
public:
    /// One decoded packet; its views point into the link's read buffer, valid for this call.
    virtual void on_packet(const mqtt::packet& packet, std::uint64_t now) = 0;
    /// The packets of one read have all been handed over (a good moment to flush).
    virtual void on_read_batch(std::uint64_t now) = 0;
    /// The last write completed; the link can take the next batch.
    virtual void on_write_done(std::uint64_t now) = 0;
    /// The link failed (closed by the peer, a socket error, a malformed packet); it is closed.
    virtual void on_link_error(const std::string& what) = 0;

protected:
    ~link_handler() = default;
};

class link {
public:
    link(asio::io_context& io, link_handler& handler, mqtt::protocol_version version);
    link(const link&) = delete;
    link& operator=(const link&) = delete;

    /// Connects (TCP_NODELAY) and calls `done` with the outcome; starts nothing else.
    void connect(const asio::ip::tcp::endpoint& where,
                 std::function<void(const boost::system::error_code&)> done);
    /// Starts the read loop: every packet goes to the handler until the link closes.
    void start_reading();
    /// The buffer of packets waiting to be written: encode into it, then flush().
    [[nodiscard]] std::string& out() noexcept { return pending_; }
    /// Writes what out() holds in one write, unless a write is already under way (then the
    /// bytes go with the next one, started when it completes).
    void flush();
    [[nodiscard]] bool writing() const noexcept { return writing_; }
    [[nodiscard]] std::uint64_t last_write_ns() const noexcept { return last_write_ns_; }
    /// Closes the socket; pending operations complete quietly.
    void close() noexcept;
    [[nodiscard]] bool closed() const noexcept { return closed_; }

private:
    void on_read(const boost::system::error_code& error, std::size_t bytes);
    bool deliver_packets(std::uint64_t now);
    void on_written(const boost::system::error_code& error);
    void fail(const std::string& what);

    asio::ip::tcp::socket socket_;
    link_handler& handler_;
    mqtt::protocol_version version_;
    std::vector<char> in_;
    std::size_t filled_ = 0;
    std::string pending_;
    std::string in_flight_;
    bool writing_ = false;
    bool closed_ = false;
    std::uint64_t last_write_ns_ = 0;
};

} // namespace emqx::perf::detail

// One MQTT connection of the load generator: the read loop that splits and decodes, and the
// double-buffered writer (one buffer on the wire, one filling).
#include "link.hpp"

#include "clock.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/split.hpp>

namespace emqx::perf::detail {

namespace {

constexpr std::size_t initial_read_buffer = 256 * 1024;

} // namespace

link::link(asio::io_context& io, link_handler& handler, mqtt::protocol_version version)
    : socket_(io), handler_(handler), version_(version), in_(initial_read_buffer) {}

void link::connect(const asio::ip::tcp::endpoint& where,
                   std::function<void(const boost::system::error_code&)> done) {
    socket_.async_connect(where, [this, done = std::move(done)](const auto& error) {
        if (!error) {
            boost::system::error_code ignored;
            socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
        }
        done(error);
    });
}

void link::start_reading() {
    if (closed_) {
        return;
    }
    socket_.async_read_some(asio::buffer(in_.data() + filled_, in_.size() - filled_),
                            [this](const auto& error, std::size_t bytes) { on_read(error, bytes); });
}

void link::on_read(const boost::system::error_code& error, std::size_t bytes) {
    if (closed_) {
        return;
    }
    if (error) {
        fail(error == asio::error::eof ? "the broker closed the connection"
                                       : "read failed: " + error.message());
        return;
    }
    filled_ += bytes;
    const std::uint64_t now = now_ns();
    if (!deliver_packets(now) || closed_) {
        return;
    }
    handler_.on_read_batch(now);
    start_reading();
}

// Hands every complete packet of the buffer to the handler and keeps the incomplete rest at
// the front. Returns false when the stream is broken (the link is then closed).
bool link::deliver_packets(std::uint64_t now) {
    std::size_t used = 0;
    while (!closed_) {
        const std::string_view rest(in_.data() + used, filled_ - used);
        const auto split = mqtt::split_packet(rest);
        if (split.status == mqtt::split_status::invalid) {
            fail("the broker sent a broken packet length");
            return false;
        }
        if (split.status == mqtt::split_status::need_more) {
            if (split.packet_size > in_.size()) {
                in_.resize(split.packet_size); // a packet larger than the buffer: make room
            }
            break;
        }
        const auto packet = mqtt::decode(rest.substr(0, split.packet_size), version_);
        if (!packet) {
            fail("the broker sent a packet we cannot decode (" +
                 std::string{mqtt::reason_code_name(packet.error())} + ")");
            return false;
        }
        handler_.on_packet(*packet, now);
        used += split.packet_size;
    }
    if (used > 0 && !closed_) {
        std::memmove(in_.data(), in_.data() + used, filled_ - used);
        filled_ -= used;
    }
    return !closed_;
}

void link::flush() {
    if (writing_ || closed_ || pending_.empty()) {
        return;
    }
    std::swap(pending_, in_flight_);
    writing_ = true;
    asio::async_write(socket_, asio::buffer(in_flight_),
                      [this](const auto& error, std::size_t) { on_written(error); });
}

void link::on_written(const boost::system::error_code& error) {
    writing_ = false;
    in_flight_.clear(); // keeps its capacity: no allocation in the steady state
    if (closed_) {
        return;
    }
    if (error) {
        fail("write failed: " + error.message());
        return;
    }
    last_write_ns_ = now_ns();
    handler_.on_write_done(last_write_ns_);
    flush();
}

void link::fail(const std::string& what) {
    close();
    handler_.on_link_error(what);
}

void link::close() noexcept {
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

} // namespace emqx::perf::detail

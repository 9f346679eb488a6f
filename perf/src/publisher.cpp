// One publishing connection: batches of stamped PUBLISH packets, and the QoS 1 / 2 flows.
#include "publisher.hpp"

#include "engine.hpp"

#include <algorithm>
#include <utility>
#include <variant>

#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/perf/stamp.hpp>

namespace emqx::perf::detail {

namespace {

/// One write carries at most this many messages, or bytes: big enough to make system calls
/// rare, small enough that the ledger's view stays fresh.
constexpr std::uint64_t batch_messages = 4096;
constexpr std::uint64_t batch_bytes = 4 * 1024 * 1024;

} // namespace

publisher::publisher(engine& owner,
                     asio::io_context& io,
                     const run_options& options,
                     std::uint32_t index,
                     std::string client_id,
                     std::string topic)
    : owner_(owner),
      options_(options),
      index_(index),
      client_id_(std::move(client_id)),
      topic_(std::move(topic)),
      link_(io, *this, options.version),
      payload_(options.size, '\0'),
      ids_(65536, id_state::free) {
    message_.qos = options.qos;
    message_.topic = topic_;
    message_.payload = payload_;
    message_.packet_id = options.qos == mqtt::qos::at_most_once ? 0 : 1;
    std::string probe;
    (void)mqtt::encode(message_, options.version, probe);
    packet_size_ = probe.size();
    batch_limit_ = std::clamp<std::uint64_t>(batch_bytes / packet_size_, 1, batch_messages);
}

void publisher::start(const asio::ip::tcp::endpoint& where) {
    link_.connect(where, [this](const boost::system::error_code& error) {
        if (error) {
            owner_.link_failed("publisher", index_, "cannot connect: " + error.message());
            return;
        }
        encode_connect(options_, client_id_, link_.out());
        link_.flush();
        link_.start_reading();
    });
}

bool publisher::can_send() const noexcept {
    return ready_ && !link_.writing() && !link_.closed() && unacked_ < limits_.receive_maximum;
}

void publisher::pump(std::uint64_t now) {
    if (!can_send()) {
        return;
    }
    ledger& book = owner_.book();
    std::uint64_t n = std::min(book.allowance(index_, now), batch_limit_);
    if (options_.qos != mqtt::qos::at_most_once) {
        n = std::min<std::uint64_t>(n, limits_.receive_maximum - unacked_);
    }
    if (n == 0) {
        return;
    }
    std::string& out = link_.out();
    const std::uint64_t first = book.next_sequence(index_);
    for (std::uint64_t seq = first; seq < first + n; ++seq) {
        write_stamp(payload_.data(), stamp{index_, seq, book.stamp_time(index_, seq, now)});
        if (options_.qos != mqtt::qos::at_most_once) {
            message_.packet_id = take_id();
        }
        (void)mqtt::encode(message_, options_.version, out); // sized and checked at start
    }
    book.published(index_, n, now);
    link_.flush();
}

std::uint16_t publisher::take_id() noexcept {
    // At most receive_maximum (<= 65535) identifiers are in use, so a free one exists; acks
    // come back mostly in order, so the next one is almost always free.
    while (ids_[next_id_] != id_state::free) {
        next_id_ = static_cast<std::uint16_t>(next_id_ == 65535 ? 1 : next_id_ + 1);
    }
    const std::uint16_t id = next_id_;
    ids_[id] = id_state::sent;
    ++unacked_;
    next_id_ = static_cast<std::uint16_t>(next_id_ == 65535 ? 1 : next_id_ + 1);
    return id;
}

void publisher::keep_alive(std::uint64_t now) {
    const std::uint64_t half = std::uint64_t{limits_.keep_alive_s} * 500'000'000U;
    if (ready_ && half > 0 && now - link_.last_write_ns() > half) {
        ping();
    }
}

void publisher::ping() {
    (void)mqtt::encode(mqtt::pingreq{}, options_.version, link_.out());
    link_.flush();
}

void publisher::on_packet(const mqtt::packet& packet, std::uint64_t /*now*/) {
    switch (mqtt::type_of(packet)) {
    case mqtt::packet_type::connack:
        on_connack(std::get<mqtt::connack>(packet));
        break;
    case mqtt::packet_type::puback: {
        const auto& ack = std::get<mqtt::puback>(packet);
        on_ack(ack.packet_id, ack.reason, id_state::sent, true);
        break;
    }
    case mqtt::packet_type::pubrec: {
        const auto& ack = std::get<mqtt::pubrec>(packet);
        on_ack(ack.packet_id, ack.reason, id_state::sent, mqtt::is_failure(ack.reason));
        if (!mqtt::is_failure(ack.reason) && !link_.closed()) {
            // [MQTT-4.3.3-3] answer PUBREC with PUBREL, and wait for PUBCOMP.
            ids_[ack.packet_id] = id_state::released;
            (void)mqtt::encode(ack_of<mqtt::pubrel>(ack.packet_id), options_.version, link_.out());
        }
        break;
    }
    case mqtt::packet_type::pubcomp: {
        const auto& ack = std::get<mqtt::pubcomp>(packet);
        on_ack(ack.packet_id, ack.reason, id_state::released, true);
        break;
    }
    case mqtt::packet_type::disconnect:
        protocol_problem("the broker disconnected it: " +
                         std::string{mqtt::reason_code_name(std::get<mqtt::disconnect>(packet).reason)});
        break;
    default:
        break; // PINGRESP; anything else a broker sends a publisher is not ours to judge
    }
}

void publisher::on_connack(const mqtt::connack& ack) {
    auto limits = accept_connack(ack, options_, packet_size_);
    if (!limits) {
        owner_.fail(run_status::refused, limits.error());
        return;
    }
    limits_ = *limits;
    ready_ = true;
    owner_.connected();
}

void publisher::on_ack(std::uint16_t id, mqtt::reason_code reason, id_state expected, bool final) {
    if (ids_[id] != expected) {
        protocol_problem("the broker acknowledged packet id " + std::to_string(id) +
                         ", which was not waiting for that acknowledgement");
        return;
    }
    if (!final) {
        return;
    }
    ids_[id] = id_state::free;
    --unacked_;
    if (mqtt::is_failure(reason)) {
        ++refused_;
    } else {
        ++acknowledged_;
    }
}

void publisher::protocol_problem(const std::string& what) {
    link_.close();
    owner_.link_failed("publisher", index_, what);
}

void publisher::on_read_batch(std::uint64_t now) {
    owner_.heard(now);
    pump(now); // PUBRELs waiting in out() go with the next messages, in one write
    link_.flush();
    owner_.acks_done(now);
    owner_.publisher_idle(now);
}

void publisher::on_write_done(std::uint64_t now) {
    pump(now);
    owner_.publisher_idle(now);
}

void publisher::on_link_error(const std::string& what) {
    owner_.link_failed("publisher", index_, what);
}

} // namespace emqx::perf::detail

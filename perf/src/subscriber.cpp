// One subscribing connection: SUBSCRIBE, then every PUBLISH to the ledger, with its acks.
#include "subscriber.hpp"

#include "engine.hpp"
#include "session.hpp"

#include <utility>
#include <variant>

#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/perf/stamp.hpp>

namespace emqx::perf::detail {

subscriber::subscriber(engine& owner,
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
      link_(io, *this, options.version) {}

void subscriber::start(const asio::ip::tcp::endpoint& where) {
    link_.connect(where, [this](const boost::system::error_code& error) {
        if (error) {
            owner_.link_failed("subscriber", index_, "cannot connect: " + error.message());
            return;
        }
        encode_connect(options_, client_id_, link_.out());
        link_.flush();
        link_.start_reading();
    });
}

void subscriber::subscribe() {
    mqtt::subscribe packet;
    packet.packet_id = 1;
    packet.subscriptions.push_back({topic_, mqtt::subscribe_options{.max_qos = options_.qos}});
    (void)mqtt::encode(packet, options_.version, link_.out());
    link_.flush();
}

void subscriber::keep_alive(std::uint64_t now) {
    const std::uint64_t half = std::uint64_t{keep_alive_s_} * 500'000'000U;
    if (ready_ && half > 0 && now - link_.last_write_ns() > half) {
        ping();
    }
}

void subscriber::ping() {
    (void)mqtt::encode(mqtt::pingreq{}, options_.version, link_.out());
    link_.flush();
}

void subscriber::on_packet(const mqtt::packet& packet, std::uint64_t now) {
    switch (mqtt::type_of(packet)) {
    case mqtt::packet_type::publish:
        on_publish(std::get<mqtt::publish>(packet), now);
        break;
    case mqtt::packet_type::pubrel:
        // [MQTT-4.3.3-11] answer PUBREL with PUBCOMP: the QoS 2 delivery is complete.
        (void)mqtt::encode(ack_of<mqtt::pubcomp>(std::get<mqtt::pubrel>(packet).packet_id),
                           options_.version,
                           link_.out());
        break;
    case mqtt::packet_type::connack: {
        auto limits = accept_connack(std::get<mqtt::connack>(packet), options_, 0);
        if (!limits) {
            owner_.fail(run_status::refused, limits.error());
            return;
        }
        keep_alive_s_ = limits->keep_alive_s;
        ready_ = true;
        owner_.connected();
        break;
    }
    case mqtt::packet_type::suback:
        on_suback(std::get<mqtt::suback>(packet));
        break;
    case mqtt::packet_type::disconnect:
        protocol_problem("the broker disconnected it: " +
                         std::string{mqtt::reason_code_name(std::get<mqtt::disconnect>(packet).reason)});
        break;
    default:
        break; // PINGRESP
    }
}

void subscriber::on_publish(const mqtt::publish& message, std::uint64_t now) {
    if (const auto s = read_stamp(message.payload)) {
        owner_.book().delivered(index_, *s, now);
    } else {
        owner_.book().foreign();
    }
    // Received means delivered, for QoS 2 too: we keep no state between PUBREC and PUBREL
    // because we never reconnect, so the broker has no reason to send it again.
    if (message.qos == mqtt::qos::at_least_once) {
        (void)mqtt::encode(ack_of<mqtt::puback>(message.packet_id), options_.version, link_.out());
    } else if (message.qos == mqtt::qos::exactly_once) {
        (void)mqtt::encode(ack_of<mqtt::pubrec>(message.packet_id), options_.version, link_.out());
    }
}

void subscriber::on_suback(const mqtt::suback& ack) {
    if (ack.reasons.size() != 1 || mqtt::is_failure(ack.reasons.front())) {
        owner_.fail(run_status::refused,
                    "the broker refused the subscription to " + topic_ + ": " +
                        std::string{mqtt::reason_code_name(
                            ack.reasons.empty() ? mqtt::reason_code::unspecified_error
                                                : ack.reasons.front())});
        return;
    }
    // Granted QoS 0, 1 or 2 is the reason code's value (3.9.3).
    owner_.subscribed(static_cast<mqtt::qos>(static_cast<std::uint8_t>(ack.reasons.front())));
}

void subscriber::protocol_problem(const std::string& what) {
    link_.close();
    owner_.link_failed("subscriber", index_, what);
}

void subscriber::on_read_batch(std::uint64_t now) {
    owner_.heard(now);
    link_.flush();
    owner_.deliveries_done(now);
}

void subscriber::on_write_done(std::uint64_t /*now*/) {}

void subscriber::on_link_error(const std::string& what) {
    owner_.link_failed("subscriber", index_, what);
}

} // namespace emqx::perf::detail

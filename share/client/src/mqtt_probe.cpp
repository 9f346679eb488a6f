// The MQTT probe: a native blocking client on the codec, one socket per client and nothing
// shared between calls, so that health runs the probes of many nodes at once.
#include "probe_link.hpp"

#include <emqx/client/mqtt_probe.hpp>
#include <emqx/mqtt/packet.hpp>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace emqx::client {

namespace {

using detail::maybe_error;
using detail::probe_clock;
using detail::probe_link;
using detail::seconds_text;

/// How long a round trip waits before it publishes another copy of its probe message.
constexpr std::chrono::milliseconds republish_interval{250};

/// The packet id of the round trip's one SUBSCRIBE.
constexpr std::uint16_t subscribe_id = 1;

std::chrono::microseconds since(probe_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(probe_clock::now() - start);
}

mqtt::qos qos_of(int qos) {
    return static_cast<mqtt::qos>(std::clamp(qos, 0, 2));
}

/// Both clients connect at once: both TCP connects, both CONNECTs, then both CONNACKs.
maybe_error connect_both(probe_link& subscriber,
                         probe_link& publisher,
                         const probe_options& sub,
                         const probe_options& pub) {
    const auto start = probe_clock::now();
    if (auto e = subscriber.start(start + sub.timeout)) {
        return e;
    }
    if (auto e = publisher.start(start + pub.timeout)) {
        return e;
    }
    for (auto* link : {&subscriber, &publisher}) {
        if (auto e = link->send_connect()) {
            return e;
        }
    }
    for (auto* link : {&subscriber, &publisher}) {
        if (auto e = link->await_connack()) {
            return e;
        }
    }
    return std::nullopt;
}

/// SUBSCRIBE and wait for its SUBACK; a refused subscription is an error that says so.
maybe_error
subscribe(probe_link& subscriber, const probe_options& sub, const std::string& topic, int qos) {
    const auto deadline = probe_clock::now() + sub.timeout;
    mqtt::subscribe request;
    request.packet_id = subscribe_id;
    request.subscriptions.push_back({topic, {qos_of(qos)}});
    if (auto e = subscriber.send(request, deadline)) {
        return e;
    }
    while (probe_clock::now() < deadline) {
        auto taken = subscriber.take_packet();
        if (!taken) {
            return taken.error();
        }
        if (!*taken) {
            if (auto e = subscriber.receive(deadline)) {
                return e;
            }
            continue;
        }
        const auto* ack = std::get_if<mqtt::suback>(&**taken);
        if (ack == nullptr || ack->packet_id != subscribe_id) {
            if (auto e = subscriber.answer(**taken, deadline)) {
                return e;
            }
            continue;
        }
        if (ack->reasons.empty() || mqtt::is_failure(ack->reasons.front())) {
            const auto code =
                ack->reasons.empty() ? mqtt::reason_code::unspecified_error : ack->reasons.front();
            return probe_error{"subscription to " + topic + " refused by " + subscriber.where() +
                                   ": " + detail::reason_text(code) + " (SUBACK " +
                                   detail::hex(static_cast<int>(code)) + ")",
                               -1};
        }
        return std::nullopt;
    }
    return probe_error{
        "no SUBACK from " + subscriber.where() + " within " + seconds_text(sub.timeout), -1};
}

/// The copy number a received message carries when it is one of ours, else -1.
long copy_number(const mqtt::packet& p, const std::string& topic, const std::string& payload) {
    const auto* message = std::get_if<mqtt::publish>(&p);
    if (message == nullptr || message->topic != topic ||
        message->payload.substr(0, payload.size() + 1) != payload + " ") {
        return -1;
    }
    const std::string number{message->payload.substr(payload.size() + 1)};
    char* end = nullptr;
    const long n = std::strtol(number.c_str(), &end, 10);
    return end == number.c_str() || *end != '\0' ? -1 : n;
}

/// Publishes a numbered copy every republish_interval until one arrives: in a cluster the first
/// copies may go before the route has reached `pub`'s node. The latency is that of the copy
/// that arrived.
expected<std::chrono::microseconds, probe_error> deliver(probe_link& publisher,
                                                         probe_link& subscriber,
                                                         const probe_options& pub,
                                                         const std::string& topic,
                                                         int qos) {
    const auto payload = "probe " + detail::unique_suffix();
    std::vector<probe_clock::time_point> sent;
    const auto deadline = probe_clock::now() + pub.timeout;
    auto next_send = probe_clock::now();
    while (probe_clock::now() < deadline) {
        if (probe_clock::now() >= next_send) {
            const auto body = payload + " " + std::to_string(sent.size());
            mqtt::publish message;
            message.qos = qos_of(qos);
            message.topic = topic;
            message.packet_id =
                qos > 0 ? static_cast<std::uint16_t>(sent.size() % 65535 + 1) : std::uint16_t{0};
            message.payload = body;
            sent.push_back(probe_clock::now());
            if (auto e = publisher.send(message, deadline)) {
                return unexpected(*e);
            }
            next_send = sent.back() + republish_interval;
        }
        const auto ready = detail::wait_readable(
            subscriber.socket(), publisher.socket(), std::min(deadline, next_send));
        for (auto* link : {&subscriber, &publisher}) {
            if ((ready & (link == &subscriber ? 1U : 2U)) == 0) {
                continue;
            }
            if (auto e = link->receive(probe_clock::now())) {
                return unexpected(*e);
            }
            for (;;) {
                auto taken = link->take_packet();
                if (!taken) {
                    return unexpected(taken.error());
                }
                if (!*taken) {
                    break;
                }
                if (auto e = link->answer(**taken, deadline)) {
                    return unexpected(*e);
                }
                const long n = link == &subscriber ? copy_number(**taken, topic, payload) : -1;
                if (n >= 0 && static_cast<std::size_t>(n) < sent.size()) {
                    return std::chrono::duration_cast<std::chrono::microseconds>(
                        probe_clock::now() - sent[static_cast<std::size_t>(n)]);
                }
            }
        }
    }
    return unexpected(probe_error{"message published on " + publisher.where() +
                                      " not received on " + subscriber.where() + " within " +
                                      seconds_text(pub.timeout),
                                  -1});
}

} // namespace

bool probe_error::is_auth_failure() const noexcept {
    return reason_code == 4 || reason_code == 5 || reason_code == 0x86 || reason_code == 0x87;
}

expected<std::chrono::microseconds, probe_error> probe_connect(const probe_options& options) {
    try {
        probe_link link{options, "probe"};
        const auto start = probe_clock::now();
        if (auto e = link.start(start + options.timeout)) {
            return unexpected(*e);
        }
        if (auto e = link.send_connect()) {
            return unexpected(*e);
        }
        if (auto e = link.await_connack()) {
            return unexpected(*e);
        }
        return since(start); // the link's destructor disconnects
    } catch (const std::exception& e) {
        return unexpected(probe_error{std::string("MQTT client error: ") + e.what(), -1});
    }
}

expected<std::chrono::microseconds, probe_error>
probe_round_trip(const probe_options& pub, const probe_options& sub, int qos) {
    try {
        probe_link subscriber{sub, "sub"};
        probe_link publisher{pub, "pub"};
        if (auto e = connect_both(subscriber, publisher, sub, pub)) {
            return unexpected(*e);
        }
        const auto topic = "emqxctl/probe/" + detail::unique_suffix();
        if (auto e = subscribe(subscriber, sub, topic, qos)) {
            return unexpected(*e);
        }
        return deliver(publisher, subscriber, pub, topic, qos);
    } catch (const std::exception& e) {
        return unexpected(probe_error{std::string("MQTT client error: ") + e.what(), -1});
    }
}

} // namespace emqx::client

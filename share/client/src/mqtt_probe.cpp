// The MQTT probe on Paho C++ (the async client used synchronously); Paho exceptions stop here.
#include <emqx/client/mqtt_probe.hpp>

#include <mqtt/async_client.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

namespace emqx::client {

namespace {

using clock = std::chrono::steady_clock;

/// How long a round trip waits before it publishes another copy of its probe message.
constexpr std::chrono::milliseconds republish_interval{250};

std::string unique_suffix() {
    static std::atomic<unsigned> counter{0};
    thread_local std::mt19937_64 generator{std::random_device{}()};
    char text[64];
    std::snprintf(text,
                  sizeof text,
                  "%d-%u-%08llx",
                  static_cast<int>(::getpid()),
                  counter.fetch_add(1),
                  static_cast<unsigned long long>(generator() & 0xffffffffULL));
    return text;
}

std::string seconds_text(std::chrono::milliseconds timeout) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(timeout.count()) / 1000.0);
    return text;
}

/// The CONNACK return codes of MQTT v3.1.1 [MQTT-3.2.2.3], as people read them.
std::string v3_return_code_text(int code) {
    switch (code) {
    case 1: return "unacceptable protocol version";
    case 2: return "client identifier rejected";
    case 3: return "server unavailable";
    case 4: return "bad user name or password";
    case 5: return "not authorized";
    default: return "refused";
    }
}

std::string hex(int code) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%02X", static_cast<unsigned>(code) & 0xffU);
    return text;
}

probe_error connect_error(const mqtt::exception& e, const probe_options& options) {
    const auto where = to_string(options.broker);
    const int rc = e.get_return_code();
    if (options.mqtt_version == 4 && rc >= 1 && rc <= 5) {
        return {v3_return_code_text(rc) + " (CONNACK " + std::to_string(rc) + ") from " + where,
                rc};
    }
    // Paho C++ 1.2 puts a v5 CONNACK reason code in the return code, not the reason code.
    const int reason = e.get_reason_code() >= 0x80 ? e.get_reason_code() : rc;
    if (options.mqtt_version == 5 && reason >= 0x80 && reason <= 0xff) {
        std::string text = mqtt::exception::reason_code_str(reason);
        for (auto& c : text) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return {(text.empty() ? std::string("refused") : text) + " (CONNACK " + hex(reason) +
                    ") from " + where,
                reason};
    }
    return {"cannot connect to " + where + ": no MQTT CONNACK (" + e.get_message() + ")", -1};
}

std::unique_ptr<mqtt::async_client> make_client(const probe_options& options,
                                                const std::string& role) {
    const auto uri = "tcp://" + to_string(options.broker);
    const auto id = options.client_id_prefix + "-" + role + "-" + unique_suffix();
    return std::make_unique<mqtt::async_client>(
        uri, id, mqtt::create_options(options.mqtt_version), nullptr);
}

mqtt::connect_options connect_options_of(const probe_options& options) {
    auto builder =
        mqtt::connect_options_builder()
            .mqtt_version(options.mqtt_version)
            .connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(options.timeout) +
                             std::chrono::seconds(1))
            .automatic_reconnect(false);
    if (options.mqtt_version == 5) {
        builder.clean_start(true);
    } else {
        builder.clean_session(true);
    }
    if (!options.username.empty()) {
        builder.user_name(options.username);
    }
    if (!options.password.empty()) {
        builder.password(options.password);
    }
    return builder.finalize();
}

/// Waits for a connect started with client.connect(); the error is worded for people.
expected<std::chrono::microseconds, probe_error> finish_connect(const mqtt::token_ptr& token,
                                                                const probe_options& options,
                                                                clock::time_point start) {
    try {
        if (!token->wait_for(options.timeout)) {
            return unexpected(probe_error{"no CONNACK from " + to_string(options.broker) +
                                              " within " + seconds_text(options.timeout),
                                          -1});
        }
        token->get_connect_response(); // rethrows a failed connect
    } catch (const mqtt::exception& e) {
        return unexpected(connect_error(e, options));
    }
    return std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start);
}

/// Paho C runs every client of the process on one shared I/O thread that polls with a
/// timeout of about a second: a connect made while another client is connected waits for that
/// poll, twice. Probes therefore run one at a time, and a round trip starts both connects
/// together, which keeps each connect to a few milliseconds on a healthy broker.
std::mutex& probe_mutex() {
    static std::mutex m;
    return m;
}

void disconnect_quietly(mqtt::async_client& client, std::chrono::milliseconds timeout) {
    try {
        if (client.is_connected()) {
            client.disconnect()->wait_for(timeout);
        }
    } catch (const mqtt::exception&) {
        // Already gone: nothing to undo.
    }
}

} // namespace

bool probe_error::is_auth_failure() const noexcept {
    return reason_code == 4 || reason_code == 5 || reason_code == 0x86 || reason_code == 0x87;
}

expected<std::chrono::microseconds, probe_error> probe_connect(const probe_options& options) {
    const std::lock_guard lock(probe_mutex());
    try {
        auto client = make_client(options, "probe");
        const auto start = clock::now();
        auto connected =
            finish_connect(client->connect(connect_options_of(options)), options, start);
        disconnect_quietly(*client, options.timeout);
        return connected;
    } catch (const std::exception& e) {
        return unexpected(probe_error{std::string("MQTT client error: ") + e.what(), -1});
    }
}

namespace {

expected<std::chrono::microseconds, probe_error> round_trip(mqtt::async_client& publisher,
                                                            mqtt::async_client& subscriber,
                                                            const probe_options& pub,
                                                            const probe_options& sub,
                                                            int qos) {
    const auto topic = "emqxctl/probe/" + unique_suffix();
    const auto payload = "probe " + unique_suffix();
    subscriber.start_consuming();
    const auto start = clock::now();
    const auto sub_token = subscriber.connect(connect_options_of(sub));
    const auto pub_token = publisher.connect(connect_options_of(pub));
    if (auto connected = finish_connect(sub_token, sub, start); !connected) {
        return unexpected(connected.error());
    }
    if (auto connected = finish_connect(pub_token, pub, start); !connected) {
        return unexpected(connected.error());
    }
    auto subscribed = subscriber.subscribe(topic, qos);
    if (!subscribed->wait_for(sub.timeout)) {
        return unexpected(probe_error{"no SUBACK from " + to_string(sub.broker) + " within " +
                                          seconds_text(sub.timeout),
                                      -1});
    }
    // Each repeat carries its own number, so that the latency is that of the copy that
    // arrived: in a cluster the first copies may go before the route reached `pub`'s node.
    std::vector<clock::time_point> sent;
    const auto deadline = clock::now() + pub.timeout;
    auto next_send = clock::now();
    while (clock::now() < deadline) {
        if (clock::now() >= next_send) {
            const auto body = payload + " " + std::to_string(sent.size());
            sent.push_back(clock::now());
            publisher.publish(topic, body.data(), body.size(), qos, false);
            next_send = sent.back() + republish_interval;
        }
        mqtt::const_message_ptr message;
        const auto wake = std::min(deadline, next_send);
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(wake - clock::now());
        if (!subscriber.try_consume_message_for(&message,
                                                std::max(left, std::chrono::milliseconds(1))) ||
            !message || message->get_topic() != topic) {
            continue; // a disconnect also wakes the queue with an empty message
        }
        const auto text = message->get_payload_str();
        if (text.rfind(payload + " ", 0) != 0) {
            continue;
        }
        const auto index = std::strtoul(text.c_str() + payload.size() + 1, nullptr, 10);
        if (index < sent.size()) {
            return std::chrono::duration_cast<std::chrono::microseconds>(clock::now() -
                                                                         sent[index]);
        }
    }
    return unexpected(probe_error{"message published on " + to_string(pub.broker) +
                                      " not received on " + to_string(sub.broker) + " within " +
                                      seconds_text(pub.timeout),
                                  -1});
}

} // namespace

expected<std::chrono::microseconds, probe_error>
probe_round_trip(const probe_options& pub, const probe_options& sub, int qos) {
    const std::lock_guard lock(probe_mutex());
    try {
        auto subscriber = make_client(sub, "sub");
        auto publisher = make_client(pub, "pub");
        auto result = round_trip(*publisher, *subscriber, pub, sub, qos);
        disconnect_quietly(*publisher, pub.timeout);
        disconnect_quietly(*subscriber, sub.timeout);
        return result;
    } catch (const mqtt::exception& e) {
        return unexpected(
            probe_error{std::string("MQTT error: ") + e.get_message(), e.get_reason_code()});
    } catch (const std::exception& e) {
        return unexpected(probe_error{std::string("MQTT client error: ") + e.what(), -1});
    }
}

} // namespace emqx::client

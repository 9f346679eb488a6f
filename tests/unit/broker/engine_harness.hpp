// Drives emqx::broker::engine the way the Asio shell does, but with encoded packets in, decoded
// packets out and a clock the test moves, so that engine tests need no sockets and no waiting.
#pragma once

#include "engine/engine.hpp"
#include "log/log.hpp"

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/split.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace emqx::broker::test {

namespace mqtt = emqx::mqtt;
using namespace std::chrono_literals;

using packets = std::vector<mqtt::packet>;
using mqtt::protocol_version;

inline constexpr auto v3 = protocol_version::v3_1_1;
inline constexpr auto v5 = protocol_version::v5;
inline constexpr auto qos0 = mqtt::qos::at_most_once;
inline constexpr auto qos1 = mqtt::qos::at_least_once;
inline constexpr auto qos2 = mqtt::qos::exactly_once;

/// What a CONNECT carries besides the client id and version.
struct connect_options {
    bool clean_start = true;
    std::uint16_t keep_alive = 0;
    mqtt::properties props; ///< v5 only; not written for 3.1.1
    std::optional<mqtt::will_message> will;
    /// The Session Present flag the CONNACK must carry.
    bool expect_present = false;
};

/// Clean Start 0 and, for v5, a Session Expiry Interval: a session that outlives its connection
/// (3.1.1 Clean Session 0 keeps it without limit).
inline connect_options persistent(std::uint32_t session_expiry = 3600,
                                  bool expect_present = false) {
    connect_options o;
    o.clean_start = false;
    o.props.session_expiry_interval = session_expiry;
    o.expect_present = expect_present;
    return o;
}

/// The packet `p` holds as a T; fails the test when it holds something else.
template <typename T>
const T& as(const mqtt::packet& p) {
    REQUIRE_MESSAGE(
        std::holds_alternative<T>(p), "got packet type ", static_cast<int>(mqtt::type_of(p)));
    return std::get<T>(p);
}

/// The one packet of `ps`, as a T (a copy: `ps` is often a temporary; the views inside stay
/// valid, they point into the harness's storage).
template <typename T>
T only(const packets& ps) {
    REQUIRE(ps.size() == 1);
    return as<T>(ps.front());
}

/// The PUBLISH packets of `ps`, in order.
inline std::vector<mqtt::publish> publishes(const packets& ps) {
    std::vector<mqtt::publish> out;
    for (const auto& p : ps) {
        if (const auto* pub = std::get_if<mqtt::publish>(&p)) {
            out.push_back(*pub);
        }
    }
    return out;
}

/// The payloads of the PUBLISH packets of `ps`, in order.
inline std::vector<std::string> payloads(const packets& ps) {
    std::vector<std::string> out;
    for (const auto& pub : publishes(ps)) {
        out.emplace_back(pub.payload);
    }
    return out;
}

/// A PUBLISH to send; views point at the caller's strings.
inline mqtt::publish pub(std::string_view topic,
                         std::string_view payload,
                         mqtt::qos qos = qos0,
                         std::uint16_t packet_id = 0) {
    mqtt::publish p;
    p.topic = topic;
    p.payload = payload;
    p.qos = qos;
    p.packet_id = packet_id;
    return p;
}

inline mqtt::subscribe_options sub_options(mqtt::qos max_qos) {
    mqtt::subscribe_options o;
    o.max_qos = max_qos;
    return o;
}

inline mqtt::will_message
will(std::string_view topic, std::string_view payload, mqtt::qos qos = qos0) {
    mqtt::will_message w;
    w.topic = topic;
    w.payload = payload;
    w.qos = qos;
    return w;
}

template <typename Ack>
Ack ack(std::uint16_t packet_id, mqtt::reason_code reason = mqtt::reason_code::success) {
    Ack a;
    a.packet_id = packet_id;
    a.reason = reason;
    return a;
}

inline std::uint64_t dropped(const engine& e, drop_reason reason) {
    return e.stats().messages_dropped[static_cast<std::size_t>(reason)];
}

inline std::uint64_t protocol_errors(const engine& e, mqtt::reason_code reason) {
    return e.stats().protocol_errors[static_cast<std::size_t>(reason)];
}

class engine_harness {
public:
    explicit engine_harness(limits config = {}) : core_(config) {
        // Protocol errors are logged at INFO; the tests check them through stats() instead.
        log::set_threshold(log::level::fatal);
    }

    engine& core() noexcept { return core_; }
    const limits& config() const noexcept { return core_.config(); }

    /// The engine's clock; advance() moves it.
    time_point now = time_point{} + 1000h;

    /// A new connection with nothing sent yet.
    client_handle open(std::string peer = "127.0.0.1:40000") {
        core_.clear_dirty(); // a reused handle must not inherit a stale dirty entry
        const client_handle c = core_.open(std::move(peer), now);
        versions_[c] = v3;
        pending_[c].clear();
        return c;
    }

    /// Opens a connection and sends CONNECT; requires a successful CONNACK whose Session
    /// Present is options.expect_present. Packets sent after the CONNACK (a resumed session's
    /// messages) are returned by the next received().
    client_handle connect(std::string_view client_id,
                          protocol_version version = v5,
                          const connect_options& options = {}) {
        const client_handle c = open();
        send(c, connect_packet(client_id, version, options));
        packets got = received(c);
        REQUIRE_MESSAGE(!got.empty(), "no CONNACK for ", client_id);
        const auto& ack = as<mqtt::connack>(got.front());
        REQUIRE(ack.reason == mqtt::reason_code::success);
        CHECK(ack.session_present == options.expect_present);
        last_connack_ = ack;
        pending_[c].assign(got.begin() + 1, got.end());
        return c;
    }

    /// The CONNECT connect() sends.
    static mqtt::connect connect_packet(std::string_view client_id,
                                        protocol_version version,
                                        const connect_options& options) {
        mqtt::connect p;
        p.version = version;
        p.clean_start = options.clean_start;
        p.keep_alive = options.keep_alive;
        p.client_id = client_id;
        p.will = options.will;
        p.props = options.props;
        return p;
    }

    /// The CONNACK of the last successful connect().
    const mqtt::connack& last_connack() const noexcept { return last_connack_; }

    /// Encodes `p` in the client's version (a CONNECT in its own) and hands it to the engine.
    void send(client_handle c, const mqtt::packet& p) {
        if (const auto* con = std::get_if<mqtt::connect>(&p)) {
            versions_[c] = con->version;
        }
        std::string bytes;
        if (mqtt::encode(p, versions_[c], bytes) != mqtt::reason_code::success) {
            FAIL("the test's packet cannot be encoded");
        }
        core_.on_packet(c, bytes, now);
    }

    /// Hands one packet's literal bytes to the engine, as split_packet() would delimit them.
    void send_bytes(client_handle c, std::string_view bytes) { core_.on_packet(c, bytes, now); }

    /// Sends `p` and returns what the client received in answer.
    packets exchange(client_handle c, const mqtt::packet& p) {
        send(c, p);
        return received(c);
    }

    /// Everything the engine wrote to the client since the last call, decoded in the client's
    /// version. Drains the outbox as the shell does (on_written); the packets' views stay valid
    /// for the harness's lifetime.
    packets received(client_handle c) {
        packets out = std::move(pending_[c]);
        pending_[c].clear();
        client& cl = core_.client_at(c);
        if (cl.outbox.empty()) {
            return out;
        }
        const std::string& bytes = storage_.emplace_back(cl.outbox);
        const std::size_t n = cl.outbox.size();
        cl.outbox.clear();
        core_.on_written(c, n);
        std::string_view rest = bytes;
        while (!rest.empty()) {
            // Checked without an assertion per packet: some tests receive 65,535 of them.
            const auto split = mqtt::split_packet(rest);
            if (split.status != mqtt::split_status::complete) {
                FAIL("the engine wrote a cut or invalid packet");
            }
            const std::string_view one = rest.substr(0, split.packet_size);
            auto decoded = mqtt::decode(one, versions_[c]);
            if (!decoded) {
                FAIL("the engine sent an undecodable packet");
            }
            out.push_back(*decoded);
            rest.remove_prefix(split.packet_size);
        }
        return out;
    }

    /// The raw bytes the engine wrote to the client since the last call, drained as received()
    /// drains them; for byte-exact checks.
    std::string take_bytes(client_handle c) {
        client& cl = core_.client_at(c);
        std::string bytes = std::move(cl.outbox);
        cl.outbox.clear();
        core_.on_written(c, bytes.size());
        return bytes;
    }

    /// The bytes waiting in the client's outbox, untouched (a shell that does not write).
    std::size_t unsent(client_handle c) { return core_.client_at(c).outbox.size(); }

    /// The reason of the one packet the client received, which must be a DISCONNECT.
    mqtt::reason_code disconnect_reason(client_handle c) {
        return only<mqtt::disconnect>(received(c)).reason;
    }

    /// True when the engine asked the shell to close the connection.
    bool closed(client_handle c) { return core_.client_at(c).close_requested; }

    /// Moves the clock by `d` and lets the engine's timers run.
    void advance(std::chrono::milliseconds d) {
        now += d;
        core_.on_tick(now);
    }

    /// The shell closes the connection (the peer went away, or after a close request).
    /// `c` must not be used afterwards.
    void drop(client_handle c) {
        core_.on_closed(c, now);
        pending_[c].clear();
    }

    /// Sends SUBSCRIBE for one filter and requires a SUBACK granting `options.max_qos`;
    /// returns what followed the SUBACK (retained messages).
    packets subscribe(client_handle c,
                      std::string_view filter,
                      mqtt::subscribe_options options,
                      std::uint32_t subscription_id = 0) {
        mqtt::subscribe s;
        s.packet_id = next_id_++;
        s.subscriptions.push_back({.filter = filter, .options = options});
        if (subscription_id != 0) {
            s.props.subscription_identifiers.push_back(subscription_id);
        }
        packets got = exchange(c, s);
        REQUIRE_FALSE(got.empty());
        const auto& ack = as<mqtt::suback>(got.front());
        CHECK(ack.packet_id == s.packet_id);
        REQUIRE(ack.reasons.size() == 1);
        REQUIRE(ack.reasons.front() == static_cast<mqtt::reason_code>(options.max_qos));
        got.erase(got.begin());
        return got;
    }

    packets subscribe(client_handle c, std::string_view filter, mqtt::qos max_qos = qos0) {
        return subscribe(c, filter, sub_options(max_qos));
    }

    /// Sends a normal DISCONNECT and closes the connection as the shell then does.
    void disconnect(client_handle c, mqtt::disconnect d = {}) {
        send(c, d);
        CHECK(closed(c));
        drop(c);
    }

private:
    engine core_;
    std::map<client_handle, protocol_version> versions_;
    std::map<client_handle, packets> pending_;
    std::deque<std::string> storage_; ///< bytes the decoded packets point into
    mqtt::connack last_connack_;
    std::uint16_t next_id_ = 1;
};

} // namespace emqx::broker::test

// Readable failure messages for what these tests compare most.
template <>
struct doctest::StringMaker<std::vector<std::string>> {
    static doctest::String convert(const std::vector<std::string>& values) {
        std::string out = "{";
        for (std::size_t i = 0; i < values.size(); ++i) {
            out += (i == 0 ? "\"" : ", \"") + values[i] + "\"";
        }
        out += "}";
        return out.c_str();
    }
};

template <>
struct doctest::StringMaker<emqx::mqtt::reason_code> {
    static doctest::String convert(emqx::mqtt::reason_code code) {
        const std::string name{emqx::mqtt::reason_code_name(code)};
        return (name + " (" + std::to_string(static_cast<int>(code)) + ")").c_str();
    }
};

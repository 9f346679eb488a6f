// One MQTT connection of the probe on the codec (share/mqtt) and a probe_socket; every error
// leaves here as one line for people.
#include "probe_link.hpp"

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/split.hpp>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <system_error>
#include <type_traits>

namespace emqx::client::detail {

namespace {

using kind = io_outcome::kind_type;

/// The largest packet the probe accepts. Its packets are a few dozen bytes; a larger length
/// is a broken or hostile peer, refused before any byte of it is buffered.
constexpr std::uint32_t max_packet_size = 1024 * 1024;

/// What DISCONNECT has to wait for before closing: the broker's own close.
constexpr std::chrono::milliseconds disconnect_linger{250};

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

/// An acknowledgement of packet `id` with reason 0x00 and no properties.
template <typename Ack>
Ack ack(std::uint16_t id) {
    Ack a;
    a.packet_id = id;
    return a;
}

/// strerror, thread-safe, starting lower case: "connection reset by peer".
std::string errno_text(int error) {
    auto text = std::error_code(error, std::generic_category()).message();
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') {
        text[0] = static_cast<char>(text[0] - 'A' + 'a');
    }
    return text;
}

/// The first bytes of `bytes`, printable: 'HTTP/1.1 400 Bad Request\r\n...'.
std::string quoted_start(std::string_view bytes) {
    constexpr std::size_t shown = 24;
    std::string text = "'";
    for (const char c : bytes.substr(0, shown)) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\r') {
            text += "\\r";
        } else if (c == '\n') {
            text += "\\n";
        } else if (u >= 0x20 && u < 0x7f && c != '\'' && c != '\\') {
            text += c;
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
            text += escaped;
        }
    }
    return text + (bytes.size() > shown ? "...'" : "'");
}

} // namespace

// "bad user name or password" for bad_user_name_or_password; "refused" for a code the codec
// has no name for.
std::string reason_text(mqtt::reason_code code) {
    std::string text{mqtt::reason_code_name(code)};
    if (text == "unknown") {
        return "refused";
    }
    for (auto& c : text) {
        c = c == '_' ? ' ' : c;
    }
    return text;
}

std::string hex(int code) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%02X", static_cast<unsigned>(code) & 0xffU);
    return text;
}

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

probe_link::probe_link(const probe_options& options, const std::string& role)
    : options_(options), client_id_(options.client_id_prefix + "-" + role + "-" + unique_suffix()),
      where_(to_string(options.broker)),
      version_(options.mqtt_version == 5 ? mqtt::protocol_version::v5
                                         : mqtt::protocol_version::v3_1_1) {
}

probe_link::~probe_link() {
    disconnect();
}

maybe_error probe_link::start(probe_clock::time_point deadline) {
    deadline_ = deadline;
    const auto started = socket_.start_connect(options_.broker);
    if (started.kind == kind::unresolved) {
        return probe_error{"cannot resolve host '" + options_.broker.host + "'", -1};
    }
    if (!started.ok()) {
        return started.error == ECONNREFUSED
                   ? probe_error{"connection refused by " + where_, -1}
                   : probe_error{"cannot connect to " + where_ + ": " + errno_text(started.error),
                                 -1};
    }
    return std::nullopt;
}

maybe_error probe_link::send_connect() {
    const auto no_connack =
        probe_error{"no CONNACK from " + where_ + " within " + seconds_text(options_.timeout), -1};
    const auto connected = socket_.finish_connect(deadline_);
    if (connected.kind == kind::timed_out) {
        return no_connack;
    }
    if (connected.kind == kind::failed && connected.error == ECONNREFUSED) {
        return probe_error{"connection refused by " + where_, -1};
    }
    if (!connected.ok()) {
        return probe_error{"cannot connect to " + where_ + ": " + errno_text(connected.error), -1};
    }
    mqtt::connect c;
    c.version = version_;
    c.clean_start = true;
    c.keep_alive = 60;
    c.client_id = client_id_;
    if (!options_.username.empty()) {
        c.username = options_.username;
    }
    if (!options_.password.empty()) {
        c.password = options_.password;
    }
    std::string bytes;
    if (const auto rc = mqtt::encode(c, version_, bytes); rc != mqtt::reason_code::success) {
        return probe_error{"cannot build a CONNECT for " + where_ + ": " + reason_text(rc), -1};
    }
    const auto sent = socket_.send_all(bytes, deadline_);
    if (sent.kind == kind::timed_out) {
        return no_connack;
    }
    if (!sent.ok()) {
        return not_connack(sent.kind == kind::closed ? "connection closed"
                                                     : errno_text(sent.error));
    }
    return std::nullopt;
}

maybe_error probe_link::await_connack() {
    for (;;) {
        if (!in_.empty() && static_cast<unsigned char>(in_[0]) != 0x20) {
            // Not a CONNACK's first byte [MQTT-3.2.1]: say what came, without waiting for more.
            const auto split = mqtt::split_packet(in_, max_packet_size);
            if (split.status == mqtt::split_status::complete) {
                const auto other =
                    mqtt::decode(std::string_view(in_).substr(0, split.packet_size), version_);
                if (other) {
                    return not_connack("received " +
                                       std::string(mqtt::packet_type_name(type_of(*other))) +
                                       " instead");
                }
            }
            return not_connack("received " + quoted_start(in_) + " instead");
        }
        const auto split = mqtt::split_packet(in_, max_packet_size);
        if (split.status == mqtt::split_status::complete) {
            const auto bytes = in_.substr(0, split.packet_size);
            in_.erase(0, split.packet_size);
            auto verdict = judge_connack(bytes);
            connected_ = !verdict.has_value();
            return verdict;
        }
        if (split.status == mqtt::split_status::invalid) {
            return not_connack("invalid packet: " + reason_text(split.reason));
        }
        const auto got = socket_.receive(in_, deadline_);
        if (got.kind == kind::timed_out) {
            return probe_error{
                "no CONNACK from " + where_ + " within " + seconds_text(options_.timeout), -1};
        }
        if (got.kind == kind::closed) {
            return not_connack(in_.empty()
                                   ? std::string("connection closed")
                                   : "connection closed after " + std::to_string(in_.size()) +
                                         " bytes of a CONNACK");
        }
        if (!got.ok()) {
            return not_connack(errno_text(got.error));
        }
    }
}

probe_error probe_link::not_connack(const std::string& why) const {
    return {"cannot connect to " + where_ + ": no MQTT CONNACK (" + why + ")", -1};
}

maybe_error probe_link::judge_connack(const std::string& bytes) const {
    auto decoded = mqtt::decode(bytes, version_);
    bool v3_answer = version_ != mqtt::protocol_version::v5;
    // A broker without MQTT 5 answers a v5 CONNECT with a 3.1.1 CONNACK: return code 1,
    // unacceptable protocol version [MQTT-3.1.2-2]. Read it as such rather than as malformed.
    if (!decoded && !v3_answer && bytes.size() == 4) {
        if (auto as_v3 = mqtt::decode(bytes, mqtt::protocol_version::v3_1_1); as_v3) {
            decoded = std::move(as_v3);
            v3_answer = true;
        }
    }
    if (!decoded || !std::holds_alternative<mqtt::connack>(*decoded)) {
        return not_connack(
            "malformed CONNACK: " +
            reason_text(decoded ? mqtt::reason_code::malformed_packet : decoded.error()));
    }
    const auto reason = std::get<mqtt::connack>(*decoded).reason;
    if (reason == mqtt::reason_code::success) {
        return std::nullopt;
    }
    if (v3_answer) {
        const int rc = mqtt::to_v3_connack_code(reason);
        return probe_error{
            v3_return_code_text(rc) + " (CONNACK " + std::to_string(rc) + ") from " + where_, rc};
    }
    const int code = static_cast<int>(reason);
    return probe_error{reason_text(reason) + " (CONNACK " + hex(code) + ") from " + where_, code};
}

maybe_error probe_link::send(const mqtt::packet& p, probe_clock::time_point deadline) {
    std::string bytes;
    if (const auto rc = mqtt::encode(p, version_, bytes); rc != mqtt::reason_code::success) {
        return probe_error{"cannot build a packet for " + where_ + ": " + reason_text(rc), -1};
    }
    const auto sent = socket_.send_all(bytes, deadline);
    connected_ = connected_ && sent.ok(); // no DISCONNECT on a stream that failed
    if (sent.kind == kind::timed_out) {
        return probe_error{"cannot send to " + where_ + ": its receive buffer stays full", -1};
    }
    if (!sent.ok()) {
        return probe_error{"connection to " + where_ + " lost: " + errno_text(sent.error), -1};
    }
    return std::nullopt;
}

expected<std::optional<mqtt::packet>, probe_error> probe_link::take_packet() {
    const auto split = mqtt::split_packet(in_, max_packet_size);
    if (split.status == mqtt::split_status::need_more) {
        return std::optional<mqtt::packet>{};
    }
    if (split.status == mqtt::split_status::invalid) {
        connected_ = false; // a broken stream gets no DISCONNECT, only a close
        return unexpected(probe_error{
            "bad MQTT from " + where_ + ": invalid packet: " + reason_text(split.reason), -1});
    }
    current_.assign(in_, 0, split.packet_size);
    in_.erase(0, split.packet_size);
    auto decoded = mqtt::decode(current_, version_);
    if (!decoded) {
        connected_ = false;
        return unexpected(
            probe_error{"bad MQTT from " + where_ + ": " + reason_text(decoded.error()), -1});
    }
    return std::optional<mqtt::packet>{std::move(*decoded)};
}

maybe_error probe_link::receive(probe_clock::time_point until) {
    const auto got = socket_.receive(in_, until);
    connected_ = connected_ && (got.ok() || got.kind == kind::timed_out);
    if (got.kind == kind::closed) {
        return probe_error{"connection to " + where_ + " closed by the broker", -1};
    }
    if (got.kind == kind::failed) {
        return probe_error{"connection to " + where_ + " lost: " + errno_text(got.error), -1};
    }
    return std::nullopt;
}

maybe_error probe_link::answer(const mqtt::packet& p, probe_clock::time_point deadline) {
    if (const auto* message = std::get_if<mqtt::publish>(&p)) {
        if (message->qos == mqtt::qos::at_least_once) {
            return send(ack<mqtt::puback>(message->packet_id), deadline); // [MQTT-4.3.2-2]
        }
        if (message->qos == mqtt::qos::exactly_once) {
            return send(ack<mqtt::pubrec>(message->packet_id), deadline); // [MQTT-4.3.3-2]
        }
    } else if (const auto* received = std::get_if<mqtt::pubrec>(&p)) {
        if (!mqtt::is_failure(received->reason)) {
            return send(ack<mqtt::pubrel>(received->packet_id), deadline); // [MQTT-4.3.3-1]
        }
    } else if (const auto* released = std::get_if<mqtt::pubrel>(&p)) {
        return send(ack<mqtt::pubcomp>(released->packet_id), deadline); // [MQTT-4.3.3-2]
    } else if (const auto* ended = std::get_if<mqtt::disconnect>(&p)) {
        connected_ = false;
        const int code = static_cast<int>(ended->reason);
        return probe_error{where_ + " ended the connection: " + reason_text(ended->reason) +
                               " (DISCONNECT " + hex(code) + ")",
                           -1};
    }
    return std::nullopt;
}

void probe_link::disconnect() noexcept {
    if (!connected_) {
        return;
    }
    connected_ = false;
    try {
        const auto deadline = probe_clock::now() + disconnect_linger;
        if (send(mqtt::disconnect{}, deadline)) {
            return;
        }
        socket_.shutdown_send();
        // Wait for the broker's close, so that our close is not a reset that loses the
        // DISCONNECT [MQTT-3.14.4-1]; whatever still arrives is dropped.
        std::string scratch;
        while (socket_.receive(scratch, deadline).ok()) {
            scratch.clear();
        }
    } catch (...) {
        // Best effort: an allocation failure here changes nothing for the probe's result.
    }
}

} // namespace emqx::client::detail

// One MQTT connection of the probe: CONNECT/CONNACK, sending packets, taking whole packets
// from the stream, the acknowledgements MQTT asks of a client, DISCONNECT; errors worded for
// people. Blocking, bounded by deadlines, shares nothing with other links.
#pragma once

#include "probe_socket.hpp"
#include "seconds_text.hpp"

#include <emqx/client/mqtt_probe.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/types.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace emqx::client::detail {

/// A failure, or nothing when the step succeeded.
using maybe_error = std::optional<probe_error>;

/// "bad user name or password" for bad_user_name_or_password; "refused" for a code the codec
/// has no name for.
[[nodiscard]] std::string reason_text(mqtt::reason_code code);

/// "0x87": how reason codes appear in messages.
[[nodiscard]] std::string hex(int code);

/// "<pid>-<counter>-<random>": unique across threads and processes, for client ids and topics.
[[nodiscard]] std::string unique_suffix();

class probe_link {
public:
    /// `options` must outlive the link. The client id is "<prefix>-<role>-<unique>".
    probe_link(const probe_options& options, const std::string& role);
    ~probe_link();
    probe_link(const probe_link&) = delete;
    probe_link& operator=(const probe_link&) = delete;

    /// Resolves the broker's address and starts the TCP connect; `deadline` bounds every wait
    /// until the CONNACK.
    [[nodiscard]] maybe_error start(probe_clock::time_point deadline);
    /// Waits for the TCP connect and sends CONNECT (clean session / clean start; user name
    /// and password only when not empty).
    [[nodiscard]] maybe_error send_connect();
    /// Waits for the CONNACK: nothing when the broker accepted, else why not ("not authorized
    /// (CONNACK 5) from ...", "no CONNACK from ... within 2.0 s", "cannot connect to ...: no
    /// MQTT CONNACK (...)").
    [[nodiscard]] maybe_error await_connack();

    /// Encodes and sends `p`, waiting at most until `deadline`.
    [[nodiscard]] maybe_error send(const mqtt::packet& p, probe_clock::time_point deadline);

    /// The next whole packet already received, decoded (its views are valid until the next
    /// call), or nullopt when more bytes are needed. An error for a broken stream.
    [[nodiscard]] expected<std::optional<mqtt::packet>, probe_error> take_packet();
    /// Reads what has arrived, waiting until `until` at most (a time out is not an error);
    /// an error when the broker closed the connection or the read failed.
    [[nodiscard]] maybe_error receive(probe_clock::time_point until);

    /// Sends what MQTT asks of a client in answer to `p` (PUBACK or PUBREC for a PUBLISH,
    /// PUBREL for a PUBREC, PUBCOMP for a PUBREL); a v5 DISCONNECT from the broker is an error.
    /// Other packets need nothing.
    [[nodiscard]] maybe_error answer(const mqtt::packet& p, probe_clock::time_point deadline);

    /// After a CONNACK: sends DISCONNECT and waits briefly for the broker to close, so that it
    /// sees a normal disconnection. Best effort, at most about 250 ms.
    void disconnect() noexcept;

    [[nodiscard]] const probe_socket& socket() const noexcept { return socket_; }
    [[nodiscard]] const std::string& where() const noexcept { return where_; }
    [[nodiscard]] mqtt::protocol_version version() const noexcept { return version_; }

private:
    [[nodiscard]] probe_error not_connack(const std::string& why) const;
    [[nodiscard]] maybe_error judge_connack(const std::string& bytes) const;

    const probe_options& options_;
    std::string client_id_;
    std::string where_;
    mqtt::protocol_version version_;
    probe_socket socket_;
    probe_clock::time_point deadline_{};
    std::string in_;      ///< received bytes not yet taken as packets
    std::string current_; ///< the bytes of the packet take_packet() returned last
    bool connected_ = false;
};

} // namespace emqx::client::detail

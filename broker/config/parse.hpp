// Reading one configuration value from its text form (file scalar, environment, flag), and
// writing it back. Each failure is a short reason; the caller adds the key and what is allowed.
#pragma once

#include "config/address.hpp"

#include <emqx/base/expected.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace emqx::broker::config {

using parse_error = std::string;

/// A decimal whole number within [min, max].
[[nodiscard]] emqx::expected<std::int64_t, parse_error>
parse_integer(std::string_view text, std::int64_t min, std::int64_t max);

/// A byte count: a whole number, optionally followed by KiB, MiB or GiB, within [min, max].
[[nodiscard]] emqx::expected<std::int64_t, parse_error>
parse_bytes(std::string_view text, std::int64_t min, std::int64_t max);

/// A duration: a whole number followed by ms, s, m, h or d; a bare number is seconds.
[[nodiscard]] emqx::expected<std::chrono::milliseconds, parse_error>
parse_duration(std::string_view text, std::chrono::milliseconds min, std::chrono::milliseconds max);

/// The shortest exact spelling parse_duration() reads back: "10s", "500ms", "5m", "1h", "1d".
[[nodiscard]] std::string format_duration(std::chrono::milliseconds value);

/// `true` or `false` (YAML 1.2 core schema; yes/no/on/off are refused, not guessed).
[[nodiscard]] emqx::expected<bool, parse_error> parse_bool(std::string_view text);

/// A listener address (parse_listen_address) whose host is a numeric IP address. Written
/// without a host ("1884", ":1884"), it keeps `current`'s host, so that MQTT_PORT=1884 moves
/// a listener configured on 0.0.0.0:1883 to 0.0.0.0:1884.
[[nodiscard]] emqx::expected<listen_address, parse_error>
parse_listener(std::string_view text, const listen_address& current);

/// "host:port" as written back into a config file: IPv6 hosts in brackets.
[[nodiscard]] std::string format_address(const listen_address& address);

/// A peer node, "host:port": host a DNS name or a numeric address (IPv6 in brackets), port
/// 1 to 65535. Returns it without surrounding blanks.
[[nodiscard]] emqx::expected<std::string, parse_error> parse_peer(std::string_view text);

/// A DNS name: dot-separated labels of letters, digits, '-' and '_', each 1 to 63 characters.
[[nodiscard]] bool is_dns_name(std::string_view text) noexcept;

/// A node id or cluster name: 1 to 64 of letters, digits, '_', '-', '.', '@' (they appear in
/// metric labels and log fields, which must stay unquoted).
[[nodiscard]] bool is_identifier(std::string_view text) noexcept;

/// 127.0.0.0/8 or ::1.
[[nodiscard]] bool is_loopback_host(std::string_view host);

/// 0.0.0.0 or :: (every address of the machine).
[[nodiscard]] bool is_wildcard_host(std::string_view host);

/// The parts joined. Used instead of `"literal" + std::string`, on which GCC 12 at -O3 warns
/// falsely (-Wrestrict).
[[nodiscard]] std::string cat(std::initializer_list<std::string_view> parts);

/// `text` without leading and trailing blanks (spaces, tabs).
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;

} // namespace emqx::broker::config

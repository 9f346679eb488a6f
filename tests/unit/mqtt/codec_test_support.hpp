// Shared checks for codec tests: a packet's exact wire bytes both ways, and the same bytes cut
// at every position, the way a socket reader meets them.
#pragma once

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/packet.hpp>
#include <emqx/mqtt/properties.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/split.hpp>
#include <emqx/mqtt/types.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace emqx::mqtt::test {

/// "30 05 00 01 74": bytes as hex, so that a failed comparison of binary strings is readable.
inline std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string text;
    text.reserve(bytes.size() * 3);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (!text.empty()) {
            text += ' ';
        }
        text += digits[byte >> 4U];
        text += digits[byte & 0x0FU];
    }
    return text;
}

/// `size` bytes counting 00 01 02 ... FF 00 01 ...: a payload with every byte value in it.
inline std::string byte_pattern(std::size_t size) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<char>(static_cast<unsigned char>(i & 0xFFU));
    }
    return bytes;
}

/// One SUBSCRIBE entry. (Brace-initialising one would have to name every option: GCC 12's
/// -Wmissing-field-initializers also fires on designated initialisers.)
inline subscription
make_subscription(std::string_view filter,
                  qos max_qos,
                  bool no_local = false,
                  bool retain_as_published = false,
                  retain_handling handling = retain_handling::send_on_subscribe) {
    subscription entry;
    entry.filter = filter;
    entry.options.max_qos = max_qos;
    entry.options.no_local = no_local;
    entry.options.retain_as_published = retain_as_published;
    entry.options.retain_handling = handling;
    return entry;
}

/// The reason decode() gives for `wire`, or success when it decodes. For failure tests.
[[nodiscard]] inline reason_code decode_error(std::string_view wire, protocol_version version) {
    const auto result = decode(wire, version);
    return result ? reason_code::success : result.error();
}

namespace detail {

// Printing packets, for failure messages only: doctest cannot print a std::variant.

inline std::string quoted(std::string_view bytes) {
    static constexpr std::size_t shown = 48;
    std::string text = "\"";
    for (const char c : bytes.substr(0, shown)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7F && c != '"' && c != '\\') {
            text += c;
        } else {
            text += "\\x" + hex(std::string_view{&c, 1});
        }
    }
    text += '"';
    if (bytes.size() > shown) {
        text += "...(" + std::to_string(bytes.size()) + " bytes)";
    }
    return text;
}

inline void put(std::string& s, const char* name, const std::string& value) {
    s += ' ';
    s += name;
    s += '=';
    s += value;
}

template <typename Number>
void put_number(std::string& s, const char* name, const std::optional<Number>& value) {
    if (value) {
        put(s, name, std::to_string(static_cast<std::uint64_t>(*value)));
    }
}

inline void
put_text(std::string& s, const char* name, const std::optional<std::string_view>& value) {
    if (value) {
        put(s, name, quoted(*value));
    }
}

inline void put_reason(std::string& s, reason_code reason) {
    put(s, "reason", std::string{reason_code_name(reason)});
}

inline void put_props(std::string& s, const properties& p) {
    put_number(s, "payload_format_indicator", p.payload_format_indicator);
    put_number(s, "message_expiry_interval", p.message_expiry_interval);
    put_text(s, "content_type", p.content_type);
    put_text(s, "response_topic", p.response_topic);
    put_text(s, "correlation_data", p.correlation_data);
    for (const auto id : p.subscription_identifiers) {
        put(s, "subscription_identifier", std::to_string(id));
    }
    put_number(s, "session_expiry_interval", p.session_expiry_interval);
    put_text(s, "assigned_client_identifier", p.assigned_client_identifier);
    put_number(s, "server_keep_alive", p.server_keep_alive);
    put_text(s, "authentication_method", p.authentication_method);
    put_text(s, "authentication_data", p.authentication_data);
    put_number(s, "request_problem_information", p.request_problem_information);
    put_number(s, "will_delay_interval", p.will_delay_interval);
    put_number(s, "request_response_information", p.request_response_information);
    put_text(s, "response_information", p.response_information);
    put_text(s, "server_reference", p.server_reference);
    put_text(s, "reason_string", p.reason_string);
    put_number(s, "receive_maximum", p.receive_maximum);
    put_number(s, "topic_alias_maximum", p.topic_alias_maximum);
    put_number(s, "topic_alias", p.topic_alias);
    put_number(s, "maximum_qos", p.maximum_qos);
    put_number(s, "retain_available", p.retain_available);
    for (const auto& [name, value] : p.user_properties) {
        put(s, "user_property", quoted(name) + ":" + quoted(value));
    }
    put_number(s, "maximum_packet_size", p.maximum_packet_size);
    put_number(s, "wildcard_subscription_available", p.wildcard_subscription_available);
    put_number(s, "subscription_identifier_available", p.subscription_identifier_available);
    put_number(s, "shared_subscription_available", p.shared_subscription_available);
}

inline void put_fields(std::string& s, const connect& p) {
    put(s, "version", std::to_string(static_cast<int>(p.version)));
    put(s, "clean_start", std::to_string(p.clean_start));
    put(s, "keep_alive", std::to_string(p.keep_alive));
    put(s, "client_id", quoted(p.client_id));
    put_text(s, "username", p.username);
    put_text(s, "password", p.password);
    put_props(s, p.props);
    if (p.will) {
        s += " will{";
        put(s, "topic", quoted(p.will->topic));
        put(s, "payload", quoted(p.will->payload));
        put(s, "qos", std::to_string(static_cast<int>(p.will->qos)));
        put(s, "retain", std::to_string(p.will->retain));
        put_props(s, p.will->props);
        s += " }";
    }
}

inline void put_fields(std::string& s, const connack& p) {
    put(s, "session_present", std::to_string(p.session_present));
    put_reason(s, p.reason);
    put_props(s, p.props);
}

inline void put_fields(std::string& s, const publish& p) {
    put(s, "dup", std::to_string(p.dup));
    put(s, "qos", std::to_string(static_cast<int>(p.qos)));
    put(s, "retain", std::to_string(p.retain));
    put(s, "topic", quoted(p.topic));
    put(s, "packet_id", std::to_string(p.packet_id));
    put_props(s, p.props);
    put(s, "payload", quoted(p.payload));
}

template <packet_type Type> void put_fields(std::string& s, const basic_ack<Type>& p) {
    put(s, "packet_id", std::to_string(p.packet_id));
    put_reason(s, p.reason);
    put_props(s, p.props);
}

inline void put_fields(std::string& s, const subscribe& p) {
    put(s, "packet_id", std::to_string(p.packet_id));
    put_props(s, p.props);
    for (const auto& entry : p.subscriptions) {
        const auto& o = entry.options;
        put(s,
            "subscription",
            quoted(entry.filter) + "/qos" + std::to_string(static_cast<int>(o.max_qos)) + "/nl" +
                std::to_string(o.no_local) + "/rap" + std::to_string(o.retain_as_published) +
                "/rh" + std::to_string(static_cast<int>(o.retain_handling)));
    }
}

inline void put_reasons(std::string& s, const std::vector<reason_code>& reasons) {
    for (const auto reason : reasons) {
        put_reason(s, reason);
    }
}

inline void put_fields(std::string& s, const suback& p) {
    put(s, "packet_id", std::to_string(p.packet_id));
    put_props(s, p.props);
    put_reasons(s, p.reasons);
}

inline void put_fields(std::string& s, const unsubscribe& p) {
    put(s, "packet_id", std::to_string(p.packet_id));
    put_props(s, p.props);
    for (const auto filter : p.filters) {
        put(s, "filter", quoted(filter));
    }
}

inline void put_fields(std::string& s, const unsuback& p) {
    put(s, "packet_id", std::to_string(p.packet_id));
    put_props(s, p.props);
    put_reasons(s, p.reasons);
}

inline void put_fields(std::string&, const pingreq&) {
}
inline void put_fields(std::string&, const pingresp&) {
}

inline void put_fields(std::string& s, const disconnect& p) {
    put_reason(s, p.reason);
    put_props(s, p.props);
}

inline void put_fields(std::string& s, const auth& p) {
    put_reason(s, p.reason);
    put_props(s, p.props);
}

} // namespace detail

/// Every field of `p` as text, for failure messages.
inline std::string describe(const packet& p) {
    std::string text{packet_type_name(type_of(p))};
    std::visit([&text](const auto& fields) { detail::put_fields(text, fields); }, p);
    return text;
}

namespace detail {

inline std::string status_name(split_status status) {
    switch (status) {
    case split_status::complete: return "complete";
    case split_status::need_more: return "need_more";
    case split_status::invalid: return "invalid";
    }
    return "?";
}

/// Type byte plus Remaining Length bytes of a well-formed `wire`; 0 if the wire ends inside.
inline std::size_t fixed_header_size(std::string_view wire) {
    for (std::size_t i = 1; i < wire.size() && i <= 4; ++i) {
        if ((static_cast<unsigned char>(wire[i]) & 0x80U) == 0) {
            return i + 1;
        }
    }
    return 0;
}

/// Every proper prefix is need_more; packet_size is the whole size once the fixed header is
/// in, 0 before (split.hpp). Returns the first violation, or "".
inline std::string first_bad_prefix(std::string_view wire) {
    const auto header = fixed_header_size(wire);
    for (std::size_t n = 0; n < wire.size(); ++n) {
        const auto result = split_packet(wire.substr(0, n));
        const std::size_t want = n >= header ? wire.size() : 0;
        if (result.status != split_status::need_more || result.packet_size != want) {
            return "prefix of " + std::to_string(n) + " bytes: " + status_name(result.status) +
                   " packet_size " + std::to_string(result.packet_size) +
                   ", expected need_more packet_size " + std::to_string(want);
        }
    }
    return {};
}

/// Reads `stream` delivered in two chunks cut at `cut` as a socket reader does (append,
/// split, decode each complete packet, keep the rest). It must yield exactly `expected` once
/// and keep the last `trailer_size` bytes. Returns what went wrong, or "".
inline std::string read_in_two_chunks(std::string_view stream,
                                      std::size_t cut,
                                      std::size_t trailer_size,
                                      const packet& expected,
                                      protocol_version version) {
    std::string buffer;
    std::size_t packets = 0;
    for (const auto chunk : {stream.substr(0, cut), stream.substr(cut)}) {
        buffer.append(chunk);
        for (;;) {
            const auto split = split_packet(buffer);
            if (split.status == split_status::need_more) {
                break;
            }
            if (split.status == split_status::invalid) {
                return "split_packet invalid: " + std::string{reason_code_name(split.reason)};
            }
            const auto decoded =
                decode(std::string_view{buffer}.substr(0, split.packet_size), version);
            if (!decoded) {
                return "decode failed: " + std::string{reason_code_name(decoded.error())};
            }
            if (!(*decoded == expected)) {
                return "decoded " + describe(*decoded);
            }
            ++packets;
            buffer.erase(0, split.packet_size);
        }
    }
    if (packets != 1) {
        return std::to_string(packets) + " packets read";
    }
    if (buffer != stream.substr(stream.size() - trailer_size)) {
        return "kept " + hex(buffer);
    }
    return {};
}

/// The start of a PUBLISH (Remaining Length 128) that follows the packet under test.
inline constexpr std::string_view next_packet_start{"\x32\x80\x01\x00", 4};

inline void
check_stream_reassembly(std::string_view wire, const packet& expected, protocol_version version) {
    const std::string stream = std::string{wire} + std::string{next_packet_start};
    std::string failure;
    for (std::size_t cut = 0; cut <= stream.size() && failure.empty(); ++cut) {
        failure = read_in_two_chunks(stream, cut, next_packet_start.size(), expected, version);
        if (!failure.empty()) {
            failure = "cut at " + std::to_string(cut) + ": " + failure;
        }
    }
    CHECK_MESSAGE(failure.empty(), failure);
}

/// encode() through the variant and through the packet type's own overload; both must give
/// `wire`, and both must append to what `out` already holds.
inline void check_encode(std::string_view wire, const packet& expected, protocol_version version) {
    std::string out;
    CHECK(encode(expected, version, out) == reason_code::success);
    CHECK(hex(out) == hex(wire));

    std::string typed_out;
    const auto typed_result =
        std::visit([&](const auto& p) { return encode(p, version, typed_out); }, expected);
    CHECK(typed_result == reason_code::success);
    CHECK(hex(typed_out) == hex(wire));

    const std::string prefix = "\x01prefix";
    std::string appended = prefix;
    CHECK(encode(expected, version, appended) == reason_code::success);
    CHECK(hex(appended) == hex(prefix + std::string{wire}));
}

} // namespace detail

/// The full wire check of one packet in `version`:
/// (1) split_packet(wire) is complete with the whole size;
/// (2) every proper prefix is need_more, with packet_size once the fixed header is in;
/// (3) wire plus the start of a next packet, read in two chunks cut at every position,
///     yields exactly this packet and keeps the rest;
/// (4) decode(wire) == expected; (5) encode(expected) == wire; (6) encode appends.
inline void
check_round_trip(std::string_view wire, const packet& expected, protocol_version version) {
    INFO("expected: ", describe(expected));
    const auto split = split_packet(wire);
    CHECK(split.status == split_status::complete);
    CHECK(split.packet_size == wire.size());

    const auto bad_prefix = detail::first_bad_prefix(wire);
    CHECK_MESSAGE(bad_prefix.empty(), bad_prefix);

    detail::check_stream_reassembly(wire, expected, version);

    const auto decoded = decode(wire, version);
    if (decoded) {
        INFO("decoded:  ", describe(*decoded));
        CHECK(*decoded == expected);
    } else {
        FAIL_CHECK("decode failed: ", reason_code_name(decoded.error()));
    }

    detail::check_encode(wire, expected, version);
}

/// For a form decode() accepts but encode() does not write: `accepted` splits and decodes to
/// `expected`, and `expected` round-trips as `canonical`.
inline void check_encodes_as(std::string_view accepted,
                             const packet& expected,
                             std::string_view canonical,
                             protocol_version version) {
    INFO("accepted: ", hex(accepted));
    const auto split = split_packet(accepted);
    CHECK(split.status == split_status::complete);
    CHECK(split.packet_size == accepted.size());

    const auto decoded = decode(accepted, version);
    if (decoded) {
        INFO("expected: ", describe(expected));
        INFO("decoded:  ", describe(*decoded));
        CHECK(*decoded == expected);
    } else {
        FAIL_CHECK("decode failed: ", reason_code_name(decoded.error()));
    }

    check_round_trip(canonical, expected, version);
}

} // namespace emqx::mqtt::test

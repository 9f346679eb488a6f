// Reading a key's value from text and writing it back as YAML (see keys.hpp).
#include "config/keys.hpp"

#include <cstdio>

namespace emqx::broker::config {

namespace {

using std::chrono::milliseconds;

template <typename T>
emqx::expected<value, parse_error> as_value(emqx::expected<T, parse_error> parsed) {
    if (!parsed) {
        return emqx::unexpected{parsed.error()};
    }
    return value{std::move(*parsed)};
}

std::string join(std::span<const std::string_view> names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += i == 0 ? "" : (i + 1 == names.size() ? " or " : ", ");
        out += names[i];
    }
    return out;
}

std::string range(std::int64_t min, std::int64_t max) {
    return cat({"from ", std::to_string(min), " to ", std::to_string(max)});
}

emqx::expected<value, parse_error> parse_peers(std::string_view text) {
    std::vector<std::string> peers;
    while (!trim(text).empty()) {
        const auto comma = text.find(',');
        const auto item = trim(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        if (item.empty()) {
            continue;
        }
        auto peer = parse_peer(item);
        if (!peer) {
            return emqx::unexpected{cat({"'", item, "': ", peer.error()})};
        }
        peers.push_back(std::move(*peer));
    }
    return value{std::move(peers)};
}

emqx::expected<value, parse_error>
parse_address(const key_info& key, std::string_view text, const settings& current) {
    listen_address base{.host = "127.0.0.1", .port = 0};
    const value now = key.get(current);
    if (const auto* address = std::get_if<listen_address>(&now)) {
        base = *address;
    }
    return as_value(parse_listener(text, base));
}

emqx::expected<value, parse_error> parse_text(const key_info& key, std::string_view text) {
    switch (key.kind) {
    case value_kind::identifier:
        if (!is_identifier(text)) {
            return emqx::unexpected{parse_error{"not a valid name"}};
        }
        break;
    case value_kind::dns_name:
        if (!text.empty() && !is_dns_name(text)) {
            return emqx::unexpected{parse_error{"not a DNS name"}};
        }
        break;
    case value_kind::choice:
        for (const auto choice : key.choices) {
            if (text == choice) {
                return value{std::string{text}};
            }
        }
        return emqx::unexpected{parse_error{"not an allowed value"}};
    default: break;
    }
    return value{std::string{text}};
}

} // namespace

std::string describe_allowed(const key_info& key) {
    switch (key.kind) {
    case value_kind::text: return "any text";
    case value_kind::identifier: return "1 to 64 letters, digits, '_', '-', '.' or '@'";
    case value_kind::dns_name: return "a DNS name, or empty for none";
    case value_kind::boolean: return "true or false";
    case value_kind::integer: return cat({"a whole number ", range(key.min, key.max)});
    case value_kind::bytes:
        return cat({"a byte count ",
                    range(key.min, key.max),
                    " (a whole number, or one with KiB, MiB or GiB)"});
    case value_kind::duration:
        return cat({"a duration from ",
                    format_duration(milliseconds{key.min}),
                    " to ",
                    format_duration(milliseconds{key.max}),
                    " (a whole number with ms, s, m, h or d; a bare number is seconds)"});
    case value_kind::listener:
        return "PORT, :PORT or HOST:PORT, HOST a numeric IP address (IPv6 in brackets), PORT "
               "0 to 65535 (0: any free port)";
    case value_kind::optional_listener:
        return "PORT, :PORT or HOST:PORT like the other listeners, or empty for none";
    case value_kind::choice: return cat({"one of ", join(key.choices)});
    case value_kind::peer_list:
        return "a list of HOST:PORT (a YAML list, or a comma-separated string)";
    case value_kind::user_list: return "a list of users, each a mapping; only in a config file";
    }
    return {};
}

emqx::expected<value, parse_error>
parse_value(const key_info& key, std::string_view text, const settings& current) {
    switch (key.kind) {
    case value_kind::boolean: return as_value(parse_bool(text));
    case value_kind::integer: return as_value(parse_integer(text, key.min, key.max));
    case value_kind::bytes: return as_value(parse_bytes(text, key.min, key.max));
    case value_kind::duration:
        return as_value(parse_duration(text, milliseconds{key.min}, milliseconds{key.max}));
    case value_kind::optional_listener:
        if (trim(text).empty()) {
            return value{std::monostate{}};
        }
        return parse_address(key, text, current);
    case value_kind::listener: return parse_address(key, text, current);
    case value_kind::peer_list: return parse_peers(text);
    case value_kind::user_list:
        return emqx::unexpected{parse_error{"auth.users can only be set in a config file"}};
    default: return parse_text(key, text);
    }
}

std::string yaml_quote(std::string_view text) {
    std::string out = "\"";
    for (const char ch : text) {
        const auto byte = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (byte < 0x20 || byte == 0x7F) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
            out += escaped;
        } else {
            out += ch;
        }
    }
    out += '"';
    return out;
}

std::string render_value(const key_info& key, const value& v) {
    if (const auto* b = std::get_if<bool>(&v)) {
        return *b ? "true" : "false";
    }
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
        return std::to_string(*n);
    }
    if (const auto* d = std::get_if<milliseconds>(&v)) {
        return format_duration(*d);
    }
    if (const auto* address = std::get_if<listen_address>(&v)) {
        return yaml_quote(format_address(*address));
    }
    if (const auto* list = std::get_if<std::vector<std::string>>(&v)) {
        std::string out = "[";
        for (std::size_t i = 0; i < list->size(); ++i) {
            out += i == 0 ? "" : ", ";
            out += yaml_quote((*list)[i]);
        }
        out += ']';
        return out;
    }
    if (const auto* text = std::get_if<std::string>(&v)) {
        return key.kind == value_kind::choice ? *text : yaml_quote(*text);
    }
    return "\"\""; // an optional listener that is off
}

} // namespace emqx::broker::config

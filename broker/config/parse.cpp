// Reading and writing single configuration values (see parse.hpp).
#include "config/parse.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <charconv>
#include <limits>
#include <span>

namespace emqx::broker::config {

namespace {

struct unit {
    std::string_view suffix;
    std::int64_t factor;
};

// Longest suffix first, so that "ms" is not read as "m" followed by junk.
constexpr std::array<unit, 5> duration_units{
    {{"ms", 1}, {"s", 1'000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};

constexpr std::array<unit, 3> byte_units{
    {{"KiB", 1LL << 10}, {"MiB", 1LL << 20}, {"GiB", 1LL << 30}}};

// The digits as a non-negative number, or -1 when they are not one.
std::int64_t read_digits(std::string_view digits) noexcept {
    std::int64_t value = 0;
    const auto* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (digits.empty() || ec != std::errc{} || ptr != end || value < 0) {
        return -1;
    }
    return value;
}

// `number` followed by one of `units` (or by nothing when `bare_factor` is non-zero).
emqx::expected<std::int64_t, parse_error> read_with_unit(std::string_view text,
                                                         std::span<const unit> units,
                                                         std::int64_t bare_factor,
                                                         std::string_view what) {
    const auto split = text.find_first_not_of("0123456789");
    const std::string_view digits = text.substr(0, split);
    const std::string_view suffix = split == std::string_view::npos ? "" : text.substr(split);
    std::int64_t factor = suffix.empty() ? bare_factor : 0;
    for (const auto& u : units) {
        if (suffix == u.suffix) {
            factor = u.factor;
        }
    }
    const std::int64_t number = read_digits(digits);
    if (number < 0 || factor == 0) {
        return emqx::unexpected{cat({"not ", what})};
    }
    if (number > std::numeric_limits<std::int64_t>::max() / factor) {
        return emqx::unexpected{parse_error{"out of range"}};
    }
    return number * factor;
}

bool parse_ipv4(std::string_view host, in_addr& out) {
    const std::string text{host};
    return inet_pton(AF_INET, text.c_str(), &out) == 1;
}

bool parse_ipv6(std::string_view host, in6_addr& out) {
    const std::string text{host};
    return inet_pton(AF_INET6, text.c_str(), &out) == 1;
}

bool is_numeric_host(std::string_view host) {
    in_addr v4{};
    in6_addr v6{};
    return parse_ipv4(host, v4) || parse_ipv6(host, v6);
}

} // namespace

std::string cat(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (const auto part : parts) {
        size += part.size();
    }
    std::string out;
    out.reserve(size);
    for (const auto part : parts) {
        out += part;
    }
    return out;
}

std::string_view trim(std::string_view text) noexcept {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

emqx::expected<std::int64_t, parse_error>
parse_integer(std::string_view text, std::int64_t min, std::int64_t max) {
    text = trim(text);
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ptr != end || (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
        return emqx::unexpected{parse_error{"not a whole number"}};
    }
    if (ec == std::errc::result_out_of_range || value < min || value > max) {
        return emqx::unexpected{parse_error{"out of range"}};
    }
    return value;
}

emqx::expected<std::int64_t, parse_error>
parse_bytes(std::string_view text, std::int64_t min, std::int64_t max) {
    const auto value = read_with_unit(trim(text), byte_units, 1, "a byte count");
    if (value && (*value < min || *value > max)) {
        return emqx::unexpected{parse_error{"out of range"}};
    }
    return value;
}

emqx::expected<std::chrono::milliseconds, parse_error> parse_duration(
    std::string_view text, std::chrono::milliseconds min, std::chrono::milliseconds max) {
    const auto value = read_with_unit(trim(text), duration_units, 1'000, "a duration");
    if (!value) {
        return emqx::unexpected{value.error()};
    }
    const std::chrono::milliseconds ms{*value};
    if (ms < min || ms > max) {
        return emqx::unexpected{parse_error{"out of range"}};
    }
    return ms;
}

std::string format_duration(std::chrono::milliseconds value) {
    const std::int64_t ms = value.count();
    for (auto it = duration_units.rbegin(); it != duration_units.rend(); ++it) {
        if (ms != 0 && ms % it->factor == 0) {
            return cat({std::to_string(ms / it->factor), it->suffix});
        }
    }
    return "0s"; // the only value no unit divides
}

emqx::expected<bool, parse_error> parse_bool(std::string_view text) {
    text = trim(text);
    if (text == "true") {
        return true;
    }
    if (text == "false") {
        return false;
    }
    return emqx::unexpected{parse_error{"not true or false"}};
}

emqx::expected<listen_address, parse_error> parse_listener(std::string_view text,
                                                           const listen_address& current) {
    text = trim(text);
    auto address = parse_listen_address(text);
    if (!address) {
        return emqx::unexpected{address.error()};
    }
    const bool has_host = text.find(':') != std::string_view::npos && text.front() != ':';
    if (!has_host) {
        address->host = current.host;
    } else if (!is_numeric_host(address->host)) {
        return emqx::unexpected{parse_error{"the host must be a numeric IP address"}};
    }
    return *address;
}

std::string format_address(const listen_address& address) {
    const bool v6 = address.host.find(':') != std::string::npos;
    const std::string port = std::to_string(address.port);
    return v6 ? cat({"[", address.host, "]:", port}) : cat({address.host, ":", port});
}

emqx::expected<std::string, parse_error> parse_peer(std::string_view text) {
    text = trim(text);
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        return emqx::unexpected{parse_error{"not host:port"}};
    }
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        in6_addr v6{};
        if (!parse_ipv6(host.substr(1, host.size() - 2), v6)) {
            return emqx::unexpected{parse_error{"not an IPv6 address in brackets"}};
        }
    } else if (!is_dns_name(host) && !is_numeric_host(host)) {
        return emqx::unexpected{parse_error{"the host is neither a DNS name nor an IP address "
                                            "(write IPv6 addresses in brackets)"}};
    }
    if (!parse_integer(text.substr(colon + 1), 1, 65'535)) {
        return emqx::unexpected{parse_error{"the port must be a number from 1 to 65535"}};
    }
    return std::string{text};
}

bool is_dns_name(std::string_view text) noexcept {
    if (text.empty() || text.size() > 253) {
        return false;
    }
    std::size_t label = 0;
    for (const char ch : text) {
        const bool word = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                          (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        if (ch == '.') {
            if (label == 0) {
                return false;
            }
            label = 0;
        } else if (!word || ++label > 63) {
            return false;
        }
    }
    return label > 0;
}

bool is_identifier(std::string_view text) noexcept {
    if (text.empty() || text.size() > 64) {
        return false;
    }
    for (const char ch : text) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.' ||
                        ch == '@';
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool is_loopback_host(std::string_view host) {
    in_addr v4{};
    in6_addr v6{};
    if (parse_ipv4(host, v4)) {
        return (ntohl(v4.s_addr) >> 24U) == 127U;
    }
    return parse_ipv6(host, v6) && IN6_IS_ADDR_LOOPBACK(&v6);
}

bool is_wildcard_host(std::string_view host) {
    in_addr v4{};
    in6_addr v6{};
    if (parse_ipv4(host, v4)) {
        return v4.s_addr == INADDR_ANY;
    }
    return parse_ipv6(host, v6) && IN6_IS_ADDR_UNSPECIFIED(&v6);
}

} // namespace emqx::broker::config

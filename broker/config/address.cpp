// Parsing listener addresses (see address.hpp).
#include "config/address.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>

namespace emqx::broker {

namespace {

// "'text': problem". Built by appending: GCC 12 at -O3 warns falsely (-Wrestrict) on
// operator+ of std::string and literals.
std::string problem(std::string_view text, std::string_view what) {
    std::string out;
    out.reserve(text.size() + what.size() + 4);
    out += '\'';
    out += text;
    out += "': ";
    out += what;
    return out;
}

emqx::expected<std::uint16_t, std::string> parse_port(std::string_view text, std::string_view whole) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > 65'535) {
        return emqx::unexpected{problem(whole, "the port must be a number from 0 to 65535")};
    }
    return static_cast<std::uint16_t>(value);
}

bool is_numeric_ip(std::string_view host) {
    const std::string text{host}; // inet_pton needs a terminated string
    std::array<unsigned char, 16> out{};
    return !text.empty() && (inet_pton(AF_INET, text.c_str(), out.data()) == 1 ||
                             inet_pton(AF_INET6, text.c_str(), out.data()) == 1);
}

} // namespace

emqx::expected<listen_address, std::string> parse_listen_address(std::string_view text) {
    const auto colon = text.rfind(':');
    std::string_view host = colon == std::string_view::npos ? std::string_view{} : text.substr(0, colon);
    const std::string_view port_text = colon == std::string_view::npos ? text : text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return emqx::unexpected{problem(text, "write an IPv6 address in brackets, e.g. [::1]:1883")};
    }
    if (colon == std::string_view::npos && text.find('[') != std::string_view::npos) {
        return emqx::unexpected{problem(text, "no port: write [ADDRESS]:PORT, e.g. [::1]:1883")};
    }
    auto port = parse_port(port_text, text);
    if (!port) {
        return emqx::unexpected{port.error()};
    }
    const bool bare_port = colon == std::string_view::npos || (colon == 0);
    if (!bare_port && !is_numeric_ip(host)) {
        return emqx::unexpected{problem(text, "the host must be a numeric IPv4 address (e.g. "
                                              "127.0.0.1) or an IPv6 address in brackets")};
    }
    return listen_address{.host = host.empty() ? "127.0.0.1" : std::string{host}, .port = *port};
}

} // namespace emqx::broker

// Listener addresses as users write them: "1883", ":1883", "127.0.0.1:1883", "[::1]:1883"
// (DESIGN.md section 3).
#pragma once

#include <emqx/base/expected.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace emqx::broker {

struct listen_address {
    std::string host; ///< numeric address; "127.0.0.1" when only a port is given
    std::uint16_t port = 0;

    bool operator==(const listen_address&) const = default;
};

/// Parses a listener address. A bare port, or ":port", binds 127.0.0.1 (the safe default of
/// DESIGN.md section 3); other hosts must be numeric IPv4 or bracketed IPv6 addresses.
/// Fails with a message that names what was wrong and what is allowed.
[[nodiscard]] emqx::expected<listen_address, std::string> parse_listen_address(std::string_view text);

} // namespace emqx::broker

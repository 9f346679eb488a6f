// Listener addresses as users write them (DESIGN.md section 3): port only, ":port", IPv4 and
// bracketed IPv6 hosts, and the messages for what is refused.
#include "config/address.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::broker;

namespace {

listen_address ok(std::string_view text) {
    const auto parsed = parse_listen_address(text);
    REQUIRE_MESSAGE(parsed.has_value(), text, ": ", parsed.has_value() ? "" : parsed.error());
    return *parsed;
}

std::string error_of(std::string_view text) {
    const auto parsed = parse_listen_address(text);
    REQUIRE_MESSAGE(!parsed.has_value(), text, " was accepted");
    return parsed.error();
}

} // namespace

TEST_SUITE("broker::config::address") {
    TEST_CASE("a bare port binds 127.0.0.1") {
        CHECK(ok("1883") == listen_address{.host = "127.0.0.1", .port = 1883});
        CHECK(ok("0") == listen_address{.host = "127.0.0.1", .port = 0});
        CHECK(ok("65535") == listen_address{.host = "127.0.0.1", .port = 65'535});
    }

    TEST_CASE("\":port\" binds 127.0.0.1") {
        CHECK(ok(":1883") == listen_address{.host = "127.0.0.1", .port = 1883});
    }

    TEST_CASE("an IPv4 host and port") {
        CHECK(ok("0.0.0.0:1883") == listen_address{.host = "0.0.0.0", .port = 1883});
        CHECK(ok("127.0.0.1:0") == listen_address{.host = "127.0.0.1", .port = 0});
        CHECK(ok("192.168.10.20:8883") == listen_address{.host = "192.168.10.20", .port = 8883});
    }

    TEST_CASE("a bracketed IPv6 host loses its brackets") {
        CHECK(ok("[::1]:1883") == listen_address{.host = "::1", .port = 1883});
        CHECK(ok("[::]:8883") == listen_address{.host = "::", .port = 8883});
        CHECK(ok("[fe80::1:2]:1") == listen_address{.host = "fe80::1:2", .port = 1});
    }

    TEST_CASE("a port that is not a number from 0 to 65535 is refused, naming the input") {
        CHECK(error_of("65536") == "'65536': the port must be a number from 0 to 65535");
        CHECK(error_of("") == "'': the port must be a number from 0 to 65535");
        CHECK(error_of("mqtt") == "'mqtt': the port must be a number from 0 to 65535");
        CHECK(error_of("0.0.0.0:") == "'0.0.0.0:': the port must be a number from 0 to 65535");
        CHECK(error_of("0.0.0.0:18x3") ==
              "'0.0.0.0:18x3': the port must be a number from 0 to 65535");
        CHECK(error_of("-1") == "'-1': the port must be a number from 0 to 65535");
        CHECK(error_of("+1883") == "'+1883': the port must be a number from 0 to 65535");
        CHECK(error_of(" 1883") == "' 1883': the port must be a number from 0 to 65535");
        CHECK(error_of("99999999999999999999") ==
              "'99999999999999999999': the port must be a number from 0 to 65535");
    }

    TEST_CASE("a host without a port is refused") {
        CHECK(error_of("127.0.0.1") == "'127.0.0.1': the port must be a number from 0 to 65535");
        CHECK_FALSE(parse_listen_address("[::1]").has_value());
    }

    TEST_CASE("an IPv6 address without brackets is refused with a hint") {
        CHECK(error_of("::1:1883") ==
              "'::1:1883': write an IPv6 address in brackets, e.g. [::1]:1883");
        CHECK(error_of("fe80::1:1883") ==
              "'fe80::1:1883': write an IPv6 address in brackets, e.g. [::1]:1883");
    }

    TEST_CASE("a host that is not a numeric IPv4 or bracketed IPv6 address is refused") {
        std::string text;
        SUBCASE("a name") {
            text = "localhost:1883";
        }
        SUBCASE("an IPv4 address out of range") {
            text = "256.0.0.1:1883";
        }
        SUBCASE("an IPv4 address cut short") {
            text = "10.0.1:1883";
        }
        SUBCASE("empty brackets") {
            text = "[]:1883";
        }
        SUBCASE("brackets around something that is not IPv6") {
            text = "[host]:1883";
        }
        CAPTURE(text);
        const auto parsed = parse_listen_address(text);
        CHECK_FALSE(parsed.has_value());
        if (!parsed) {
            CHECK(parsed.error().starts_with("'" + text + "': "));
        }
    }
}

// Requests that cannot be read (too large, malformed) and their answers, fed byte by byte to
// the parser the server uses, with no socket; and the query strings of the API.
#include "http/query.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace emqx::broker::http;
using namespace std::string_literals;
using beast_http::field;
using beast_http::status;

namespace {

/// Feeds `bytes` to a parser limited as the server limits it, in chunks of `chunk` bytes
/// (as a slow network would deliver them); the error that stopped it, or none when a whole
/// request was read.
boost::system::error_code
feed(const std::string& bytes, std::size_t chunk, const request_limits& limits = {}) {
    request_parser parser;
    apply_limits(parser, limits);
    std::string pending;
    boost::system::error_code ec;
    for (std::size_t at = 0; at < bytes.size() && !parser.is_done(); at += chunk) {
        pending += bytes.substr(at, chunk);
        // The parser may stop after the header with bytes left: feed until it wants more.
        while (!pending.empty() && !parser.is_done()) {
            const auto used = parser.put(boost::asio::buffer(pending), ec);
            pending.erase(0, used);
            if (ec == beast_http::error::need_more) {
                ec = {};
                break;
            }
            if (ec) {
                return ec;
            }
            if (used == 0) {
                break;
            }
        }
    }
    return parser.is_done() ? boost::system::error_code{} : beast_http::error::need_more;
}

std::string with_headers(std::size_t header_bytes) {
    return "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(header_bytes, 'a') +
           "\r\n\r\n";
}

} // namespace

TEST_SUITE("broker::http::read_limits") {
    TEST_CASE("headers over 8 KiB answer 431 and close") {
        for (const std::size_t chunk : {std::size_t{1}, std::size_t{1000}, std::size_t{100'000}}) {
            CAPTURE(chunk);
            const auto ec = feed(with_headers(9000), chunk);
            CHECK(ec == beast_http::error::header_limit);
            const auto res = response_for_read_error(ec);
            CHECK(res.result() == status::request_header_fields_too_large);
            CHECK_FALSE(res.keep_alive());
            CHECK(nlohmann::json::parse(res.body())["error"] == "header_too_large");
            CHECK(res[field::content_type] == "application/json");
            CHECK(res[field::content_length] == std::to_string(res.body().size()));
        }
    }

    TEST_CASE("headers just under the limit are read") {
        CHECK_FALSE(feed(with_headers(7000), 1));
        CHECK_FALSE(feed(with_headers(7000), 7000));
    }

    TEST_CASE("a body over the limit answers 413, declared or chunked") {
        const request_limits small{.header_bytes = 8192, .body_bytes = 100};
        std::string declared = "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n" +
                               std::string(101, 'b');
        std::string chunked = "POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
                              "\r\n\r\n40\r\n" +
                              std::string(64, 'b') + "\r\n40\r\n" + std::string(64, 'b') +
                              "\r\n0\r\n\r\n";
        for (const auto* bytes : {&declared, &chunked}) {
            const auto ec = feed(*bytes, 7, small);
            CHECK(ec == beast_http::error::body_limit);
            const auto res = response_for_read_error(ec);
            CHECK(res.result() == status::payload_too_large);
            CHECK_FALSE(res.keep_alive());
        }
        CHECK_FALSE(feed("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                             std::string(100, 'b'),
                         7,
                         small));
    }

    TEST_CASE("the server's defaults: 8 KiB of headers, 10 s per request, 64 connections") {
        const server_limits defaults;
        CHECK(defaults.request.header_bytes == 8192);
        CHECK(defaults.request.body_bytes == 65536);
        CHECK(defaults.request_timeout == std::chrono::seconds{10});
        CHECK(defaults.write_timeout == std::chrono::seconds{10});
        CHECK(defaults.max_connections == 64);
    }

    TEST_CASE("the default body limit is 64 KiB") {
        const auto ec = feed("POST /x HTTP/1.1\r\nContent-Length: 65537\r\n\r\n", 1000);
        CHECK(ec == beast_http::error::body_limit);
    }

    TEST_CASE("garbage bytes answer 400 and close") {
        // A TLS ClientHello on the plain port, a wrong protocol, no target, a bad header line,
        // a non-numeric length.
        for (const std::string& bytes : {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
                                         "\r\n\r\n"s,
                                         "GET /metrics FTP/9\r\n\r\n"s,
                                         "GET\r\n\r\n"s,
                                         "GET /metrics HTTP/1.1\r\nBad Header\r\n\r\n"s,
                                         "GET /metrics HTTP/1.1\r\nContent-Length: x\r\n\r\n"s}) {
            CAPTURE(bytes);
            const auto ec = feed(bytes, 3);
            REQUIRE(ec);
            CHECK(ec != beast_http::error::need_more);
            const auto res = response_for_read_error(ec);
            CHECK(res.result() == status::bad_request);
            CHECK_FALSE(res.keep_alive());
            CHECK(nlohmann::json::parse(res.body())["error"] == "bad_request");
        }
    }
}

TEST_SUITE("broker::http::query") {
    TEST_CASE("a target splits at its first question mark") {
        CHECK(split_target("/api/v1/clients?page=2&limit=3").path == "/api/v1/clients");
        CHECK(split_target("/api/v1/clients?page=2&limit=3").query == "page=2&limit=3");
        CHECK(split_target("/health").query.empty());
        CHECK(split_target("/a?b?c").query == "b?c");
    }

    TEST_CASE("query values: the last of a key wins, a bare key is empty, absent is nullopt") {
        CHECK(query_value("a=1&b=2", "b") == "2");
        CHECK(query_value("a=1&a=3", "a") == "3");
        CHECK(query_value("a&b=2", "a") == "");
        CHECK_FALSE(query_value("ab=1", "a"));
        CHECK_FALSE(query_value("", "a"));
    }

    TEST_CASE("paging defaults to page 1 of 100 and checks its ranges") {
        const auto none = parse_paging("");
        REQUIRE(none);
        CHECK(none.value().page == 1);
        CHECK(none.value().limit == 100);
        const auto some = parse_paging("page=3&limit=1000");
        REQUIRE(some);
        CHECK(some.value().first() == 2000);
        CHECK_FALSE(parse_paging("limit=1001"));
        CHECK_FALSE(parse_paging("page=0"));
        CHECK_FALSE(parse_paging("page=+1"));
        CHECK_FALSE(parse_paging("page=1x"));
    }
}

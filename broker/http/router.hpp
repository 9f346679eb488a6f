// The HTTP surface of a node (DESIGN.md section 5) as a pure function: a parsed request in, a
// complete response out. No sockets, so that every status code is tested without a network.
#pragma once

#include "engine/clock.hpp"
#include "http/status_source.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace emqx::broker::http {

namespace beast_http = boost::beast::http;
using request = beast_http::request<beast_http::string_body>;
using response = beast_http::response<beast_http::string_body>;
using request_parser = beast_http::request_parser<beast_http::string_body>;

/// What the node says about itself in /api/v1/status and on every metric.
struct node_info {
    std::string node_id = "node1";
    std::string cluster_id;
    std::string version;
    time_point started = clock::now(); ///< for the uptime
    std::chrono::system_clock::time_point started_wall = std::chrono::system_clock::now();
};

/// Limits on one request, applied by the parser.
struct request_limits {
    std::uint32_t header_bytes = 8 * 1024; ///< request line and headers; more: 431
    std::uint64_t body_bytes = 64 * 1024;  ///< body; more: 413 (no path takes a body)
};

/// Applies `limits` to a fresh parser; the server and the tests use this one function.
void apply_limits(request_parser& parser, const request_limits& limits);

/// The answer to a request that could not be read (`ec` from the parser): 431 for headers
/// over the limit, 413 for a body over it, 400 for anything else malformed. Always
/// `Connection: close`: after a parse error the stream cannot be trusted.
[[nodiscard]] response response_for_read_error(const boost::system::error_code& ec);

/// A JSON error body `{"error": code, "message": message}` with `status`.
[[nodiscard]] response json_error(beast_http::status status,
                                  std::string_view code,
                                  std::string_view message,
                                  unsigned version = 11);

class router {
public:
    /// `auth_token` empty: /api/* is open. Otherwise /api/* wants
    /// `Authorization: Bearer <auth_token>` (401 without it); /metrics, /health, /ready stay
    /// open.
    router(node_info node, status_source source, std::string auth_token = {});

    /// The response to `req`: 404 for an unknown path, 405 (with Allow) for a method other
    /// than GET or HEAD, 401 as above, 400 for bad query parameters, 500 if anything inside
    /// throws. Every response has Content-Type and Content-Length, and keeps the request's
    /// version and keep-alive wish. Never throws.
    [[nodiscard]] response handle(const request& req) const noexcept;

private:
    [[nodiscard]] response dispatch(const request& req) const;
    [[nodiscard]] bool authorized(const request& req) const noexcept;

    // One per path (probes.cpp, api.cpp); `query` is the part of the target after '?'.
    using handler = response (router::*)(std::string_view query) const;
    struct route {
        std::string_view path;
        handler get;
    };
    static const route routes_[];

    [[nodiscard]] response get_metrics(std::string_view query) const;
    [[nodiscard]] response get_health(std::string_view query) const;
    [[nodiscard]] response get_ready(std::string_view query) const;
    [[nodiscard]] response get_status(std::string_view query) const;
    [[nodiscard]] response get_cluster(std::string_view query) const;
    [[nodiscard]] response get_routes(std::string_view query) const;
    [[nodiscard]] response get_clients(std::string_view query) const;
    [[nodiscard]] response get_config(std::string_view query) const;

    [[nodiscard]] double uptime_seconds() const noexcept;
    [[nodiscard]] node_counts counts() const;

    node_info node_;
    status_source source_;
    std::string auth_token_;
};

} // namespace emqx::broker::http

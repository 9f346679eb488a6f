// HTTP GET against a node (libcurl), with errors sorted into the kinds a tool can explain.
#pragma once

#include <emqx/base/expected.hpp>
#include <emqx/client/node.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace emqx::client {

enum class http_failure { refused, timed_out, unresolved, bad_status, not_json, other };

/// Why a request failed. `message` is one line for people, e.g. "connection refused by
/// 127.0.0.1:8082", "no answer from 127.0.0.1:8082 within 2.0 s", "HTTP 503 from
/// http://127.0.0.1:8082/ready". `status` is the HTTP status when there was one.
struct http_error {
    http_failure kind = http_failure::other;
    std::string message;
    long status = 0;
};

struct http_response {
    long status = 0;
    std::string body;
    std::string content_type;
    double seconds = 0; ///< total time of the request
};

struct http_options {
    std::chrono::milliseconds timeout{5000}; ///< whole request, connect included
    std::string bearer_token;                ///< sent as Authorization: Bearer when not empty
};

/// The name of a failure kind: "refused", "timed_out", ...
[[nodiscard]] std::string_view to_string(http_failure kind) noexcept;

/// GET http://<node><path>. Any HTTP status is a success here (callers decide). Thread-safe:
/// one curl handle per call; never throws.
[[nodiscard]] expected<http_response, http_error>
http_get(const host_port& node, std::string_view path, const http_options& options = {});

/// GET and parse JSON; a non-2xx status is bad_status (with the status), a body that is not
/// JSON is not_json (its message quotes the start of the body).
[[nodiscard]] expected<nlohmann::json, http_error>
get_json(const host_port& node, std::string_view path, const http_options& options = {});

} // namespace emqx::client

// Request dispatch: authentication of /api/*, the path table, method checks, and the one
// place where an exception from a handler becomes a 500.
#include "http/router.hpp"

#include "http/query.hpp"
#include "http/responses.hpp"
#include "log/log.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

namespace emqx::broker::http {

namespace {

using beast_http::status;

/// Compares in time that depends on the lengths only, not on where the texts differ.
bool same_secret(std::string_view a, std::string_view b) noexcept {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const std::size_t n = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
        diff = static_cast<unsigned char>(diff | (x ^ y));
    }
    return diff == 0;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

/// The token of an `Authorization: Bearer <token>` value (RFC 6750 2.1; the scheme is
/// case-insensitive, RFC 7235 2.1); empty when the value is not of that form.
std::string_view bearer_token(std::string_view value) noexcept {
    const auto space = value.find(' ');
    if (space == std::string_view::npos || !iequals(value.substr(0, space), "bearer")) {
        return {};
    }
    value.remove_prefix(space);
    const auto first = value.find_first_not_of(' ');
    const auto last = value.find_last_not_of(' ');
    return first == std::string_view::npos ? std::string_view{}
                                           : value.substr(first, last - first + 1);
}

response internal_error() noexcept {
    try {
        auto res = json_error(status::internal_server_error,
                              "internal_error",
                              "the request could not be answered; see the node's log");
        res.keep_alive(false);
        return res;
    } catch (...) {
        // Out of memory: a bare 500 whose end the client finds at the close.
        response res;
        res.result(status::internal_server_error);
        res.keep_alive(false);
        return res;
    }
}

} // namespace

const router::route router::routes_[] = {
    {"/metrics", &router::get_metrics},
    {"/health", &router::get_health},
    {"/ready", &router::get_ready},
    {"/api/v1/status", &router::get_status},
    {"/api/v1/cluster", &router::get_cluster},
    {"/api/v1/routes", &router::get_routes},
    {"/api/v1/clients", &router::get_clients},
    {"/api/v1/config", &router::get_config},
};

router::router(node_info node, status_source source, std::string auth_token)
    : node_(std::move(node)), source_(std::move(source)), auth_token_(std::move(auth_token)) {
}

response router::handle(const request& req) const noexcept {
    try {
        auto res = dispatch(req);
        const bool may_keep = res.keep_alive(); // false when the handler wants a close
        res.version(req.version());
        res.keep_alive(may_keep && req.keep_alive());
        if (req.method() == beast_http::verb::head) {
            // Content-Length stays that of the GET answer (RFC 9110 9.3.2); no body.
            res.body().clear();
        }
        return res;
    } catch (const std::exception& e) {
        log::write(log::level::error,
                   "http",
                   "request failed",
                   {{"target", std::string_view{req.target().data(), req.target().size()}},
                    {"error", e.what()}});
    } catch (...) {
        log::write(log::level::error, "http", "request failed");
    }
    return internal_error();
}

response router::dispatch(const request& req) const {
    const std::string_view target{req.target().data(), req.target().size()};
    const auto [path, query] = split_target(target);
    // Before the path lookup, so that an unauthenticated caller learns nothing of /api/*.
    if (path.starts_with("/api/") && !authorized(req)) {
        auto res = json_error(
            status::unauthorized, "unauthorized", "this path needs an Authorization: Bearer token");
        res.set(beast_http::field::www_authenticate, "Bearer realm=\"emqxd\"");
        return res;
    }
    const auto* found = std::find_if(
        std::begin(routes_), std::end(routes_), [&](const route& r) { return r.path == path; });
    if (found == std::end(routes_)) {
        return json_error(status::not_found, "not_found", "no such path: " + std::string{path});
    }
    if (req.method() != beast_http::verb::get && req.method() != beast_http::verb::head) {
        auto res = json_error(status::method_not_allowed,
                              "method_not_allowed",
                              std::string{path} + " answers GET and HEAD only");
        res.set(beast_http::field::allow, "GET, HEAD");
        return res;
    }
    return (this->*(found->get))(query);
}

bool router::authorized(const request& req) const noexcept {
    if (auth_token_.empty()) {
        return true;
    }
    const auto header = req[beast_http::field::authorization];
    const auto token = bearer_token({header.data(), header.size()});
    return !token.empty() && same_secret(token, auth_token_);
}

double router::uptime_seconds() const noexcept {
    return std::chrono::duration<double>(clock::now() - node_.started).count();
}

node_counts router::counts() const {
    return source_.counts ? source_.counts() : node_counts{};
}

} // namespace emqx::broker::http

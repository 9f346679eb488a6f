// Response builders, the parser limits and the answers to requests that could not be read.
#include "http/responses.hpp"

#include <boost/beast/http/error.hpp>

namespace emqx::broker::http {

namespace detail {

response text_response(beast_http::status status, std::string body, std::string_view content_type) {
    response res{status, 11};
    res.set(beast_http::field::content_type,
            boost::beast::string_view{content_type.data(), content_type.size()});
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

response json_response(beast_http::status status, const nlohmann::json& body) {
    return text_response(status,
                         body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                         "application/json");
}

} // namespace detail

response json_error(beast_http::status status,
                    std::string_view code,
                    std::string_view message,
                    unsigned version) {
    auto res = detail::json_response(status, {{"error", code}, {"message", message}});
    res.version(version);
    return res;
}

void apply_limits(request_parser& parser, const request_limits& limits) {
    parser.header_limit(limits.header_bytes);
    parser.body_limit(limits.body_bytes);
}

response response_for_read_error(const boost::system::error_code& ec) {
    using beast_http::status;
    response res;
    if (ec == beast_http::error::header_limit || ec == boost::beast::http::error::buffer_overflow) {
        res = json_error(status::request_header_fields_too_large,
                         "header_too_large",
                         "the request line and headers exceed the limit");
    } else if (ec == beast_http::error::body_limit) {
        res = json_error(
            status::payload_too_large, "body_too_large", "the request body exceeds the limit");
    } else {
        res = json_error(
            status::bad_request, "bad_request", "malformed HTTP request: " + ec.message());
    }
    res.keep_alive(false);
    return res;
}

} // namespace emqx::broker::http

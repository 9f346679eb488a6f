// Building responses (private to http/): every one gets Content-Type and Content-Length here.
#pragma once

#include "http/router.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace emqx::broker::http::detail {

/// `body` serialized as the response; invalid UTF-8 in a string is replaced (U+FFFD), never
/// thrown on, since client ids and paths come from the network.
[[nodiscard]] response json_response(beast_http::status status, const nlohmann::json& body);

[[nodiscard]] response
text_response(beast_http::status status, std::string body, std::string_view content_type);

} // namespace emqx::broker::http::detail

// HTTP GET on libcurl: one easy handle per call, errors converted to http_error at this edge.
#include "seconds_text.hpp"

#include <emqx/client/http.hpp>
#include <emqx/client/json_text.hpp>

#include <curl/curl.h>

#include <cstdio>
#include <memory>
#include <mutex>

namespace emqx::client {

namespace {

void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

http_error classify(CURLcode code,
                    const host_port& node,
                    const std::string& url,
                    std::chrono::milliseconds timeout,
                    const char* detail) {
    const auto where = to_string(node);
    switch (code) {
    case CURLE_COULDNT_CONNECT: return {http_failure::refused, "connection refused by " + where, 0};
    case CURLE_OPERATION_TIMEDOUT:
        return {http_failure::timed_out,
                "no answer from " + where + " within " + detail::seconds_text(timeout),
                0};
    case CURLE_COULDNT_RESOLVE_HOST:
        return {http_failure::unresolved, "cannot resolve host '" + node.host + "'", 0};
    default: break;
    }
    std::string message = "GET " + url + " failed: " + curl_easy_strerror(code);
    if (detail != nullptr && *detail != '\0') {
        message += std::string(" (") + detail + ")";
    }
    return {http_failure::other, std::move(message), 0};
}

std::string one_line_start(const std::string& body) {
    std::string start = body.substr(0, 40);
    for (auto& c : start) {
        if (c == '\n' || c == '\r' || c == '\t') {
            c = ' ';
        }
    }
    return start;
}

} // namespace

std::string_view to_string(http_failure kind) noexcept {
    switch (kind) {
    case http_failure::refused: return "refused";
    case http_failure::timed_out: return "timed_out";
    case http_failure::unresolved: return "unresolved";
    case http_failure::bad_status: return "bad_status";
    case http_failure::not_json: return "not_json";
    case http_failure::other: return "other";
    }
    return "other";
}

expected<http_response, http_error>
http_get(const host_port& node, std::string_view path, const http_options& options) {
    global_init_once();
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle(curl_easy_init(),
                                                                     &curl_easy_cleanup);
    if (!handle) {
        return unexpected(http_error{http_failure::other, "cannot create a curl handle", 0});
    }
    CURL* curl = handle.get();
    const std::string url = "http://" + to_string(node) + std::string(path);
    std::string body;
    char detail[CURL_ERROR_SIZE] = {};
    curl_slist* headers = nullptr;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // thread safety: no SIGALRM for timeouts
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*"); // nodes are addressed directly
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "emqxctl");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(nullptr,
                                                                            &curl_slist_free_all);
    if (!options.bearer_token.empty()) {
        const std::string header = "Authorization: Bearer " + options.bearer_token;
        headers = curl_slist_append(headers, header.c_str());
        header_list.reset(headers);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    }
    const CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        return unexpected(classify(code, node, url, options.timeout, detail));
    }
    http_response response;
    response.body = std::move(body);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    char* type = nullptr;
    if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr) {
        response.content_type = type;
    }
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &response.seconds);
    return response;
}

expected<nlohmann::json, http_error>
get_json(const host_port& node, std::string_view path, const http_options& options) {
    auto response = http_get(node, path, options);
    if (!response) {
        return unexpected(response.error());
    }
    const std::string url = "http://" + to_string(node) + std::string(path);
    if (response->status < 200 || response->status > 299) {
        std::string message = "HTTP " + std::to_string(response->status) + " from " + url;
        if (response->status == 401) {
            // The node has http.auth_token set: say what to do about it.
            message += options.bearer_token.empty()
                           ? ": the node wants a bearer token (--token or EMQXCTL_TOKEN)"
                           : ": the node refused the bearer token";
        }
        return unexpected(http_error{http_failure::bad_status, std::move(message), response->status});
    }
    auto doc = parse_json(response->body);
    if (doc.is_discarded()) {
        return unexpected(
            http_error{http_failure::not_json,
                       "not JSON from " + url + ": '" + one_line_start(response->body) + "'",
                       response->status});
    }
    return doc;
}

} // namespace emqx::client

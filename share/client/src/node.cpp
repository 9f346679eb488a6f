// Node addressing: HOST:PORT parsing, the local cluster file, and the seed nodes.
#include <emqx/client/json_text.hpp>
#include <emqx/client/node.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace emqx::client {

namespace {

expected<std::uint16_t, std::string> parse_port(std::string_view digits, std::string_view text) {
    unsigned value = 0;
    const auto* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (digits.empty() || ec != std::errc{} || ptr != end || value == 0 || value > 65535) {
        return unexpected(std::string("bad port in '") + std::string(text) +
                          "': expected a number from 1 to 65535");
    }
    return static_cast<std::uint16_t>(value);
}

std::string env_or_empty(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

} // namespace

expected<host_port, std::string> parse_host_port(std::string_view text,
                                                 std::uint16_t default_port) {
    const auto bad = [&](std::string_view why) {
        return unexpected(std::string("bad address '") + std::string(text) +
                          "': " + std::string(why));
    };
    if (text.empty()) {
        return bad("empty");
    }
    host_port result;
    std::string_view rest;
    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close == 1) {
            return bad("expected [IPV6]:PORT");
        }
        result.host = std::string(text.substr(1, close - 1));
        rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') {
            return bad("expected ':' after ']'");
        }
    } else {
        const auto colon = text.find(':');
        if (colon != std::string_view::npos &&
            text.find(':', colon + 1) != std::string_view::npos) {
            return bad("an IPv6 address needs brackets: [::1]:8082");
        }
        result.host = std::string(text.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
        if (result.host.empty()) {
            return bad("no host");
        }
    }
    if (result.host.find_first_of(" \t/") != std::string::npos) {
        return bad("the host contains a space or a '/'");
    }
    if (rest.empty()) {
        result.port = default_port;
        return result;
    }
    auto port = parse_port(rest.substr(1), text);
    if (!port) {
        return unexpected(port.error());
    }
    result.port = *port;
    return result;
}

std::string to_string(const host_port& address) {
    const bool v6 = address.host.find(':') != std::string::npos;
    return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

std::filesystem::path default_cluster_dir() {
    if (auto dir = env_or_empty("EMQXCTL_CLUSTER_DIR"); !dir.empty()) {
        return dir;
    }
    if (auto state = env_or_empty("XDG_STATE_HOME"); !state.empty()) {
        return std::filesystem::path(state) / "emqxctl" / "cluster";
    }
    return std::filesystem::path(env_or_empty("HOME")) / ".local" / "state" / "emqxctl" / "cluster";
}

expected<std::vector<host_port>, std::string>
read_cluster_file_nodes(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        return unexpected("cannot read " + file.string());
    }
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = parse_json(text.str());
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("nodes") ||
        !doc["nodes"].is_array()) {
        return unexpected(file.string() + " is not a cluster file (no \"nodes\" array)");
    }
    std::vector<host_port> nodes;
    for (const auto& node : doc["nodes"]) {
        if (!node.is_object() || !node.contains("http") || !node["http"].is_string()) {
            continue;
        }
        if (auto address = parse_host_port(node["http"].get<std::string>(), default_http_port)) {
            nodes.push_back(*address);
        }
    }
    if (nodes.empty()) {
        return unexpected(file.string() + " lists no node with an \"http\" address");
    }
    return nodes;
}

std::vector<host_port> seed_nodes(const std::vector<std::string>& node_options) {
    std::vector<host_port> nodes;
    for (const auto& option : node_options) {
        if (auto address = parse_host_port(option, default_http_port)) {
            nodes.push_back(*address);
        }
    }
    if (!node_options.empty()) {
        return nodes;
    }
    const auto file = default_cluster_dir() / "cluster.json";
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
        if (auto listed = read_cluster_file_nodes(file)) {
            return *listed;
        }
    }
    return {host_port{"127.0.0.1", default_http_port}};
}

} // namespace emqx::client

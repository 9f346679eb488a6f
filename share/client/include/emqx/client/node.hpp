// Node addressing for emqxctl: HOST:PORT parsing and where to start when no node is given.
#pragma once

#include <emqx/base/expected.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::client {

/// A TCP address as people write it: "127.0.0.1:8082", "localhost:1883", "[::1]:8082".
struct host_port {
    std::string host;
    std::uint16_t port = 0;

    friend bool operator==(const host_port&, const host_port&) = default;
};

/// The HTTP port of a node when none is given (DESIGN.md section 3).
inline constexpr std::uint16_t default_http_port = 8082;
/// The MQTT port of a broker when none is given.
inline constexpr std::uint16_t default_mqtt_port = 1883;

/// Parses "HOST:PORT", "HOST" (then `default_port`), "[V6]:PORT" or "[V6]". The error is one
/// line naming the text and what is wrong with it. Never resolves names.
[[nodiscard]] expected<host_port, std::string> parse_host_port(std::string_view text,
                                                               std::uint16_t default_port);

/// "host:port", with brackets around an IPv6 host.
[[nodiscard]] std::string to_string(const host_port& address);

/// Where the local cluster file lives: $EMQXCTL_CLUSTER_DIR, else
/// $XDG_STATE_HOME/emqxctl/cluster, else ~/.local/state/emqxctl/cluster. The file itself is
/// `cluster.json` in that directory.
[[nodiscard]] std::filesystem::path default_cluster_dir();

/// The HTTP addresses of the nodes listed in a cluster file (schema emqxctl.cluster-file/1);
/// an error when the file cannot be read or has no usable node.
[[nodiscard]] expected<std::vector<host_port>, std::string>
read_cluster_file_nodes(const std::filesystem::path& file);

/// The node HTTP addresses to start from: the `--node` values if any (those that do not parse
/// are skipped; validate them first with parse_host_port to report them), else the nodes of
/// default_cluster_dir()/cluster.json if it exists, else 127.0.0.1:8082.
[[nodiscard]] std::vector<host_port> seed_nodes(const std::vector<std::string>& node_options);

} // namespace emqx::client

// Everything an operator can configure in emqxd, with the safe defaults of DESIGN.md section 3,
// and where each value came from (for --print-config).
#pragma once

#include "config/address.hpp"
#include "engine/limits.hpp"
#include "log/log.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::broker::config {

/// Where a value came from; the later kinds override the earlier ones (DESIGN.md section 3).
enum class source_kind : std::uint8_t { built_in, file, environment, flag };

struct value_source {
    source_kind kind = source_kind::built_in;
    /// The file (with ":line" when known), the variable's name, or the flag as typed.
    std::string name;

    bool operator==(const value_source&) const = default;
};

/// "default", "file /etc/emqxd/emqxd.yaml:12", "env MQTT_PORT", "flag --mqtt" ("flag" alone
/// when the name is empty).
[[nodiscard]] std::string describe(const value_source& source);

struct node_settings {
    std::string id = "node1";
    /// Where the node keeps state; empty: nothing is written to disk.
    std::string data_dir;
};

struct listener_settings {
    listen_address mqtt{.host = "127.0.0.1", .port = 1883};
    listen_address http{.host = "127.0.0.1", .port = 8082};
    listen_address cluster{.host = "127.0.0.1", .port = 8081};
    std::optional<listen_address> dashboard; ///< none: no dashboard listener
};

enum class hash_algorithm : std::uint8_t { bcrypt, sha256, plain, argon2id };

/// "bcrypt", "sha256", "plain", "argon2id": the spelling of the config file.
[[nodiscard]] std::string_view to_string(hash_algorithm algorithm) noexcept;

struct user_entry {
    std::string username;
    /// The hash in the form `algorithm` names (for plain: the password itself).
    std::string password;
    hash_algorithm algorithm = hash_algorithm::bcrypt;
    std::string salt; ///< sha256 only: the digest is of the password followed by the salt
    bool enabled = true;
};

struct ban_settings {
    std::uint32_t max_failures = 5; ///< failures from one address within `window`; 0: no ban
    std::chrono::milliseconds window = std::chrono::minutes{1};
    std::chrono::milliseconds duration = std::chrono::minutes{5};
};

/// With `enabled` false no client is authenticated and every client is accepted; with it true
/// a client's credentials are checked against `users`, and a client without a username is
/// accepted only when `allow_anonymous` is true.
struct auth_settings {
    bool enabled = false;
    bool allow_anonymous = false;
    std::vector<user_entry> users;
    ban_settings ban;
};

struct cluster_settings {
    std::string name = "emqxd";
    std::string cookie;             ///< the shared secret nodes authenticate each other with
    std::vector<std::string> peers; ///< "host:cluster_port" of the other nodes
    std::string discovery;          ///< a DNS name whose addresses are the peers; empty: none
    std::chrono::milliseconds heartbeat_interval = std::chrono::seconds{1};
    std::chrono::milliseconds failure_timeout = std::chrono::seconds{5};
};

enum class log_format : std::uint8_t { text, json };

struct log_settings {
    log::level level = log::level::info;
    log_format format = log_format::text;
    std::string file; ///< empty: stderr
};

struct http_settings {
    std::string auth_token; ///< bearer token for /api/*; empty: none
};

/// The whole configuration. A default-constructed value is the built-in configuration.
struct settings {
    node_settings node;
    listener_settings listeners;
    emqx::broker::limits mqtt;
    auth_settings auth;
    cluster_settings cluster;
    log_settings log;
    http_settings http;

    /// Key path ("listeners.mqtt", "auth.users[2]") -> where its value came from; a path not
    /// here has its built-in value.
    std::map<std::string, value_source, std::less<>> sources;
};

/// Where `path`'s value came from. For a path without its own entry, the nearest enclosing
/// one ("auth.users[1].password" -> "auth.users[1]" -> "auth.users"), else built-in.
[[nodiscard]] value_source source_of(const settings& config, std::string_view path);

} // namespace emqx::broker::config

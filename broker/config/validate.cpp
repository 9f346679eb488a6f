// Whole-configuration checks: listeners, cluster and authentication together (validate.hpp).
#include "config/validate.hpp"

#include "config/keys.hpp"
#include "config/parse.hpp"

#include <algorithm>
#include <array>

namespace emqx::broker::config {

namespace {

// Shorter secrets can be guessed by anyone who can reach the port and try.
constexpr std::size_t min_secret_length = 16;

struct listener {
    std::string_view key;
    const listen_address* address;
};

bool is_v6(const listen_address& a) {
    return a.host.find(':') != std::string::npos;
}

// Whether binding both fails. Asio leaves IPV6_V6ONLY off, so "::" also takes IPv4.
bool overlap(const listen_address& a, const listen_address& b) {
    if (a.port == 0 || a.port != b.port) {
        return false;
    }
    if (is_v6(a) == is_v6(b)) {
        return a.host == b.host || is_wildcard_host(a.host) || is_wildcard_host(b.host);
    }
    const auto& v6 = is_v6(a) ? a : b;
    return is_wildcard_host(v6.host);
}

void add(problems& out,
         const settings& config,
         severity level,
         std::string_view key,
         std::string value,
         std::string message) {
    out.push_back(problem{.level = level,
                          .key = std::string{key},
                          .value = std::move(value),
                          .message = std::move(message),
                          .where = where_from(config, key)});
}

void check_conflicts(const settings& config, problems& out) {
    const auto& l = config.listeners;
    std::vector<listener> all{{"listeners.mqtt", &l.mqtt},
                              {"listeners.http", &l.http},
                              {"listeners.cluster", &l.cluster}};
    if (l.dashboard) {
        all.push_back({"listeners.dashboard", &*l.dashboard});
    }
    for (std::size_t j = 0; j < all.size(); ++j) {
        for (std::size_t i = 0; i < j; ++i) {
            if (overlap(*all[i].address, *all[j].address)) {
                add(out,
                    config,
                    severity::error,
                    all[j].key,
                    format_address(*all[j].address),
                    cat({"the same port as ",
                         all[i].key,
                         " (",
                         format_address(*all[i].address),
                         "); give each listener its own port (0 picks a free one)"}));
            }
        }
    }
}

void check_exposure(const settings& config, problems& out) {
    const auto& l = config.listeners;
    const bool anonymous_on_purpose =
        config.auth.allow_anonymous &&
        source_of(config, "auth.allow_anonymous").kind != source_kind::built_in;
    if (!is_loopback_host(l.mqtt.host) && !config.auth.enabled && !anonymous_on_purpose) {
        add(out,
            config,
            severity::error,
            "listeners.mqtt",
            format_address(l.mqtt),
            "listens beyond this machine with authentication off; set auth.enabled: true and "
            "add auth.users, or set auth.allow_anonymous: true to accept anyone on purpose, or "
            "listen on 127.0.0.1");
    }
    const std::array<listener, 2> web{
        {{"listeners.http", &l.http},
         {"listeners.dashboard", l.dashboard ? &*l.dashboard : nullptr}}};
    for (const auto& w : web) {
        if (w.address != nullptr && !is_loopback_host(w.address->host) &&
            config.http.auth_token.empty()) {
            add(out,
                config,
                severity::warning,
                w.key,
                format_address(*w.address),
                "listens beyond this machine and http.auth_token is empty: /api/* answers "
                "anyone; set http.auth_token");
        }
    }
    if (!is_loopback_host(l.cluster.host) && config.cluster.cookie.empty()) {
        add(out,
            config,
            severity::error,
            "listeners.cluster",
            format_address(l.cluster),
            "listens beyond this machine and cluster.cookie is empty: anyone could join the "
            "cluster; set cluster.cookie to a shared secret of at least 16 characters (e.g. "
            "from: head -c 24 /dev/urandom | base64)");
    }
}

void check_secret_length(const settings& config,
                         std::string_view key,
                         const std::string& secret,
                         problems& out) {
    if (!secret.empty() && secret.size() < min_secret_length) {
        add(out,
            config,
            severity::warning,
            key,
            "<redacted>",
            "shorter than 16 characters, easy to guess; use a longer random value");
    }
}

void check_cluster(const settings& config, problems& out) {
    const auto& c = config.cluster;
    if (c.failure_timeout <= c.heartbeat_interval) {
        add(out,
            config,
            severity::error,
            "cluster.failure_timeout",
            format_duration(c.failure_timeout),
            cat({"must be longer than cluster.heartbeat_interval (",
                 format_duration(c.heartbeat_interval),
                 "), or every peer is declared dead between two heartbeats"}));
    }
    for (std::size_t j = 0; j < c.peers.size(); ++j) {
        if (std::find(c.peers.begin(),
                      c.peers.begin() + static_cast<std::ptrdiff_t>(j),
                      c.peers[j]) != c.peers.begin() + static_cast<std::ptrdiff_t>(j)) {
            add(out,
                config,
                severity::warning,
                "cluster.peers",
                c.peers[j],
                "listed twice; the second is ignored");
        }
    }
    check_secret_length(config, "cluster.cookie", c.cookie, out);
    check_secret_length(config, "http.auth_token", config.http.auth_token, out);
}

void check_auth(const settings& config, problems& out) {
    const auto& a = config.auth;
    const bool any_user =
        std::any_of(a.users.begin(), a.users.end(), [](const user_entry& u) { return u.enabled; });
    if (a.enabled && !any_user && !a.allow_anonymous) {
        add(out,
            config,
            severity::warning,
            "auth.enabled",
            "true",
            "no enabled user in auth.users and auth.allow_anonymous is false: every client "
            "will be refused");
    }
    if (!a.enabled && !a.users.empty()) {
        add(out,
            config,
            severity::warning,
            "auth.users",
            {},
            "ignored while auth.enabled is false: every client is accepted");
    }
}

} // namespace

std::string where_from(const settings& config, std::string_view key) {
    const auto source = source_of(config, key);
    switch (source.kind) {
    case source_kind::built_in: return {};
    case source_kind::file: return source.name;
    default: return describe(source);
    }
}

void check_listeners(const settings& config, problems& out) {
    check_conflicts(config, out);
    check_exposure(config, out);
}

problems validate(const settings& config, std::span<const problem> earlier) {
    problems out;
    check_listeners(config, out);
    check_cluster(config, out);
    check_auth(config, out);
    check_users(config, earlier, out);
    check_paths(config, out);
    return out;
}

} // namespace emqx::broker::config

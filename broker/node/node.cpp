// Running emqxd: configuration, listeners, signals, reload, shutdown (see node.hpp).
#include "node/node.hpp"

#include "auth/password.hpp"
#include "cluster/mesh.hpp"
#include "config/environment.hpp"
#include "config/load.hpp"
#include "config/parse.hpp"
#include "config/print.hpp"
#include "config/problem.hpp"
#include "engine/engine.hpp"
#include "http/engine_source.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "log/log.hpp"
#include "net/server.hpp"
#include "node/command_line.hpp"

#include <emqx/base/version.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

namespace emqx::broker::node {

namespace {

namespace asio = boost::asio;

constexpr int exit_usage = 64;
constexpr int exit_internal = 70;
constexpr int exit_config = 78;

void print_problems(const config::problems& found) {
    for (const auto& p : found) {
        std::fprintf(stderr, "emqxd: %s\n", config::format(p).c_str());
    }
}

config::load_options load_options_of(const command_line& cmd) {
    config::load_options options;
    if (cmd.config_file) {
        options.config_file = *cmd.config_file;
    }
    options.env = config::process_environment();
    options.flags = cmd.flags;
    return options;
}

auth_settings auth_of(const config::auth_settings& a) {
    auth_settings out{.enabled = a.enabled, .allow_anonymous = a.allow_anonymous, .users = {},
                      .ban = {}};
    for (const auto& u : a.users) {
        // The two enums differ in order: map by the name both spell the same way.
        const auto algorithm = auth::parse_algorithm(config::to_string(u.algorithm));
        out.users.push_back({.username = u.username, .password = u.password, .salt = u.salt,
                             .algorithm = algorithm.value_or(auth::hash_algorithm::bcrypt),
                             .enabled = u.enabled && algorithm.has_value()});
    }
    out.ban.max_failures = a.ban.max_failures;
    out.ban.window = a.ban.window;
    out.ban.duration = a.ban.duration;
    return out;
}

bool apply_log_settings(const config::log_settings& l) {
    log::set_threshold(l.level);
    log::set_json(l.format == config::log_format::json);
    return log::set_file(l.file);
}

// --hash-password: the password from standard input, without echo on a terminal.
int hash_password(const std::string& algorithm_name) {
    const auto algorithm = auth::parse_algorithm(algorithm_name);
    if (!algorithm) {
        std::fprintf(stderr, "emqxd: --algorithm '%s': use bcrypt, argon2id, sha256 or plain\n",
                     algorithm_name.c_str());
        return exit_usage;
    }
    const bool tty = isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (tty) {
        std::fputs("Password: ", stderr);
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string password;
    std::getline(std::cin, password);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fputs("\n", stderr);
    }
    if (password.empty()) {
        std::fputs("emqxd: --hash-password: empty password\n", stderr);
        return exit_usage;
    }
    std::fputs(auth::config_lines(auth::hash_password(*algorithm, password)).c_str(), stdout);
    return 0;
}

// Every connection is a descriptor: take the hard limit, not the (usually 1024) soft one.
void raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            log::write(log::level::warn, "config", "could not raise the open file limit");
        }
    }
}

// The cluster listener is bound when the node is told about a cluster (peers, discovery) or
// given a cluster address explicitly: a standalone node opens no cluster port by default.
bool wants_cluster(const config::settings& cfg) {
    return !cfg.cluster.peers.empty() || !cfg.cluster.discovery.empty() ||
           config::source_of(cfg, "listeners.cluster").kind != config::source_kind::built_in;
}

cluster::mesh_settings mesh_settings_of(const config::settings& cfg) {
    cluster::mesh_settings m;
    m.self.node_id = cfg.node.id;
    m.self.cluster_id = cfg.cluster.name;
    m.self.cookie = cfg.cluster.cookie;
    m.self.heartbeat_interval = cfg.cluster.heartbeat_interval;
    m.self.failure_timeout = cfg.cluster.failure_timeout;
    m.peers = cfg.cluster.peers;
    m.discovery = cfg.cluster.discovery;
    return m;
}

std::string endpoint_text(const asio::ip::tcp::endpoint& e) {
    std::string text = e.address().to_string();
    if (e.address().is_v6()) {
        text = "[" + text + "]";
    }
    text += ':';
    text += std::to_string(e.port());
    return text;
}

// Binds one listener, or explains in one line why not: which address, which port, and that
// another process holds it (issue 4), instead of a bare "address already in use".
template <typename Make>
auto bind_listener(std::string_view name, const listen_address& address, Make&& make)
    -> decltype(make(asio::ip::tcp::endpoint{})) {
    boost::system::error_code ec;
    const auto ip = asio::ip::make_address(address.host, ec);
    if (ec) {
        std::fprintf(stderr, "emqxd: listeners.%.*s: '%s' is not a numeric IP address\n",
                     static_cast<int>(name.size()), name.data(), address.host.c_str());
        return nullptr;
    }
    try {
        return make(asio::ip::tcp::endpoint{ip, address.port});
    } catch (const boost::system::system_error& e) {
        const bool in_use = e.code() == asio::error::address_in_use;
        std::fprintf(stderr, "emqxd: listeners.%.*s: cannot listen on %s:%u: %s\n",
                     static_cast<int>(name.size()), name.data(), address.host.c_str(),
                     address.port,
                     in_use ? "the port is already in use by another process"
                            : e.code().message().c_str());
        return nullptr;
    }
}

class running_node {
public:
    running_node(const command_line& cmd, config::load_result loaded)
        : cmd_(cmd), loaded_(std::move(loaded)),
          core_(loaded_.config.mqtt, auth_of(loaded_.config.auth)) {}

    int run() {
        const auto& cfg = loaded_.config;
        mqtt_ = bind_listener("mqtt", cfg.listeners.mqtt, [&](const asio::ip::tcp::endpoint& e) {
            return std::make_unique<net::server>(io_, core_, e);
        });
        if (!mqtt_) {
            return exit_config;
        }
        http_ = bind_listener("http", cfg.listeners.http, [&](const asio::ip::tcp::endpoint& e) {
            return std::make_unique<http::server>(io_, e, make_router());
        });
        if (!http_) {
            return exit_config;
        }
        if (wants_cluster(cfg)) {
            mesh_ = bind_listener("cluster", cfg.listeners.cluster,
                                  [&](const asio::ip::tcp::endpoint& e) {
                                      return std::make_unique<cluster::mesh>(
                                          io_, core_, mesh_settings_of(cfg), e,
                                          [this] { mqtt_->flush(); });
                                  });
            if (!mesh_) {
                return exit_config;
            }
            mesh_->set_advertised(endpoint_text(mesh_->local_endpoint()),
                                  endpoint_text(mqtt_->local_endpoint()),
                                  endpoint_text(http_->local_endpoint()));
        }
        log::write(log::level::info, "config", "configuration loaded",
                   {{"file", loaded_.config_file ? loaded_.config_file->string() : "none"},
                    {"node", cfg.node.id}});
        log::write(log::level::info, "mqtt", "listener started",
                   {{"name", "mqtt"}, {"addr", endpoint_text(mqtt_->local_endpoint())}});
        log::write(log::level::info, "http", "listener started",
                   {{"name", "http"}, {"addr", endpoint_text(http_->local_endpoint())}});
        if (mesh_) {
            log::write(log::level::info, "cluster", "listener started",
                       {{"name", "cluster"}, {"addr", endpoint_text(mesh_->local_endpoint())},
                        {"cluster_id", cfg.cluster.name}});
            mesh_->start();
        }
        mqtt_->start();
        http_->start();
        wait_for_signals();
        io_.run();
        log::write(log::level::info, "mqtt", "stopped");
        return 0;
    }

private:
    http::router make_router() {
        http::node_info info;
        info.node_id = loaded_.config.node.id;
        info.version = std::string{emqx::version_string};
        auto listeners = [this] {
            std::vector<http::listener_info> out;
            const auto add = [&out](std::string name, const asio::ip::tcp::endpoint& e) {
                out.push_back({.name = std::move(name), .address = e.address().to_string(),
                               .port = e.port()});
            };
            if (mqtt_) {
                add("mqtt", mqtt_->local_endpoint());
            }
            if (http_) {
                add("http", http_->local_endpoint());
            }
            if (mesh_) {
                add("cluster", mesh_->local_endpoint());
            }
            return out;
        };
        auto source = http::engine_source(core_);
        source.listeners = std::move(listeners);
        source.config_yaml = [this] { return config::print_config(loaded_.config); };
        // Listeners are up before any request can be served; what remains is the cluster:
        // a first attempt at every peer, and the first route sync with every linked one.
        source.ready = [this] {
            return http::readiness{mesh_ ? mesh_->not_ready_reasons() : std::vector<std::string>{}};
        };
        source.cluster = [this] {
            if (!mesh_) {
                return http::cluster_figures{};
            }
            return http::cluster_figures{.nodes = mesh_->live_nodes(),
                                         .forwarded_total = mesh_->forwarded_total(),
                                         .route_sync_lag_seconds = mesh_->route_sync_lag_seconds()};
        };
        source.peers = [this] {
            std::vector<http::peer_info> out;
            if (mesh_) {
                for (auto& p : mesh_->peers()) {
                    out.push_back({.node_id = std::move(p.node_id), .address = std::move(p.address),
                                   .state = std::move(p.state), .cluster_id = std::move(p.cluster_id),
                                   .http = std::move(p.http), .mqtt = std::move(p.mqtt),
                                   .last_heartbeat = p.last_heartbeat, .route_count = p.route_count,
                                   .error = std::move(p.error)});
                }
            }
            return out;
        };
        source.for_each_remote_route = [this](const http::remote_route_visitor& visit) {
            if (mesh_) {
                mesh_->for_each_remote_route(visit);
            }
        };
        info.cluster_id = loaded_.config.cluster.name;
        return http::router{std::move(info), std::move(source), loaded_.config.http.auth_token};
    }

    void wait_for_signals() {
        signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) {
                return;
            }
            if (signal == SIGHUP) {
                reload();
                wait_for_signals();
                return;
            }
            stop(signal);
        });
    }

    // SIGHUP: users, limits and log settings from the same sources again; the rest needs a
    // restart and is said so.
    void reload() {
        auto fresh = config::load(load_options_of(cmd_));
        if (!fresh.ok()) {
            for (const auto& p : fresh.found) {
                const bool error = p.level == config::severity::error;
                log::write(error ? log::level::error : log::level::warn, "config",
                           error ? "reload refused" : "reload warning",
                           {{"problem", config::format(p)}});
            }
            return;
        }
        const auto& cfg = fresh.config;
        if (config::format_address(cfg.listeners.mqtt) !=
                config::format_address(loaded_.config.listeners.mqtt) ||
            config::format_address(cfg.listeners.http) !=
                config::format_address(loaded_.config.listeners.http) ||
            cfg.node.id != loaded_.config.node.id) {
            log::write(log::level::warn, "config",
                       "listeners or node id changed: they take effect after a restart");
        }
        core_.reconfigure(cfg.mqtt, auth_of(cfg.auth));
        if (!apply_log_settings(cfg.log)) {
            log::write(log::level::error, "config", "cannot open log file", {{"file", cfg.log.file}});
        }
        log::write(log::level::info, "config", "configuration reloaded",
                   {{"users", std::to_string(cfg.auth.users.size())}});
        loaded_ = std::move(fresh);
    }

    void stop(int signal) {
        log::write(log::level::info, "mqtt", "shutting down",
                   {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
        signals_.cancel();
        if (mesh_) {
            mesh_->stop();
        }
        http_->stop();
        // Flush what is queued; never wait longer than this for slow peers.
        deadline_.expires_after(std::chrono::seconds{5});
        deadline_.async_wait([this](const boost::system::error_code&) { io_.stop(); });
        mqtt_->stop([this] {
            deadline_.cancel();
            io_.stop();
        });
    }

    const command_line& cmd_;
    config::load_result loaded_;
    asio::io_context io_{1};
    engine core_;
    std::unique_ptr<net::server> mqtt_;
    std::unique_ptr<http::server> http_;
    std::unique_ptr<cluster::mesh> mesh_;
    asio::signal_set signals_{io_, SIGINT, SIGTERM, SIGHUP};
    asio::steady_timer deadline_{io_};
};

int run_with(const command_line& cmd) {
    auto loaded = config::load(load_options_of(cmd));
    print_problems(loaded.found);
    switch (cmd.what) {
    case action::check_config:
        if (loaded.ok()) {
            std::puts("emqxd: configuration OK");
        }
        return loaded.ok() ? 0 : exit_config;
    case action::print_config:
        std::fputs(config::print_config(loaded.config).c_str(), stdout);
        return loaded.ok() ? 0 : exit_config;
    default:
        break;
    }
    if (!loaded.ok()) {
        return exit_config; // having bound nothing
    }
    if (!apply_log_settings(loaded.config.log)) {
        std::fprintf(stderr, "emqxd: log.file: cannot open '%s' for appending\n",
                     loaded.config.log.file.c_str());
        return exit_config;
    }
    raise_open_file_limit();
    running_node node{cmd, std::move(loaded)};
    return node.run();
}

} // namespace

int run_emqxd(int argc, const char* const* argv) {
    const auto cmd = parse_command_line(argc, argv);
    if (!cmd) {
        std::fprintf(stderr, "emqxd: %s\n", cmd.error().c_str());
        return exit_usage;
    }
    switch (cmd->what) {
    case action::help:
        std::fputs(help_text().c_str(), stdout);
        return 0;
    case action::version:
        std::puts(emqx::version_line("emqxd").c_str());
        return 0;
    case action::hash_password:
        return hash_password(cmd->algorithm);
    default:
        break;
    }
    try {
        return run_with(*cmd);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "emqxd: fatal: %s\n", e.what());
        return exit_internal;
    }
}

} // namespace emqx::broker::node

// Parsing emqxd's command line (see command_line.hpp).
#include "node/command_line.hpp"

#include "config/override.hpp"

#include <array>
#include <string_view>

namespace emqx::broker::node {

namespace {

// Flags that set one configuration key each.
struct key_flag {
    std::string_view flag;
    std::string_view key;
};
constexpr std::array<key_flag, 6> key_flags{{
    {"--node-id", "node.id"},
    {"--mqtt", "listeners.mqtt"},
    {"--http", "listeners.http"},
    {"--cluster", "listeners.cluster"},
    {"--log-level", "log.level"},
    {"--log-file", "log.file"},
}};

std::string usage_error(std::string_view what, std::string_view arg) {
    std::string text{what};
    text += " '";
    text += arg;
    text += "'; see 'emqxd --help'";
    return text;
}

} // namespace

std::string help_text() {
    return "Usage: emqxd [OPTIONS]\n"
           "\n"
           "The emqxd MQTT 3.1.1 / 5.0 broker.\n"
           "\n"
           "Options:\n"
           "  --config PATH        configuration file (default: $EMQXD_CONFIG, else none)\n"
           "  --check-config       check the configuration, print every problem, exit\n"
           "                       (0 valid, 78 invalid)\n"
           "  --print-config       print the effective configuration with each value's\n"
           "                       source, secrets redacted, and exit\n"
           "  --hash-password      read a password on standard input and print the lines\n"
           "                       of an auth.users entry\n"
           "  --algorithm NAME     with --hash-password: bcrypt (default), argon2id, sha256\n"
           "  --node-id ID         node.id (also NODE_ID)\n"
           "  --mqtt ADDR          listeners.mqtt: PORT, :PORT or HOST:PORT; port 0 picks\n"
           "                       a free port (also MQTT_PORT)\n"
           "  --http ADDR          listeners.http: metrics, health, API (also METRICS_PORT)\n"
           "  --cluster ADDR       listeners.cluster (also CLUSTER_PORT)\n"
           "  --log-level LEVEL    log.level: trace, debug, info, warn, error\n"
           "  --log-file PATH      log.file (default: standard error)\n"
           "  --set KEY=VALUE      any configuration key, e.g. --set mqtt.max_inflight=64\n"
           "  -h, --help           print this help and exit\n"
           "  -V, --version        print the version and exit\n"
           "\n"
           "Precedence: built-in defaults < configuration file < environment < options.\n"
           "Signals: SIGTERM/SIGINT stop in order; SIGHUP reloads users and limits and\n"
           "reopens the log file. See emqxd(8) and emqxd.yaml(5).\n";
}

emqx::expected<command_line, std::string> parse_command_line(int argc, const char* const* argv) {
    command_line cmd;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg{argv[i]};
        const bool has_value = i + 1 < argc;
        if (arg == "-h" || arg == "--help") {
            cmd.what = action::help;
            return cmd;
        }
        if (arg == "-V" || arg == "--version") {
            cmd.what = action::version;
            return cmd;
        }
        if (arg == "--check-config") {
            cmd.what = action::check_config;
            continue;
        }
        if (arg == "--print-config") {
            cmd.what = action::print_config;
            continue;
        }
        if (arg == "--hash-password") {
            cmd.what = action::hash_password;
            continue;
        }
        if (!has_value) {
            return emqx::unexpected{usage_error("unknown option or missing value", arg)};
        }
        const std::string_view value{argv[++i]};
        if (arg == "--config") {
            cmd.config_file = std::string{value};
        } else if (arg == "--algorithm") {
            cmd.algorithm = std::string{value};
        } else if (arg == "--set") {
            const auto kv = config::parse_set_argument(value);
            if (!kv) {
                return emqx::unexpected{usage_error("--set wants KEY=VALUE, got", value)};
            }
            cmd.flags.push_back({.key = kv->key, .value = kv->value, .flag = "--set"});
        } else {
            bool known = false;
            for (const auto& kf : key_flags) {
                if (arg == kf.flag) {
                    cmd.flags.push_back({.key = std::string{kf.key}, .value = std::string{value},
                                         .flag = std::string{kf.flag}});
                    known = true;
                }
            }
            if (!known) {
                return emqx::unexpected{usage_error("unknown option", arg)};
            }
        }
    }
    return cmd;
}

} // namespace emqx::broker::node

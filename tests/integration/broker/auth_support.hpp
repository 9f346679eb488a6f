// Helpers for the end-to-end tests of issue 4 (auth, reload, logs, metrics): a scratch
// directory with a config file, the real emqxd started on it (its log in a file or on stderr,
// JSON or text), password hashes made by `emqxd --hash-password`, CONNECT with a login, an
// HTTP GET and a Prometheus text parser.
#pragma once

#include "emqxd_process.hpp"
#include "raw_client.hpp"
#include "run_command.hpp"

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace emqx::test::e2e {

using namespace std::chrono_literals;

/// A fresh directory under /tmp, removed with everything in it on destruction.
class scratch_dir {
public:
    scratch_dir() {
        std::string pattern = "/tmp/emqx-e2e-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
    }
    ~scratch_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;

    [[nodiscard]] std::string file(std::string_view name) const {
        return (path_ / std::string{name}).string();
    }

private:
    std::filesystem::path path_;
};

inline void write_text(const std::string& path, std::string_view text) {
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out << text;
}

/// The file's content, or an empty string when it does not exist.
inline std::string read_text(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Writes `text` to `path` and returns `path` (to initialise a member with a written file).
inline std::string written(const std::string& path, std::string_view text) {
    write_text(path, text);
    return path;
}

/// True once the file at `path` contains `text`, within `timeout`.
inline bool wait_for_text(const std::string& path,
                          std::string_view text,
                          std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (read_text(path).find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

/// Occurrences of `needle` in `text`.
inline std::size_t count_of(std::string_view text, std::string_view needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string_view::npos;
         at = text.find(needle, at + needle.size())) {
        ++n;
    }
    return n;
}

/// The lines of `text` that contain `needle`.
inline std::vector<std::string> lines_with(const std::string& text, std::string_view needle) {
    std::vector<std::string> out;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) {
        if (line.find(needle) != std::string::npos) {
            out.push_back(line);
        }
    }
    return out;
}

/// One auth.users entry as the config file holds it.
struct user_entry {
    std::string username;
    std::string password; ///< the hash, or the password itself for plain
    std::string algorithm;
    std::string salt{};
    bool enabled = true;
};

/// The `users:` list of the auth section (indented for `auth:`).
inline std::string users_yaml(const std::vector<user_entry>& users) {
    std::string out = "  users:\n";
    for (const auto& u : users) {
        out += "    - username: \"" + u.username + "\"\n";
        out += "      password: \"" + u.password + "\"\n";
        out += "      algorithm: " + u.algorithm + "\n";
        if (!u.salt.empty()) {
            out += "      salt: \"" + u.salt + "\"\n";
        }
        if (!u.enabled) {
            out += "      enabled: false\n";
        }
    }
    return out;
}

/// A user entry from `emqxd --hash-password --algorithm ALGORITHM` given `password` on
/// stdin (the password must not hold a single quote). Throws when emqxd fails.
inline user_entry
hashed_user(std::string username, std::string_view algorithm, std::string_view password) {
    const auto run = run_command("printf '%s\\n' '" + std::string{password} + "' | " + EMQXD_PATH +
                                 " --hash-password --algorithm " + std::string{algorithm});
    if (run.status != 0) {
        throw std::runtime_error("emqxd --hash-password failed: " + run.output);
    }
    user_entry user{.username = std::move(username), .password = {}, .algorithm = {}};
    std::istringstream in{run.output};
    for (std::string line; std::getline(in, line);) {
        const auto colon = line.find(": ");
        if (colon == std::string::npos) {
            continue;
        }
        std::string value = line.substr(colon + 2);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        const std::string key = line.substr(0, colon);
        if (key == "algorithm") {
            user.algorithm = value;
        } else if (key == "password") {
            user.password = value;
        } else if (key == "salt") {
            user.salt = value;
        }
    }
    if (user.algorithm != algorithm || user.password.empty()) {
        throw std::runtime_error("unexpected --hash-password output: " + run.output);
    }
    return user;
}

/// The SHA-256 hex digest of `text` by coreutils' sha256sum (an implementation not ours).
inline std::string sha256sum_hex(std::string_view text) {
    const auto run = run_command("printf '%s' '" + std::string{text} + "' | sha256sum");
    return run.output.substr(0, 64);
}

/// The real emqxd on every listener at port 0 with `--config config_path`. Its log is read
/// from `log_path` when given (log.file in the config), else from its stderr; the
/// constructor returns once both "listener started" lines are in it (text or JSON).
class broker_under_test {
public:
    broker_under_test(const std::string& config_path,
                      std::string log_path = {},
                      std::vector<std::string> extra = {})
        : log_path_(std::move(log_path)), process_(argv(config_path, std::move(extra)),
                                                   "emqxd-e2e",
                                                   {"EMQXD_CONFIG",
                                                    "MQTT_PORT",
                                                    "METRICS_PORT",
                                                    "CLUSTER_PORT",
                                                    "GRPC_PORT",
                                                    "NODE_ID",
                                                    "PEER_NODES",
                                                    "DASHBOARD_PORT"}) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (mqtt_port_ == 0 || http_port_ == 0) {
            const std::string text = log();
            mqtt_port_ = find_port(text, "mqtt");
            http_port_ = find_port(text, "http");
            if (mqtt_port_ != 0 && http_port_ != 0) {
                break;
            }
            if (!process_.running() || std::chrono::steady_clock::now() >= deadline) {
                throw std::runtime_error("emqxd did not start; log:\n" + text + "\nstderr:\n" +
                                         process_.err());
            }
            std::this_thread::sleep_for(5ms);
        }
    }

    [[nodiscard]] std::uint16_t port() const noexcept { return mqtt_port_; }
    [[nodiscard]] std::uint16_t http_port() const noexcept { return http_port_; }
    [[nodiscard]] pid_t pid() const noexcept { return process_.pid(); }
    [[nodiscard]] bool running() { return process_.running(); }
    [[nodiscard]] std::string err() const { return process_.err(); }

    /// The log so far: the log file (at its configured path now) or stderr.
    [[nodiscard]] std::string log() const {
        return log_path_.empty() ? process_.err() : read_text(log_path_);
    }

    /// True once `text` appears at least `times` times in the log, within `timeout`.
    bool wait_for_log(std::string_view text,
                      std::size_t times = 1,
                      std::chrono::milliseconds timeout = 5s) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (count_of(log(), text) < times) {
            if (std::chrono::steady_clock::now() >= deadline) {
                return false;
            }
            std::this_thread::sleep_for(10ms);
        }
        return true;
    }

    /// SIGHUP, then waits for the reload's outcome line (`outcome`, counted) in the log.
    bool reload(std::string_view outcome = "configuration reloaded") {
        const std::size_t before = count_of(log(), outcome);
        ::kill(process_.pid(), SIGHUP);
        return wait_for_log(outcome, before + 1);
    }

    int stop() { return process_.stop(SIGTERM, 8s); }

private:
    static std::vector<std::string> argv(const std::string& config_path,
                                         std::vector<std::string> extra) {
        std::vector<std::string> out{EMQXD_PATH,
                                     "--config",
                                     config_path,
                                     "--mqtt",
                                     "127.0.0.1:0",
                                     "--http",
                                     "127.0.0.1:0",
                                     "--cluster",
                                     "127.0.0.1:0"};
        for (auto& a : extra) {
            out.push_back(std::move(a));
        }
        return out;
    }

    // The port of "listener started" for `name`, text (name=mqtt addr=...) or JSON
    // ("name":"mqtt","addr":"..."); 0 until the whole line is there.
    static std::uint16_t find_port(const std::string& text, std::string_view name) {
        const std::string as_text = "name=" + std::string{name} + " ";
        const std::string as_json = "\"name\":\"" + std::string{name} + "\"";
        for (const auto& line : lines_with(text, "listener started")) {
            if (line.find(as_text) == std::string::npos &&
                line.find(as_json) == std::string::npos) {
                continue;
            }
            constexpr std::string_view host = "127.0.0.1:";
            const auto at = line.find(host);
            if (at == std::string::npos || text.find(line + "\n") == std::string::npos) {
                return 0;
            }
            const long port = std::strtol(line.c_str() + at + host.size(), nullptr, 10);
            return port > 0 && port < 65'536 ? static_cast<std::uint16_t>(port) : 0;
        }
        return 0;
    }

    std::string log_path_;
    child_process process_;
    std::uint16_t mqtt_port_ = 0;
    std::uint16_t http_port_ = 0;
};

/// CONNECT (3.1.1 or 5.0), clean, keep alive 60, with an optional user name and password.
inline std::string connect_login(bool v5,
                                 std::string_view client_id,
                                 std::optional<std::string_view> username,
                                 std::optional<std::string_view> password = std::nullopt) {
    unsigned flags = 0x02U;
    if (username) {
        flags |= 0x80U;
    }
    if (password) {
        flags |= 0x40U;
    }
    std::string body =
        wire::str("MQTT") + (v5 ? '\x05' : '\x04') + static_cast<char>(flags) + wire::u16(60);
    if (v5) {
        body += wire::props({});
    }
    body += wire::str(client_id);
    if (username) {
        body += wire::str(*username);
    }
    if (password) {
        body += wire::str(*password);
    }
    return wire::packet(0x10, body);
}

/// Sends a CONNECT on a new connection; the first packet back (the CONNACK) or nullopt.
inline std::optional<std::string> connack_for(std::uint16_t port, std::string_view connect) {
    raw_client c{port};
    c.send(connect);
    return c.receive_packet();
}

/// The CONNACK's return code (3.1.1) or reason code (5.0), or -1 when it is not a CONNACK.
inline int connack_code(const std::optional<std::string>& ack) {
    if (!ack || ack->size() < 4 || (*ack)[0] != '\x20') {
        return -1;
    }
    return static_cast<unsigned char>((*ack)[3]);
}

/// GET `path` from 127.0.0.1:port over HTTP/1.1 (Connection: close); the body, or the
/// empty string on failure. `status` receives the status code.
inline std::string http_get(std::uint16_t port, std::string_view path, int* status = nullptr) {
    raw_client c{port};
    c.send("GET " + std::string{path} +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    c.wait_closed(5s);
    const std::string& reply = c.pending();
    if (status != nullptr) {
        *status = reply.size() > 12 ? std::atoi(reply.c_str() + 9) : -1;
    }
    const auto body = reply.find("\r\n\r\n");
    return body == std::string::npos ? std::string{} : reply.substr(body + 4);
}

/// One sample line of the Prometheus text format: name, labels, value.
struct sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

/// The sample lines of a scrape (comments skipped). Label values are unescaped.
inline std::vector<sample> parse_samples(const std::string& text) {
    std::vector<sample> out;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        sample s;
        std::size_t at = line.find_first_of("{ ");
        s.name = line.substr(0, at);
        if (at != std::string::npos && line[at] == '{') {
            ++at;
            while (at < line.size() && line[at] != '}') {
                const auto eq = line.find('=', at);
                if (eq == std::string::npos || eq + 1 >= line.size()) {
                    break;
                }
                std::string value;
                std::size_t i = eq + 2; // past ="
                for (; i < line.size() && line[i] != '"'; ++i) {
                    if (line[i] == '\\' && i + 1 < line.size()) {
                        ++i;
                        value += line[i] == 'n' ? '\n' : line[i];
                    } else {
                        value += line[i];
                    }
                }
                s.labels[line.substr(at, eq - at)] = value;
                at = i + 1;
                if (at < line.size() && line[at] == ',') {
                    ++at;
                }
            }
            at = line.find(' ', at);
        }
        if (at == std::string::npos) {
            continue;
        }
        s.value = std::strtod(line.c_str() + at + 1, nullptr);
        out.push_back(std::move(s));
    }
    return out;
}

/// The value of the series `name` whose labels include `labels`, or nullopt.
inline std::optional<double> value_of(const std::vector<sample>& samples,
                                      std::string_view name,
                                      const std::map<std::string, std::string>& labels = {}) {
    for (const auto& s : samples) {
        if (s.name != name) {
            continue;
        }
        bool match = true;
        for (const auto& [k, v] : labels) {
            const auto it = s.labels.find(k);
            match = match && it != s.labels.end() && it->second == v;
        }
        if (match) {
            return s.value;
        }
    }
    return std::nullopt;
}

/// A scrape of /metrics, parsed.
inline std::vector<sample> scrape(std::uint16_t http_port) {
    return parse_samples(http_get(http_port, "/metrics"));
}

} // namespace emqx::test::e2e

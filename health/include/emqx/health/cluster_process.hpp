// Local processes and ports for `cluster start|stop`: is a port free and who holds it, is a
// PID an emqxd, start a node detached, read the end of its log.
#pragma once

#include <emqx/base/expected.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::health {

/// True when a TCP listener could bind 127.0.0.1:`port` now (SO_REUSEADDR, as emqxd binds).
[[nodiscard]] bool port_is_free(std::uint16_t port);

/// The socket inodes listening on `port` in the text of /proc/net/tcp or /proc/net/tcp6.
[[nodiscard]] std::vector<std::uint64_t> listening_inodes(std::string_view proc_net_tcp,
                                                          std::uint16_t port);

/// The state ("TIME_WAIT", "ESTABLISHED", ...) of the first non-listening socket whose local
/// port is `port` in the text of /proc/net/tcp, or "" when there is none.
[[nodiscard]] std::string connection_state(std::string_view proc_net_tcp, std::uint16_t port);

struct port_holder {
    int pid = 0;
    std::string command; ///< its command line, arguments joined by spaces
};

/// The process listening on `port`, from /proc/net/tcp{,6} and /proc/*/fd; nullopt when no
/// process visible to this user holds it.
[[nodiscard]] std::optional<port_holder> find_port_holder(std::uint16_t port);

/// "port 1883 (node1 mqtt) is in use by PID 1234 (mosquitto -p 1883)", "... by a connection in
/// state TIME_WAIT ...", or "... by a process this user cannot see".
[[nodiscard]] std::string describe_taken_port(std::uint16_t port, std::string_view what);

/// True while `pid` exists and is not a zombie.
[[nodiscard]] bool process_alive(int pid);

/// True when `pid` runs an executable named emqxd (from /proc/PID/exe, else its argv[0]).
[[nodiscard]] bool is_emqxd(int pid);

/// The last `lines` lines of a text file (empty when it cannot be read).
[[nodiscard]] std::string log_tail(const std::filesystem::path& file, std::size_t lines);

/// Starts `argv` in a new session (setsid), stdin from /dev/null, stdout and stderr appended
/// to `output`, with this process's environment less the names in `unset` plus `extra`
/// ("NAME=value"). The PID, or why it could not start.
[[nodiscard]] expected<int, std::string> spawn_detached(const std::vector<std::string>& argv,
                                                        const std::vector<std::string>& unset,
                                                        const std::vector<std::string>& extra,
                                                        const std::filesystem::path& output);

/// For a child of this process: its exit status ("exited with status 1", "killed by signal
/// 9") once it has exited, nullopt while it runs or when it is not our child.
[[nodiscard]] std::optional<std::string> child_exit(int pid);

/// Reads a PID file: the PID, or nullopt when it is missing or does not hold a number.
[[nodiscard]] std::optional<int> read_pid_file(const std::filesystem::path& file);

/// Writes `content` to `file` with mode 0600 (replacing it).
[[nodiscard]] expected<bool, std::string> write_private_file(const std::filesystem::path& file,
                                                             std::string_view content);

} // namespace emqx::health

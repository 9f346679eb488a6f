// Checks of the configuration as a whole, after every source is applied: what no single
// value shows (listeners on the same port, a public listener without authentication), the
// users, and the files and directories the broker will write.
#pragma once

#include "config/problem.hpp"
#include "config/settings.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace emqx::broker::config {

/// Every problem of `config`, errors and warnings. A check is skipped for a key that already
/// has an error in `earlier` (so that an unknown algorithm is not also reported as a hash of
/// the wrong shape). Reads the file system (log.file, node.data_dir) but changes nothing.
[[nodiscard]] problems validate(const settings& config, std::span<const problem> earlier = {});

/// The listener checks: two listeners on one port (port 0 never conflicts), an MQTT listener
/// off loopback without authentication, HTTP or cluster listeners off loopback unprotected.
void check_listeners(const settings& config, problems& out);

/// The auth.users checks: a user without username or password, a username given twice, a
/// hash that does not look like its algorithm's, a plain password (a warning).
void check_users(const settings& config, std::span<const problem> earlier, problems& out);

/// log.file must be writable in an existing directory; node.data_dir, if set, a directory.
void check_paths(const settings& config, problems& out);

/// Why `hash` is not of the form `algorithm` writes, or nullopt when it is: bcrypt
/// "$2a$"/"$2b$"/"$2y$", cost 04 to 31, 53 characters of bcrypt base64; argon2id the PHC
/// string "$argon2id$v=19$m=..,t=..,p=..$salt$hash"; sha256 64 hex digits; plain anything.
[[nodiscard]] std::optional<std::string> hash_shape_problem(hash_algorithm algorithm,
                                                            std::string_view hash);

/// Where a check's key got its value, for problem::where: "FILE:LINE", "env NAME", "flag
/// NAME", or empty for a built-in value.
[[nodiscard]] std::string where_from(const settings& config, std::string_view key);

} // namespace emqx::broker::config

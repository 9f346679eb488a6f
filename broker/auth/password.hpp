// Configured users and their stored passwords: checking a password given in CONNECT against
// one, and hashing a new one for `emqxd --hash-password`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace emqx::broker::auth {

/// How a user's `password` is stored in the config.
enum class hash_algorithm {
    /// The password itself. Unsafe: anyone who reads the config has it (warned at start-up).
    plain,
    /// Lowercase hex SHA-256 of the password followed by the user's `salt` (see verify()).
    sha256,
    /// A crypt(3) bcrypt string, "$2a$", "$2b$" or "$2y$", checked with libxcrypt.
    bcrypt,
    /// An encoded "$argon2id$v=19$m=...,t=...,p=...$salt$hash" string, checked with libargon2.
    argon2id,
};

/// The algorithm of a config `algorithm` value ("plain", "sha256", "bcrypt", "argon2id",
/// exactly, lowercase); nullopt for anything else, which the config check reports.
[[nodiscard]] std::optional<hash_algorithm> parse_algorithm(std::string_view name) noexcept;

/// The config spelling of `algorithm`, the inverse of parse_algorithm().
[[nodiscard]] std::string_view algorithm_name(hash_algorithm algorithm) noexcept;

/// One entry of `auth.users`.
struct user_record {
    std::string username;
    std::string password; ///< as stored: plain text, hex digest or encoded hash
    std::string salt;     ///< sha256 only; empty: no salt
    hash_algorithm algorithm = hash_algorithm::bcrypt;
    bool enabled = true;
};

/// True when `password` (the CONNECT Password, any bytes) is the user's password. False for a
/// disabled user, a malformed stored value, an algorithm outside the enum, and a bcrypt
/// password containing a NUL byte (crypt(3) would stop at it, so "pw\0anything" would match
/// "pw"). Comparisons take the same time wherever the first difference is.
///
/// Thread-safe: touches no shared mutable state, so the broker may run it on a worker pool.
/// Slow on purpose for bcrypt and argon2id (tens of milliseconds at the usual costs): never
/// call it on the event-loop thread.
[[nodiscard]] bool verify(const user_record& user, std::string_view password) noexcept;

/// A freshly hashed password, as the config stores it.
struct hashed_password {
    hash_algorithm algorithm = hash_algorithm::bcrypt;
    std::string password; ///< the value for the user's `password` key
    std::string salt;     ///< the value for `salt`: 32 random hex digits for sha256, else empty
};

/// Hashes `password` with a fresh random salt: bcrypt "$2b$" at cost 10; argon2id with
/// t=2, m=19 MiB, p=1 (the OWASP minimum, so that a worker verifies one in tens of
/// milliseconds); sha256 with a 16-byte random salt written as hex; plain returns the
/// password unchanged. verify() accepts every result. Throws std::runtime_error when no
/// random bytes can be had or the hashing library fails (start-up code reports it).
[[nodiscard]] hashed_password hash_password(hash_algorithm algorithm, std::string_view password);

/// The YAML lines to paste into a user entry of `auth.users`, one `key: value` per line
/// (algorithm, password, and salt when there is one), values double-quoted and escaped, each
/// line ending in '\n'. This is what `emqxd --hash-password` prints.
[[nodiscard]] std::string config_lines(const hashed_password& hashed);

} // namespace emqx::broker::auth

// Small cryptographic helpers shared by the auth files: SHA-256, hex, constant-time equality and
// the system's random bytes. Thread-safe: no shared mutable state.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace emqx::broker::auth::detail {

using sha256_digest = std::array<unsigned char, 32>;

/// SHA-256 of `data`; nullopt only when libcrypto cannot allocate (callers deny access then).
[[nodiscard]] std::optional<sha256_digest> sha256(std::string_view data) noexcept;

/// SHA-256 of `first` followed by `second`, without building the concatenation.
[[nodiscard]] std::optional<sha256_digest> sha256(std::string_view first,
                                                  std::string_view second) noexcept;

/// HMAC-SHA-256 of `data` under `key`; nullopt only when libcrypto fails.
[[nodiscard]] std::optional<sha256_digest> hmac_sha256(std::string_view key,
                                                       std::string_view data) noexcept;

/// Lowercase hex of `bytes`.
[[nodiscard]] std::string to_hex(const unsigned char* bytes, std::size_t size);

/// True when `a` and `b` hold the same bytes. The time taken depends on the lengths only,
/// never on where the first difference is; unequal lengths return false at once (every caller
/// compares values whose length is public: a digest, an encoded hash).
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

/// `size` bytes from the kernel's CSPRNG (getrandom(2)). Throws std::runtime_error if the
/// kernel refuses, which happens only on a broken system.
[[nodiscard]] std::string random_bytes(std::size_t size);

/// Overwrites `text`'s bytes before it is freed, so that a password copy does not linger in
/// freed heap memory.
void wipe(std::string& text) noexcept;

/// Overwrites `size` bytes at `bytes` (hashing state derived from a password).
void wipe(void* bytes, std::size_t size) noexcept;

} // namespace emqx::broker::auth::detail

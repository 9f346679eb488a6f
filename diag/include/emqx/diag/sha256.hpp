// SHA-256 (FIPS 180-4) for the bundle's manifest; small and self-contained because diag may
// not link OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace emqx::diag {

/// Incremental SHA-256: update() any number of times, then hex().
class sha256 {
public:
    sha256() noexcept;
    void update(std::string_view data) noexcept;
    /// The digest as 64 lowercase hex digits; the object is spent afterwards.
    [[nodiscard]] std::string hex();

private:
    void block(const unsigned char* data) noexcept;

    std::array<std::uint32_t, 8> state_;
    std::array<unsigned char, 64> buffer_{};
    std::size_t used_ = 0;
    std::uint64_t length_ = 0;
};

/// The SHA-256 of `data` in hex.
[[nodiscard]] std::string sha256_hex(std::string_view data);

} // namespace emqx::diag

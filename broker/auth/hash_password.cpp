// Hashing a new password for the config (`emqxd --hash-password`), with fresh random salts.
#include "auth/digest.hpp"
#include "auth/password.hpp"

#include <argon2.h>
#include <crypt.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace emqx::broker::auth {
namespace {

constexpr unsigned long bcrypt_cost = 10;
// OWASP's minimum argon2id configuration (m=19 MiB, t=2, p=1): strong enough for passwords,
// cheap enough that the broker's verification workers are not starved during a reconnect.
constexpr std::uint32_t argon2_t_cost = 2;
constexpr std::uint32_t argon2_m_cost_kib = 19 * 1024;
constexpr std::uint32_t argon2_parallelism = 1;
constexpr std::uint32_t argon2_salt_size = 16;
constexpr std::uint32_t argon2_hash_size = 32;
constexpr std::size_t sha256_salt_size = 16;

std::string hash_bcrypt(std::string_view password) {
    if (password.find('\0') != std::string_view::npos) {
        throw std::runtime_error("a bcrypt password cannot contain a NUL byte");
    }
    // bcrypt takes 16 bytes of salt; crypt_gensalt_rn encodes them into the "$2b$10$..." setting.
    std::string rbytes = detail::random_bytes(16);
    char setting[CRYPT_GENSALT_OUTPUT_SIZE] = {};
    if (crypt_gensalt_rn("$2b$",
                         bcrypt_cost,
                         rbytes.data(),
                         static_cast<int>(rbytes.size()),
                         setting,
                         static_cast<int>(sizeof setting)) == nullptr) {
        throw std::runtime_error("crypt_gensalt_rn failed to make a bcrypt salt");
    }
    auto data = std::make_unique<crypt_data>();
    std::string phrase(password);
    const char* result = crypt_r(phrase.c_str(), setting, data.get());
    std::string out = (result != nullptr && result[0] != '*') ? std::string(result) : std::string();
    detail::wipe(phrase);
    detail::wipe(data.get(), sizeof(crypt_data));
    if (out.empty()) {
        throw std::runtime_error("crypt_r failed to hash with bcrypt");
    }
    return out;
}

std::string hash_argon2id(std::string_view password) {
    const std::string salt = detail::random_bytes(argon2_salt_size);
    std::string encoded(argon2_encodedlen(argon2_t_cost,
                                          argon2_m_cost_kib,
                                          argon2_parallelism,
                                          argon2_salt_size,
                                          argon2_hash_size,
                                          Argon2_id),
                        '\0');
    const int rc = argon2id_hash_encoded(argon2_t_cost,
                                         argon2_m_cost_kib,
                                         argon2_parallelism,
                                         password.data(),
                                         password.size(),
                                         salt.data(),
                                         salt.size(),
                                         argon2_hash_size,
                                         encoded.data(),
                                         encoded.size());
    if (rc != ARGON2_OK) {
        throw std::runtime_error(std::string("argon2id hashing failed: ") +
                                 argon2_error_message(rc));
    }
    encoded.resize(encoded.find('\0')); // argon2_encodedlen counts the terminating NUL
    return encoded;
}

/// A YAML double-quoted scalar: '\' and '"' escaped, control bytes as \xNN, so that any
/// plain password survives the round trip through the config file.
std::string yaml_quoted(std::string_view value) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out = "\"";
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (byte < 0x20 || byte == 0x7F) {
            out += "\\x";
            out.push_back(digits[byte >> 4U]);
            out.push_back(digits[byte & 0x0FU]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
    return out;
}

} // namespace

hashed_password hash_password(hash_algorithm algorithm, std::string_view password) {
    hashed_password out;
    out.algorithm = algorithm;
    switch (algorithm) {
    case hash_algorithm::plain: out.password = std::string(password); return out;
    case hash_algorithm::sha256: {
        const std::string salt = detail::random_bytes(sha256_salt_size);
        out.salt = detail::to_hex(reinterpret_cast<const unsigned char*>(salt.data()), salt.size());
        const auto digest = detail::sha256(password, out.salt);
        if (!digest) {
            throw std::runtime_error("SHA-256 failed");
        }
        out.password = detail::to_hex(digest->data(), digest->size());
        return out;
    }
    case hash_algorithm::bcrypt: out.password = hash_bcrypt(password); return out;
    case hash_algorithm::argon2id: out.password = hash_argon2id(password); return out;
    }
    throw std::runtime_error("unknown hash algorithm");
}

std::string config_lines(const hashed_password& hashed) {
    std::string out = "algorithm: " + std::string(algorithm_name(hashed.algorithm)) + "\n";
    out += "password: " + yaml_quoted(hashed.password) + "\n";
    if (!hashed.salt.empty()) {
        out += "salt: " + yaml_quoted(hashed.salt) + "\n";
    }
    return out;
}

} // namespace emqx::broker::auth

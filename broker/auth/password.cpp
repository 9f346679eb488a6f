// Checking a CONNECT password against a configured user, one function per algorithm.
#include "auth/password.hpp"

#include "auth/digest.hpp"

#include <argon2.h>
#include <crypt.h>

#include <algorithm>
#include <memory>
#include <string>

namespace emqx::broker::auth {
namespace {

/// plain: the digests of both sides are compared, so that the time taken does not depend on
/// the stored password's length either (an early length mismatch would reveal it).
bool verify_plain(std::string_view stored, std::string_view password) noexcept {
    const auto want = detail::sha256(stored);
    const auto got = detail::sha256(password);
    if (!want || !got) {
        return false;
    }
    return detail::constant_time_equal({reinterpret_cast<const char*>(want->data()), want->size()},
                                       {reinterpret_cast<const char*>(got->data()), got->size()});
}

/// sha256: stored = lowercase hex of SHA-256(password + salt), the salt appended as text after
/// the password ("salt suffix"), or SHA-256(password) when the salt is empty. This is what
/// `printf %s "$password$salt" | sha256sum` gives, the form operators' scripts produce, and
/// EMQX's `salt_position = suffix`. Stored hex in upper case is accepted too.
bool verify_sha256(std::string_view stored, std::string_view salt, std::string_view password) {
    const auto digest = detail::sha256(password, salt);
    if (!digest || stored.size() != digest->size() * 2) {
        return false;
    }
    std::string want(stored);
    std::transform(want.begin(), want.end(), want.begin(), [](char c) {
        return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return detail::constant_time_equal(want, detail::to_hex(digest->data(), digest->size()));
}

bool is_bcrypt(std::string_view stored) noexcept {
    // "$2x$" (the old sign-extension bug's compatibility mode) is refused on purpose.
    constexpr std::size_t bcrypt_length = 60; // "$2b$" + "10$" + 22 salt + 31 hash
    return stored.size() == bcrypt_length &&
           (stored.starts_with("$2a$") || stored.starts_with("$2b$") || stored.starts_with("$2y$"));
}

bool verify_bcrypt(const std::string& stored, std::string_view password) {
    if (!is_bcrypt(stored) || password.find('\0') != std::string_view::npos) {
        return false;
    }
    // A crypt_data per call (about 32 KiB, so on the heap): crypt_r keeps its state there,
    // which is what makes concurrent calls on the worker pool safe.
    auto data = std::make_unique<crypt_data>();
    std::string phrase(password);
    const char* result = crypt_r(phrase.c_str(), stored.c_str(), data.get());
    // libxcrypt returns NULL or a "*0"/"*1" failure token for a setting it cannot use.
    const bool ok =
        result != nullptr && result[0] != '*' && detail::constant_time_equal(stored, result);
    detail::wipe(phrase);
    detail::wipe(data.get(), sizeof(crypt_data));
    return ok;
}

bool verify_argon2id(const std::string& stored, std::string_view password) noexcept {
    if (!stored.starts_with("$argon2id$")) {
        return false;
    }
    // argon2id_verify recomputes with the parameters and salt encoded in `stored` and compares
    // the tags in constant time itself; the password may hold any bytes (length given).
    return argon2id_verify(stored.c_str(), password.data(), password.size()) == ARGON2_OK;
}

} // namespace

std::optional<hash_algorithm> parse_algorithm(std::string_view name) noexcept {
    for (const auto a : {hash_algorithm::plain,
                         hash_algorithm::sha256,
                         hash_algorithm::bcrypt,
                         hash_algorithm::argon2id}) {
        if (name == algorithm_name(a)) {
            return a;
        }
    }
    return std::nullopt;
}

std::string_view algorithm_name(hash_algorithm algorithm) noexcept {
    switch (algorithm) {
    case hash_algorithm::plain: return "plain";
    case hash_algorithm::sha256: return "sha256";
    case hash_algorithm::bcrypt: return "bcrypt";
    case hash_algorithm::argon2id: return "argon2id";
    }
    return "unknown";
}

bool verify(const user_record& user, std::string_view password) noexcept {
    if (!user.enabled) {
        return false;
    }
    try {
        switch (user.algorithm) {
        case hash_algorithm::plain: return verify_plain(user.password, password);
        case hash_algorithm::sha256: return verify_sha256(user.password, user.salt, password);
        case hash_algorithm::bcrypt: return verify_bcrypt(user.password, password);
        case hash_algorithm::argon2id: return verify_argon2id(user.password, password);
        }
    } catch (...) {
        // Only an allocation can throw here; a check that cannot run denies access.
        return false;
    }
    return false; // a value outside the enum
}

} // namespace emqx::broker::auth

// SHA-256 and constant-time comparison through OpenSSL's libcrypto; randomness from getrandom(2).
#include "auth/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>

#include <cerrno>
#include <memory>
#include <stdexcept>
#include <string>

namespace emqx::broker::auth::detail {
namespace {

struct md_ctx_deleter {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

} // namespace

std::optional<sha256_digest> sha256(std::string_view data) noexcept {
    return sha256(data, {});
}

std::optional<sha256_digest> sha256(std::string_view first, std::string_view second) noexcept {
    const std::unique_ptr<EVP_MD_CTX, md_ctx_deleter> ctx{EVP_MD_CTX_new()};
    sha256_digest out{};
    unsigned int size = 0;
    if (ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1 &&
        EVP_DigestUpdate(ctx.get(), first.data(), first.size()) == 1 &&
        EVP_DigestUpdate(ctx.get(), second.data(), second.size()) == 1 &&
        EVP_DigestFinal_ex(ctx.get(), out.data(), &size) == 1 && size == out.size()) {
        return out;
    }
    return std::nullopt;
}

std::optional<sha256_digest> hmac_sha256(std::string_view key, std::string_view data) noexcept {
    sha256_digest out{};
    unsigned int size = 0;
    if (HMAC(EVP_sha256(),
             key.data(),
             static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()),
             data.size(),
             out.data(),
             &size) == nullptr ||
        size != out.size()) {
        return std::nullopt;
    }
    return out;
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(digits[bytes[i] >> 4U]);
        out.push_back(digits[bytes[i] & 0x0FU]);
    }
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(std::size_t size) {
    std::string out(size, '\0');
    std::size_t filled = 0;
    while (filled < size) {
        const ssize_t got = getrandom(out.data() + filled, size - filled, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::runtime_error("getrandom failed: no random bytes for a salt");
        }
        filled += static_cast<std::size_t>(got);
    }
    return out;
}

void wipe(std::string& text) noexcept {
    OPENSSL_cleanse(text.data(), text.size());
}

void wipe(void* bytes, std::size_t size) noexcept {
    OPENSSL_cleanse(bytes, size);
}

} // namespace emqx::broker::auth::detail

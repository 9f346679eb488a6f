// Hashing new passwords for the config: each algorithm's output form, fresh salts, round trips
// through verify(), and the YAML lines `emqxd --hash-password` prints.
#include "auth/password.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using namespace emqx::broker::auth;
using namespace std::string_literals;

namespace {

user_record as_user(const hashed_password& hashed) {
    user_record u;
    u.username = "bob";
    u.algorithm = hashed.algorithm;
    u.password = hashed.password;
    u.salt = hashed.salt;
    return u;
}

bool is_lower_hex(const std::string& s) {
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

TEST_SUITE("broker::auth::hash_password") {
    TEST_CASE("bcrypt hashes are $2b$ at cost 10 with a fresh salt, and verify") {
        const auto a = hash_password(hash_algorithm::bcrypt, "correct horse");
        const auto b = hash_password(hash_algorithm::bcrypt, "correct horse");
        CHECK(a.algorithm == hash_algorithm::bcrypt);
        CHECK(a.password.size() == 60);
        CHECK(a.password.starts_with("$2b$10$"));
        CHECK(a.salt.empty());
        CHECK(a.password != b.password);
        CHECK(verify(as_user(a), "correct horse"));
        CHECK(verify(as_user(b), "correct horse"));
        CHECK_FALSE(verify(as_user(a), "correct horsE"));
    }

    TEST_CASE("a bcrypt password with a NUL byte is refused rather than cut short") {
        CHECK_THROWS_AS((void)hash_password(hash_algorithm::bcrypt, "a\0b"s), std::runtime_error);
    }

    TEST_CASE("argon2id hashes encode their parameters and a fresh salt, and verify") {
        const auto a = hash_password(hash_algorithm::argon2id, "correct horse");
        const auto b = hash_password(hash_algorithm::argon2id, "correct horse");
        CHECK(a.algorithm == hash_algorithm::argon2id);
        CHECK(a.password.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        CHECK(a.password.find('\0') == std::string::npos);
        CHECK(a.salt.empty());
        CHECK(a.password != b.password);
        CHECK(verify(as_user(a), "correct horse"));
        CHECK_FALSE(verify(as_user(a), "correct horsE"));
        const auto binary = hash_password(hash_algorithm::argon2id, "a\0b"s);
        CHECK(verify(as_user(binary), "a\0b"s));
        CHECK_FALSE(verify(as_user(binary), "a"));
    }

    TEST_CASE("sha256 hashes come with a random hex salt and verify") {
        const auto a = hash_password(hash_algorithm::sha256, "correct horse");
        const auto b = hash_password(hash_algorithm::sha256, "correct horse");
        CHECK(a.algorithm == hash_algorithm::sha256);
        CHECK(a.password.size() == 64);
        CHECK(is_lower_hex(a.password));
        CHECK(a.salt.size() == 32);
        CHECK(is_lower_hex(a.salt));
        CHECK(a.salt != b.salt);
        CHECK(a.password != b.password);
        CHECK(verify(as_user(a), "correct horse"));
        CHECK_FALSE(verify(as_user(a), "correct horsE"));
        auto unsalted = as_user(a);
        unsalted.salt.clear();
        CHECK_FALSE(verify(unsalted, "correct horse"));
    }

    TEST_CASE("plain stores the password itself") {
        const auto p = hash_password(hash_algorithm::plain, "s3cret");
        CHECK(p.algorithm == hash_algorithm::plain);
        CHECK(p.password == "s3cret");
        CHECK(p.salt.empty());
        CHECK(verify(as_user(p), "s3cret"));
    }

    TEST_CASE("config lines name the algorithm, the password and the salt when there is one") {
        hashed_password bcrypt;
        bcrypt.algorithm = hash_algorithm::bcrypt;
        bcrypt.password = "$2b$10$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui";
        CHECK(config_lines(bcrypt) ==
              "algorithm: bcrypt\n"
              "password: \"$2b$10$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui\"\n");

        hashed_password sha;
        sha.algorithm = hash_algorithm::sha256;
        sha.password = "ce23fd8cfb5038b30319ff09e437b9ff2ab877cb2407678c6d2ad86b9ab6b02b";
        sha.salt = "a1b2c3d4";
        CHECK(config_lines(sha) ==
              "algorithm: sha256\n"
              "password: \"ce23fd8cfb5038b30319ff09e437b9ff2ab877cb2407678c6d2ad86b9ab6b02b\"\n"
              "salt: \"a1b2c3d4\"\n");
    }

    TEST_CASE("config lines escape what a YAML double-quoted scalar cannot hold as is") {
        hashed_password plain;
        plain.algorithm = hash_algorithm::plain;
        plain.password = "a\"b\\c\nd\x01"s;
        CHECK(config_lines(plain) == "algorithm: plain\npassword: \"a\\\"b\\\\c\\x0Ad\\x01\"\n");
    }
}

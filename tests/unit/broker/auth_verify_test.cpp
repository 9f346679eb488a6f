// Password verification against known answers for each algorithm, wrong passwords, and the
// stored values or inputs that must never authenticate.
#include "auth/password.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace emqx::broker::auth;
using namespace std::string_literals;

namespace {

user_record user(hash_algorithm algorithm, std::string password, std::string salt = {}) {
    user_record u;
    u.username = "alice";
    u.algorithm = algorithm;
    u.password = std::move(password);
    u.salt = std::move(salt);
    return u;
}

struct known_answer {
    std::string stored;
    std::string password;
};

// Openwall's crypt_blowfish test vectors (wrapper.c, also in PHP's and Nettle's suites),
// re-checked here with libxcrypt's crypt(3); "$2b$"/"$2y$" agree with "$2a$" on ASCII.
const known_answer bcrypt_vectors[] = {
    {"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"},
    {"$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK", "U*U*"},
    {"$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a", "U*U*U"},
    {"$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy", ""},
    {"$2a$05$bvIG6Nmid91Mu9RcmmWZfO5HJIMCT8riNW0hEp8f6/FuA2/mHZFpe", "password"},
    {"$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"},
    {"$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"},
    {"$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", "\xa3"},
};

// The reference implementation's test vectors (phc-winner-argon2 README and test.c, also in
// libar2's suite); the small-memory ones keep the test fast.
const known_answer argon2id_vectors[] = {
    {"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
     "password"},
    {"$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
     "password"},
    {"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
     "password"},
};

} // namespace

TEST_SUITE("broker::auth::verify") {
    TEST_CASE("bcrypt accepts the password of each known vector and rejects a wrong one") {
        for (const auto& v : bcrypt_vectors) {
            CAPTURE(v.stored);
            CHECK(verify(user(hash_algorithm::bcrypt, v.stored), v.password));
            CHECK_FALSE(verify(user(hash_algorithm::bcrypt, v.stored), v.password + "x"));
        }
        const auto u = user(hash_algorithm::bcrypt, bcrypt_vectors[0].stored);
        CHECK_FALSE(verify(u, "U*u"));
        CHECK_FALSE(verify(u, ""));
    }

    TEST_CASE("bcrypt reads only the first 72 bytes of a password, as crypt_blowfish does") {
        const auto u = user(hash_algorithm::bcrypt,
                            "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui");
        const std::string first72 =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        REQUIRE(first72.size() == 72);
        CHECK(verify(u, first72 + "chars after 72 are ignored"));
        CHECK(verify(u, first72));
        CHECK_FALSE(verify(u, first72.substr(0, 71)));
    }

    TEST_CASE("bcrypt refuses a password with a NUL byte, which crypt(3) would cut short") {
        const auto u = user(hash_algorithm::bcrypt, bcrypt_vectors[0].stored);
        CHECK(verify(u, "U*U"));
        CHECK_FALSE(verify(u, "U*U\0trailing"s));
    }

    TEST_CASE("bcrypt refuses stored values that are not a $2a$/$2b$/$2y$ hash") {
        const std::string good = bcrypt_vectors[0].stored;
        const std::string bad[] = {
            "",
            "*0",
            "U*U",
            "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            "$2a$05$CCCCCCCCCCCCCCCCCCCCC.",
            good.substr(0, 59),
            good + "x",
            "$1$deadbeef$0Huu6KHrKLVWfqa4WljDE0",
        };
        for (const auto& stored : bad) {
            CAPTURE(stored);
            CHECK_FALSE(verify(user(hash_algorithm::bcrypt, stored), "U*U"));
        }
    }

    TEST_CASE("sha256 without salt is the hex digest of the password") {
        // printf %s hunter2 | sha256sum
        const auto u = user(hash_algorithm::sha256,
                            "f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7");
        CHECK(verify(u, "hunter2"));
        CHECK_FALSE(verify(u, "hunter3"));
        CHECK_FALSE(verify(u, "hunter2 "));
        // printf %s '' | sha256sum
        const auto empty = user(hash_algorithm::sha256,
                                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        CHECK(verify(empty, ""));
        CHECK_FALSE(verify(empty, "x"));
    }

    TEST_CASE("sha256 with a salt is the hex digest of the password followed by the salt") {
        // printf %s hunter2a1b2c3d4 | sha256sum
        const auto u = user(hash_algorithm::sha256,
                            "ce23fd8cfb5038b30319ff09e437b9ff2ab877cb2407678c6d2ad86b9ab6b02b",
                            "a1b2c3d4");
        CHECK(verify(u, "hunter2"));
        CHECK_FALSE(verify(u, "hunter2a1b2c3d4")); // the salt is not part of what is typed
        CHECK_FALSE(verify(u, "a1b2c3d4hunter2"));
        CHECK_FALSE(verify(u, "hunter"));
        // EMQX's documented example for salt_position = suffix (password "public").
        const auto emqx = user(hash_algorithm::sha256,
                               "44edc2d57cde8d79c98145003e105b90a14f1460b79186ea9cfe83942fc5abb5",
                               "slat_foo123");
        CHECK(verify(emqx, "public"));
        CHECK_FALSE(verify(emqx, "Public"));
    }

    TEST_CASE("sha256 accepts an upper-case stored digest and refuses a malformed one") {
        const std::string lower =
            "f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7";
        CHECK(verify(user(hash_algorithm::sha256,
                          "F52FBD32B2B3B86FF88EF6C490628285F482AF15DDCB29541F94BCF526A3F6C7"),
                     "hunter2"));
        CHECK_FALSE(verify(user(hash_algorithm::sha256, lower.substr(0, 63)), "hunter2"));
        CHECK_FALSE(verify(user(hash_algorithm::sha256, lower + "0"), "hunter2"));
        CHECK_FALSE(verify(user(hash_algorithm::sha256, ""), ""));
        CHECK_FALSE(verify(user(hash_algorithm::sha256, "hunter2"), "hunter2"));
    }

    TEST_CASE("plain compares the whole password, byte for byte") {
        const auto u = user(hash_algorithm::plain, "s3cret");
        CHECK(verify(u, "s3cret"));
        CHECK_FALSE(verify(u, "s3cre"));
        CHECK_FALSE(verify(u, "s3cret!"));
        CHECK_FALSE(verify(u, "S3cret"));
        CHECK_FALSE(verify(u, "s3cret\0"s));
        CHECK(verify(user(hash_algorithm::plain, "a\0b"s), "a\0b"s));
        CHECK_FALSE(verify(user(hash_algorithm::plain, "a\0b"s), "a"));
        CHECK(verify(user(hash_algorithm::plain, ""), ""));
        CHECK_FALSE(verify(user(hash_algorithm::plain, ""), "x"));
    }

    TEST_CASE("argon2id accepts the reference vectors and rejects a wrong password") {
        for (const auto& v : argon2id_vectors) {
            CAPTURE(v.stored);
            CHECK(verify(user(hash_algorithm::argon2id, v.stored), v.password));
            CHECK_FALSE(verify(user(hash_algorithm::argon2id, v.stored), "differentpassword"));
        }
        const auto u = user(hash_algorithm::argon2id, argon2id_vectors[0].stored);
        CHECK_FALSE(verify(u, "passwore"));
        CHECK_FALSE(verify(u, "password\0"s));
        CHECK_FALSE(verify(u, ""));
    }

    TEST_CASE("argon2id refuses argon2i/argon2d strings and malformed ones") {
        // The first two are genuine argon2i/argon2d hashes of "password" (libar2's test vector;
        // argon2d_hash_encoded): right password, wrong variant.
        const std::string bad[] = {
            "$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E",
            "$argon2d$v=19$m=256,t=2,p=1$c29tZXNhbHQ$JcTui6RIBUtJ78gE5Hi52CO+H5vS6Z9R1uxAB6OhUB8",
            "",
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$",
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/",
            "password",
        };
        for (const auto& stored : bad) {
            CAPTURE(stored);
            CHECK_FALSE(verify(user(hash_algorithm::argon2id, stored), "password"));
        }
    }

    TEST_CASE("a user stored under one algorithm is not checked with another") {
        CHECK_FALSE(verify(user(hash_algorithm::plain, bcrypt_vectors[0].stored), "U*U"));
        CHECK_FALSE(verify(user(hash_algorithm::sha256, bcrypt_vectors[0].stored), "U*U"));
        CHECK_FALSE(verify(user(hash_algorithm::bcrypt, argon2id_vectors[0].stored), "password"));
        CHECK_FALSE(verify(user(hash_algorithm::argon2id, bcrypt_vectors[0].stored), "U*U"));
    }

    TEST_CASE("a disabled user never authenticates, whatever the algorithm") {
        auto u = user(hash_algorithm::plain, "s3cret");
        u.enabled = false;
        CHECK_FALSE(verify(u, "s3cret"));
        auto b = user(hash_algorithm::bcrypt, bcrypt_vectors[0].stored);
        b.enabled = false;
        CHECK_FALSE(verify(b, "U*U"));
    }

    TEST_CASE("an algorithm outside the enum never authenticates") {
        auto u = user(hash_algorithm::plain, "s3cret");
        u.algorithm = static_cast<hash_algorithm>(99);
        CHECK_FALSE(verify(u, "s3cret"));
    }

    TEST_CASE("algorithm names parse exactly and round trip") {
        CHECK(parse_algorithm("plain") == hash_algorithm::plain);
        CHECK(parse_algorithm("sha256") == hash_algorithm::sha256);
        CHECK(parse_algorithm("bcrypt") == hash_algorithm::bcrypt);
        CHECK(parse_algorithm("argon2id") == hash_algorithm::argon2id);
        CHECK_FALSE(parse_algorithm("BCRYPT").has_value());
        CHECK_FALSE(parse_algorithm("md5").has_value());
        CHECK_FALSE(parse_algorithm("argon2").has_value());
        CHECK_FALSE(parse_algorithm("").has_value());
        for (const auto a : {hash_algorithm::plain,
                             hash_algorithm::sha256,
                             hash_algorithm::bcrypt,
                             hash_algorithm::argon2id}) {
            CHECK(parse_algorithm(algorithm_name(a)) == a);
        }
    }

    TEST_CASE("verify gives the same answers when called from several threads at once") {
        // Run under the tsan preset this also shows that crypt_r and libargon2 share nothing.
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&wrong] {
                for (int i = 0; i < 3; ++i) {
                    for (const auto& v : bcrypt_vectors) {
                        const auto u = user(hash_algorithm::bcrypt, v.stored);
                        wrong += verify(u, v.password) ? 0 : 1;
                        wrong += verify(u, v.password + "x") ? 1 : 0;
                    }
                    const auto a = user(hash_algorithm::argon2id, argon2id_vectors[0].stored);
                    wrong += verify(a, "password") ? 0 : 1;
                    wrong += verify(a, "passwore") ? 1 : 0;
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        CHECK(wrong.load() == 0);
    }
}

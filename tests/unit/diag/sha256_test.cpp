// SHA-256 against the FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf", "SHA2_Additional").
#include <emqx/diag/sha256.hpp>

#include <doctest/doctest.h>

#include <string>

using emqx::diag::sha256_hex;

TEST_SUITE("diag::sha256") {
    TEST_CASE("the FIPS 180-4 one-block, two-block and empty messages hash to their digests") {
        CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    TEST_CASE("a million 'a' fed in uneven pieces hashes like the one-shot vector") {
        emqx::diag::sha256 hash;
        const std::string piece(997, 'a');
        std::size_t fed = 0;
        while (fed + piece.size() <= 1'000'000) {
            hash.update(piece);
            fed += piece.size();
        }
        hash.update(std::string(1'000'000 - fed, 'a'));
        CHECK(hash.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
}

// Tests of emqx::expected, the result type of every layer above the codec.
#include <emqx/base/expected.hpp>
#include <emqx/base/version.hpp>

#include <doctest/doctest.h>

#include <string>

TEST_SUITE("base::expected") {
    TEST_CASE("an expected built from a value holds that value") {
        emqx::expected<std::string, int> e{std::string{"abc"}};
        REQUIRE(e.has_value());
        CHECK(*e == "abc");
        CHECK(e->size() == 3);
    }

    TEST_CASE("an expected built from unexpected holds the error and no value") {
        emqx::expected<std::string, int> e = emqx::unexpected{42};
        CHECK_FALSE(e);
        CHECK(e.error() == 42);
    }

    TEST_CASE("moving the value out leaves a usable value in the result") {
        emqx::expected<std::string, int> e{std::string(100, 'x')};
        std::string s = std::move(e).value();
        CHECK(s.size() == 100);
    }
}

TEST_SUITE("base::version") {
    TEST_CASE("the version line names the program and the project version") {
        const std::string line = emqx::version_line("emqxd");
        CHECK(line.rfind("emqxd ", 0) == 0);
        CHECK(line.find(emqx::version_string) != std::string::npos);
    }
}

// Both programs print the same version, taken from one place (CMake's project version).
#include "run_command.hpp"

#include <emqx/base/version.hpp>

#include <doctest/doctest.h>

#include <string>

TEST_SUITE("cli::version") {
    TEST_CASE("emqxd --version prints the project version and exits 0") {
        const auto r = emqx::test::run_command(std::string{EMQXD_PATH} + " --version");
        CHECK(r.status == 0);
        CHECK(r.output.rfind("emqxd " + std::string{emqx::version_string}, 0) == 0);
    }

    TEST_CASE("emqxctl --version prints the same version as emqxd") {
        const auto d = emqx::test::run_command(std::string{EMQXD_PATH} + " --version");
        const auto c = emqx::test::run_command(std::string{EMQXCTL_PATH} + " --version");
        CHECK(c.status == 0);
        REQUIRE(d.output.size() > 6);
        REQUIRE(c.output.size() > 8);
        // "emqxd X" and "emqxctl X": the same text after the program name.
        CHECK(d.output.substr(6) == c.output.substr(8));
    }

    TEST_CASE("an unknown option is a usage error (64) for both programs") {
        CHECK(emqx::test::run_command(std::string{EMQXD_PATH} + " --bogus 2>/dev/null").status == 64);
        CHECK(emqx::test::run_command(std::string{EMQXCTL_PATH} + " --bogus 2>/dev/null").status ==
              64);
    }
}

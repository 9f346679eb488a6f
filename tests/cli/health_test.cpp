// `emqxctl health`: every option of its --help is in its man page, with the exit statuses and
// the JSON schema documented; usage errors give 64.
#include "man_check.hpp"
#include "run_command.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

std::string emqxctl(const std::string& arguments) {
    return std::string{EMQXCTL_PATH} + " " + arguments + " 2>&1";
}

} // namespace

TEST_SUITE("cli::health") {

    TEST_CASE("every option of emqxctl health --help, globals included, is in emqxctl-health.1") {
        const auto help = emqx::test::run_command(emqxctl("health --help"));
        REQUIRE(help.status == 0);
        const auto page = emqx::test::man_page_text(EMQX_SOURCE_DIR, "man/emqxctl-health.1");
        REQUIRE_FALSE(page.empty());
        const auto options = emqx::test::options_in_help(help.output);
        CHECK(options.size() >= 12);
        for (const auto& option : options) {
            INFO("option " << option);
            CHECK(page.find(option) != std::string::npos);
        }
        for (const auto& global : {"--node",
                                   "--mqtt",
                                   "--output",
                                   "--timeout",
                                   "--no-color",
                                   "--username",
                                   "--password",
                                   "EMQXCTL_PASSWORD",
                                   "NO_COLOR"}) {
            INFO("global " << global);
            CHECK(page.find(global) != std::string::npos);
        }
    }

    TEST_CASE("the man page documents the exit statuses, the JSON schema and the Nagios format") {
        const auto page = emqx::test::man_page_text(EMQX_SOURCE_DIR, "man/emqxctl-health.1");
        for (const auto& text : {".SH EXIT STATUS",
                                 ".B 0\n",
                                 ".B 1\n",
                                 ".B 2\n",
                                 ".B 3\n",
                                 ".B 64\n",
                                 "emqxctl.health/1",
                                 "\"exit_status\"",
                                 "\"figures\"",
                                 "EMQXCTL HEALTH OK",
                                 "split brain"}) {
            INFO(text);
            CHECK(page.find(text) != std::string::npos);
        }
    }

    TEST_CASE("bad option values are usage errors (64) and say what is wrong") {
        const auto bad_node = emqx::test::run_command(emqxctl("--node 'a b:1' health"));
        CHECK(bad_node.status == 64);
        CHECK(bad_node.output.find("bad address 'a b:1'") != std::string::npos);
        CHECK(emqx::test::run_command(emqxctl("health --warn-fds 120")).status == 64);
        CHECK(emqx::test::run_command(emqxctl("health --mqtt-version 3")).status == 64);
        CHECK(emqx::test::run_command(emqxctl("-o yaml health")).status == 64);
    }

} // TEST_SUITE

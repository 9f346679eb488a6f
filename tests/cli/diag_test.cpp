// `emqxctl diag collect`: help against the man page, and usage errors.
#include "man_check.hpp"
#include "run_command.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

const std::string emqxctl = std::string{EMQXCTL_PATH} + " --no-color";

} // namespace

TEST_SUITE("cli::diag") {
    TEST_CASE("every option of diag collect --help is in emqxctl-diag.1") {
        const auto help = emqx::test::run_command(emqxctl + " diag collect --help");
        REQUIRE(help.status == 0);
        const std::string page = emqx::test::man_page_text(EMQX_SOURCE_DIR, "man/emqxctl-diag.1");
        REQUIRE_FALSE(page.empty());
        std::size_t checked = 0;
        for (const std::string& name : emqx::test::options_in_help(help.output)) {
            CAPTURE(name);
            CHECK(page.find(name) != std::string::npos);
            ++checked;
        }
        CHECK(checked >= 8);
    }

    TEST_CASE("a malformed --since, --max-log-size or --node is a usage error (64)") {
        CHECK(emqx::test::run_command(emqxctl + " diag collect --since soon 2>/dev/null").status == 64);
        CHECK(emqx::test::run_command(emqxctl + " diag collect --max-log-size lots 2>/dev/null").status == 64);
        CHECK(emqx::test::run_command(emqxctl + " --node 127.0.0.1:99999 diag collect 2>/dev/null").status == 64);
        CHECK(emqx::test::run_command(emqxctl + " diag 2>/dev/null").status == 64);
    }
}

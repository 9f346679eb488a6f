// emqxctl's frame: every global option documented, and the exit statuses of DESIGN.md
// section 8 for usage errors.
#include "man_check.hpp"
#include "run_command.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

const std::string emqxctl = EMQXCTL_PATH;

} // namespace

TEST_SUITE("cli::emqxctl") {
    TEST_CASE("every option of emqxctl --help appears in man/emqxctl.1") {
        const auto help = emqx::test::run_command(emqxctl + " --help");
        REQUIRE(help.status == 0);
        const std::string page = emqx::test::man_page_text(EMQX_SOURCE_DIR, "man/emqxctl.1");
        std::size_t checked = 0;
        for (const std::string& name : emqx::test::options_in_help(help.output)) {
            CAPTURE(name);
            CHECK(page.find(name) != std::string::npos);
            ++checked;
        }
        CHECK(checked >= 9);
    }

    TEST_CASE("a bad --output value and an unknown command are usage errors (64)") {
        CHECK(emqx::test::run_command(emqxctl + " -o xml perf latency 2>/dev/null").status == 64);
        CHECK(emqx::test::run_command(emqxctl + " frobnicate 2>/dev/null").status == 64);
    }

    TEST_CASE("without a command emqxctl prints its help and exits 0") {
        const auto r = emqx::test::run_command(emqxctl);
        CHECK(r.status == 0);
        CHECK(r.output.find("Usage: emqxctl") != std::string::npos);
    }
}

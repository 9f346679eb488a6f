// emqxd's command line: every option documented, and the configuration commands' statuses.
#include "man_check.hpp"
#include "run_command.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

const std::string emqxd = EMQXD_PATH;

} // namespace

TEST_SUITE("cli::emqxd") {
    TEST_CASE("every option of emqxd --help appears in man/emqxd.8") {
        const auto help = emqx::test::run_command(emqxd + " --help");
        REQUIRE(help.status == 0);
        const std::string page = emqx::test::man_page_text(EMQX_SOURCE_DIR, "man/emqxd.8");
        std::size_t checked = 0;
        for (const std::string& name : emqx::test::options_in_help(help.output)) {
            CAPTURE(name);
            CHECK(page.find(name) != std::string::npos);
            ++checked;
        }
        CHECK(checked >= 15);
    }

    TEST_CASE("--check-config exits 0 on the built-in defaults and 78 on an unknown key") {
        CHECK(emqx::test::run_command(emqxd + " --check-config 2>&1").status == 0);
        const auto bad = emqx::test::run_command(emqxd + " --set mqtt.max_infligt=5 --check-config 2>&1");
        CHECK(bad.status == 78);
        CHECK(bad.output.find("did you mean mqtt.max_inflight") != std::string::npos);
    }

    TEST_CASE("the example configuration in share/etc passes --check-config") {
        const auto r = emqx::test::run_command(emqxd + " --config " + EMQX_SOURCE_DIR +
                                               "/share/etc/emqxd.yaml --check-config 2>&1");
        CAPTURE(r.output);
        CHECK(r.status == 0);
    }

    TEST_CASE("--print-config redacts secrets and names each value's source") {
        const auto r = emqx::test::run_command(
            "NODE_ID=n7 " + emqxd + " --set cluster.cookie=s3cr3t-cookie-value-0123 --print-config 2>&1");
        CHECK(r.status == 0);
        CHECK(r.output.find("s3cr3t") == std::string::npos);
        CHECK(r.output.find("n7") != std::string::npos);
        CHECK(r.output.find("NODE_ID") != std::string::npos);
    }

    TEST_CASE("--hash-password prints a bcrypt hash for the configuration") {
        const auto r = emqx::test::run_command("echo 'pa55 word' | " + emqxd + " --hash-password");
        CHECK(r.status == 0);
        CHECK(r.output.find("$2b$10$") != std::string::npos);
        CHECK(r.output.find("pa55") == std::string::npos);
    }

    TEST_CASE("an unknown option is a usage error") {
        CHECK(emqx::test::run_command(emqxd + " --frobnicate 2>/dev/null").status == 64);
    }
}

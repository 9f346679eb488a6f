// `emqxctl cluster`: every option its subcommands print is in emqxctl-cluster.1, and usage
// errors and unreachable nodes give the documented exit statuses.
#include "man_check.hpp"
#include "process_guard.hpp"
#include "run_command.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

std::string emqxctl(const std::string& arguments) {
    return std::string{EMQXCTL_PATH} + " " + arguments;
}

/// The option names ("--nodes", "-h", ...) at the start of the help's option lines.
std::vector<std::string> leading_options(const std::string& help) {
    std::vector<std::string> names;
    std::istringstream lines(help);
    for (std::string line; std::getline(lines, line);) {
        const auto start = line.find_first_not_of(' ');
        if (start == std::string::npos || line[start] != '-') {
            continue;
        }
        const auto end = line.find_first_of(" =", start);
        std::istringstream flags(line.substr(start, end - start));
        for (std::string flag; std::getline(flags, flag, ',');) {
            names.push_back(flag);
        }
    }
    return names;
}

} // namespace

TEST_SUITE("cli::cluster") {
    TEST_CASE("every option of every cluster subcommand's --help is in emqxctl-cluster.1") {
        const auto page = emqx::test::man_page_text(EMQX_SOURCE_DIR, "man/emqxctl-cluster.1");
        REQUIRE_FALSE(page.empty());
        std::size_t checked = 0;
        for (const char* sub : {"start", "stop", "status", "test"}) {
            const auto r = emqx::test::run_command(emqxctl(std::string{"cluster "} + sub + " --help"));
            CHECK(r.status == 0);
            for (const auto& name : leading_options(r.output)) {
                INFO("option " << name << " of cluster " << sub);
                CHECK(page.find(name) != std::string::npos);
                ++checked;
            }
        }
        CHECK(checked >= 12);
    }

    TEST_CASE("the man page names every subcommand and every JSON schema") {
        const auto page = emqx::test::man_page_text(EMQX_SOURCE_DIR, "man/emqxctl-cluster.1");
        for (const char* text : {"cluster start", "cluster stop", "cluster status", "cluster test",
                                 "emqxctl.cluster-status/1", "emqxctl.cluster-test/1",
                                 "emqxctl.cluster-file/1"}) {
            CHECK_MESSAGE(page.find(text) != std::string::npos, text);
        }
    }

    TEST_CASE("bad flags and values are usage errors (64)") {
        for (const char* arguments :
             {"cluster", "cluster start --nodes 0", "cluster start --nodes 33",
              "cluster start --wait never", "cluster start --base-port 70000",
              "cluster start --nodes 3 --base-port 65530", "cluster test --qos 3",
              "cluster test --count 0", "cluster status --bogus",
              "--node 127.0.0.1:notaport cluster status"}) {
            INFO(arguments);
            CHECK(emqx::test::run_command(emqxctl(std::string{arguments} + " 2>/dev/null")).status == 64);
        }
    }

    TEST_CASE("status and test against a node nobody serves are UNKNOWN (3)") {
        const auto port = std::to_string(emqx::test::free_port());
        const auto status = emqx::test::run_command(
            emqxctl("--node 127.0.0.1:" + port + " --timeout 2 cluster status"));
        CHECK(status.status == 3);
        CHECK(status.output.find("unreachable") != std::string::npos);
        const auto test = emqx::test::run_command(
            emqxctl("--node 127.0.0.1:" + port + " --timeout 2 cluster test 2>&1"));
        CHECK(test.status == 3);
    }

    TEST_CASE("start with an emqxd that does not exist fails (2) and names the path") {
        const emqx::test::temp_dir dir;
        const auto r = emqx::test::run_command(
            emqxctl("cluster start --emqxd /nonexistent/emqxd --base-port 21000 --dir " +
                    dir.path().string() + " 2>&1"));
        CHECK(r.status == 2);
        CHECK(r.output.find("/nonexistent/emqxd") != std::string::npos);
    }
}

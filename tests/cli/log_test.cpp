// `emqxctl log analyze|tail`: help against the man page, exit statuses on the fixture logs,
// JSON output, filters, and --follow across a rotation.
#include "man_check.hpp"
#include "run_command.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace {

const std::string emqxctl = std::string{EMQXCTL_PATH} + " --no-color";
const std::string logs = std::string{EMQX_SOURCE_DIR} + "/tests/data/logs";

void check_help(const std::string& subcommand) {
    const auto help = emqx::test::run_command(emqxctl + " log " + subcommand + " --help");
    REQUIRE(help.status == 0);
    const std::string page = emqx::test::man_page_text(EMQX_SOURCE_DIR, "man/emqxctl-log.1");
    REQUIRE_FALSE(page.empty());
    std::size_t checked = 0;
    for (const std::string& name : emqx::test::options_in_help(help.output)) {
        CAPTURE(name);
        CHECK(page.find(name) != std::string::npos);
        ++checked;
    }
    CHECK(checked >= 5);
}

/// A directory removed at the end of the test.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        std::string pattern = "/tmp/emqx-log-test-XXXXXX";
        path = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

void append(const std::filesystem::path& file, const std::string& line) {
    std::ofstream out{file, std::ios::app};
    out << line << '\n';
}

} // namespace

TEST_SUITE("cli::log") {
    TEST_CASE("every option of log analyze --help and log tail --help is in emqxctl-log.1") {
        check_help("analyze");
        check_help("tail");
    }

    TEST_CASE("analyze exits 2 on the fixture logs, 1 on a window with warnings only, 3 on nothing") {
        CHECK(emqx::test::run_command(emqxctl + " log analyze " + logs + " >/dev/null").status == 2);
        CHECK(emqx::test::run_command(emqxctl + " log analyze " + logs +
                                      " --since 2026-11-22T08:02:00Z --until 2026-11-22T08:03:00Z >/dev/null")
                  .status == 1);
        CHECK(emqx::test::run_command(emqxctl + " log analyze /nonexistent.log >/dev/null").status == 3);
        CHECK(emqx::test::run_command(emqxctl + " log analyze " + logs + "/node3.log.1 >/dev/null").status == 0);
    }

    TEST_CASE("analyze -o json prints one document with the schema, also after the subcommand") {
        const auto r = emqx::test::run_command(emqxctl + " log analyze " + logs + " --node node2 -o json");
        CHECK(r.status == 2);
        CHECK(r.output.find("\"schema\": \"emqxctl.log/1\"") != std::string::npos);
        CHECK(r.output.find("\"records\": 8") != std::string::npos);
    }

    TEST_CASE("analyze -o json reports a log whose bytes are not UTF-8 instead of failing") {
        // A byte that is not UTF-8 in a field became an internal error (exit 70) and no report.
        temp_dir dir;
        append(dir.path / "node1.log",
               "2026-11-22T08:00:00.000Z WARN  auth authentication failed "
               "client_id=c1 username=b\xffob peer=10.0.0.1:5 reason=bad_password");
        const auto r = emqx::test::run_command(emqxctl + " log analyze " +
                                               (dir.path / "node1.log").string() + " -o json");
        CHECK(r.status == 1); // a warning: the log has a WARN line
        CHECK(r.output.find("\"schema\": \"emqxctl.log/1\"") != std::string::npos);
        CHECK(r.output.find("\"b\xef\xbf\xbdob\"") != std::string::npos); // U+FFFD for the byte
    }

    TEST_CASE("analyze and tail print a log's escape sequences as text, not to the terminal") {
        temp_dir dir;
        append(
            dir.path / "node1.log",
            R"(2026-11-22T08:00:00.000Z WARN  auth authentication failed client_id=c1 username="\x1b]0;pwned\x07\x1b[2J" peer=10.0.0.1:5 reason=bad_password)");
        append(
            dir.path / "node1.log",
            R"({"ts":"2026-11-22T08:00:01.000Z","level":"error","component":"http","msg":"boom \u001b[31mred","path":"/x"})");
        const std::string file = (dir.path / "node1.log").string();
        const auto analyzed = emqx::test::run_command(emqxctl + " log analyze " + file);
        CHECK(analyzed.status == 2);
        CHECK(analyzed.output.find('\x1b') == std::string::npos);
        CHECK(analyzed.output.find(R"(\x1b]0;pwned\x07\x1b[2J)") != std::string::npos);
        const auto tailed = emqx::test::run_command(emqxctl + " log tail " + file + " -n 10");
        CHECK(tailed.status == 0);
        CHECK(tailed.output.find('\x1b') == std::string::npos);
        CHECK(tailed.output.find(R"(boom \x1b[31mred)") != std::string::npos);
    }

    TEST_CASE("--node takes one node id each time, also when the paths follow it") {
        const auto r = emqx::test::run_command(emqxctl + " log analyze --node node2 " + logs + " -o json");
        CHECK(r.status == 2);
        CHECK(r.output.find("\"records\": 8") != std::string::npos);
        const auto two = emqx::test::run_command(emqxctl + " log analyze --node node2 --node node3 " +
                                                 logs + " -o json");
        CHECK(two.output.find("\"records\": 8") == std::string::npos);
        CHECK(two.output.find("\"schema\": \"emqxctl.log/1\"") != std::string::npos);
    }

    TEST_CASE("a bad --since is a usage error") {
        CHECK(emqx::test::run_command(emqxctl + " log analyze " + logs + " --since yesterday 2>/dev/null").status == 64);
    }

    TEST_CASE("tail merges the nodes by time and filters by level, component and pattern") {
        const auto r = emqx::test::run_command(emqxctl + " log tail " + logs + " -n 100 --level error");
        CHECK(r.status == 0);
        CHECK(r.output ==
              "[node1] 2026-11-22T08:03:00.000Z ERROR http request failed path=/api/v1/routes error=\"boom 42 at \\\"x\\\"\"\n"
              "[node2] 2026-11-22T08:04:30.000Z FATAL config cannot open data dir dir=/var/lib/emqxd\n"
              "[node1] 2026-11-22T08:05:30.000Z ERROR http request failed path=/api/v1/clients error=\"boom 43\"\n");
        const auto auth = emqx::test::run_command(emqxctl + " log tail " + logs + " -n 100 --component auth --grep 'client_id=c[45]'");
        CHECK(auth.output.find("client_id=c4") != std::string::npos);
        CHECK(auth.output.find("client_id=c5") != std::string::npos);
        CHECK(auth.output.find("client_id=c3") == std::string::npos);
        CHECK(emqx::test::run_command(emqxctl + " log tail " + logs + " -n 2 | wc -l").output == "2\n");
        CHECK(emqx::test::run_command(emqxctl + " log tail " + logs + " --grep '(' 2>/dev/null").status == 64);
    }

    TEST_CASE("tail --follow prints appended lines and keeps following after a rotation") {
        temp_dir dir;
        const auto log = dir.path / "node1.log";
        append(log, "2026-11-22T09:00:00.000Z INFO  mqtt old line");
        const auto out = dir.path / "out.txt";
        const std::string command = emqxctl + " log tail " + log.string() +
                                    " -n 0 -f --count 2 --max-time 20 > " + out.string();
        std::thread runner{[&command] { (void)std::system(command.c_str()); }};
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        append(log, "2026-11-22T09:00:01.000Z WARN  mqtt before rotation");
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        std::filesystem::rename(log, dir.path / "node1.log.1");
        append(log, "2026-11-22T09:00:02.000Z ERROR mqtt after rotation");
        runner.join();
        std::ifstream in{out};
        const std::string printed{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
        CHECK(printed.find("old line") == std::string::npos);
        CHECK(printed.find("before rotation") != std::string::npos);
        CHECK(printed.find("after rotation") != std::string::npos);
    }
}

// `emqxctl perf`: every option its subcommands print is in the man page, and usage errors,
// like an unreachable broker, give the documented exit statuses.
#include "run_command.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string emqxctl(const std::string& arguments) {
    return std::string{EMQXCTL_PATH} + " " + arguments;
}

std::string man_page() {
    std::ifstream file(std::string{EMQX_SOURCE_DIR} + "/man/emqxctl-perf.1");
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

/// The long option names ("--qos", ...) at the start of the help's option lines.
std::vector<std::string> options_in_help(const std::string& help) {
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

/// How roff writes a flag: every '-' as "\-".
std::string roff(const std::string& flag) {
    std::string out;
    for (const char c : flag) {
        out += c == '-' ? std::string{"\\-"} : std::string(1, c);
    }
    return out;
}

void check_help_against_man(const std::string& subcommand, std::size_t at_least = 10) {
    const auto r = emqx::test::run_command(emqxctl("perf " + subcommand + " --help"));
    CHECK(r.status == 0);
    const auto names = options_in_help(r.output);
    CHECK(names.size() >= at_least);
    const std::string page = man_page();
    REQUIRE_FALSE(page.empty());
    for (const auto& name : names) {
        INFO("option " << name << " of perf " << subcommand);
        CHECK(page.find(roff(name)) != std::string::npos);
    }
}

} // namespace

TEST_SUITE("cli::perf") {
    TEST_CASE("every option of perf throughput --help is documented in emqxctl-perf.1") {
        check_help_against_man("throughput");
    }

    TEST_CASE("every option of perf latency --help is documented in emqxctl-perf.1") {
        check_help_against_man("latency");
    }

    TEST_CASE("every option of perf connections, qos, stress and all is in emqxctl-perf.1") {
        for (const char* subcommand : {"connections", "qos", "stress", "all"}) {
            INFO(subcommand);
            check_help_against_man(subcommand);
        }
    }

    TEST_CASE("every option of perf compare --help is documented in emqxctl-perf.1") {
        check_help_against_man("compare", 2);
    }

    TEST_CASE("the man page describes every subcommand that perf --help lists") {
        const auto help = emqx::test::run_command(emqxctl("perf --help")).output;
        const std::string page = man_page();
        for (const char* subcommand :
             {"throughput", "latency", "connections", "qos", "stress", "all", "compare"}) {
            INFO(subcommand);
            CHECK(help.find(subcommand) != std::string::npos);
            CHECK(page.find(".SS " + std::string{subcommand}) != std::string::npos);
        }
    }

    TEST_CASE("perf compare without two files is a usage error (64)") {
        CHECK(emqx::test::run_command(emqxctl("perf compare 2>/dev/null")).status == 64);
        CHECK(emqx::test::run_command(emqxctl("perf compare a.json 2>/dev/null")).status == 64);
        CHECK(emqx::test::run_command(emqxctl("perf compare a b --threshold -1 2>/dev/null"))
                  .status == 64);
    }

    TEST_CASE("perf stress with --rate 0 is a usage error (64)") {
        CHECK(emqx::test::run_command(emqxctl("perf stress --rate 0 2>/dev/null")).status == 64);
    }

    TEST_CASE("a bad --sub-node is a usage error (64)") {
        CHECK(emqx::test::run_command(emqxctl("perf latency --sub-node 127.0.0.1:0 2>/dev/null"))
                  .status == 64);
    }

    TEST_CASE("perf connections to a closed port counts refusals and gives UNKNOWN (3)") {
        const auto r = emqx::test::run_command(
            emqxctl("perf connections --mqtt 127.0.0.1:1 --connections 5 --hold 0 --timeout 2"));
        CHECK(r.status == 3);
        CHECK(r.output.find("refused") != std::string::npos);
    }

    TEST_CASE("perf throughput --help lists the load's shape") {
        const auto help = emqx::test::run_command(emqxctl("perf throughput --help")).output;
        for (const char* flag : {"--publishers", "--subscribers", "--topics", "--inflight",
                                 "--qos", "--size", "--count", "--duration", "--rate", "--warmup",
                                 "--mqtt-version", "--broker-pid", "--max-time", "--pub-node",
                                 "--sub-node", "--out"}) {
            CHECK_MESSAGE(help.find(flag) != std::string::npos, flag);
        }
    }

    TEST_CASE("a payload smaller than the stamp is a usage error (64) that says why") {
        const auto r = emqx::test::run_command(emqxctl("perf throughput --size 10 2>&1"));
        CHECK(r.status == 64);
        CHECK(r.output.find("--size must be at least 20 bytes") != std::string::npos);
    }

    TEST_CASE("bad flags and values are usage errors (64)") {
        for (const char* arguments : {"perf", "perf throughput --qos 3", "perf latency --bogus",
                                      "perf throughput --mqtt-version 4",
                                      "perf latency --publishers 2",
                                      "perf throughput --mqtt 127.0.0.1:http",
                                      "perf throughput --mqtt 127.0.0.1:70000",
                                      "perf throughput --count 0"}) {
            INFO(arguments);
            CHECK(emqx::test::run_command(emqxctl(std::string{arguments} + " 2>/dev/null")).status ==
                  64);
        }
    }

    TEST_CASE("a broker that cannot be reached gives UNKNOWN (3) and says so") {
        const auto r = emqx::test::run_command(
            emqxctl("perf latency --mqtt 127.0.0.1:1 --timeout 2 --warmup 0 --count 1"));
        CHECK(r.status == 3);
        CHECK(r.output.find("unreachable") != std::string::npos);
    }
}

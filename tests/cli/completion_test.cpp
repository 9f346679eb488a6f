// `emqxctl completion`: the scripts name every command and subcommand and every option of
// `health`, parse in their shell, and complete as a user types; the man page has every option.
#include "man_check.hpp"
#include "run_command.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <string>

namespace {

std::string emqxctl(const std::string& arguments) {
    return std::string{EMQXCTL_PATH} + " " + arguments;
}

/// The subcommand names listed under "Subcommands:" in a --help text.
std::vector<std::string> subcommands_in_help(const std::string& help) {
    std::vector<std::string> names;
    const auto at = help.find("Subcommands:");
    if (at == std::string::npos) {
        return names;
    }
    static const std::regex line{R"(\n  ([a-z][a-z-]*) )"};
    const std::string rest = help.substr(at);
    for (auto it = std::sregex_iterator{rest.begin(), rest.end(), line};
         it != std::sregex_iterator{};
         ++it) {
        names.push_back((*it)[1]);
    }
    return names;
}

/// True when `word` appears in `script` as a whole word of a list ("health", "--watch").
bool mentions(const std::string& script, const std::string& word) {
    return std::regex_search(script, std::regex("(^|[\\s\"])" + word + "([\\s\"]|$)"));
}

/// Writes `script` to a temporary file and returns its path (removed by the caller).
std::string write_temp(const std::string& script) {
    char path[] = "/tmp/emqxctl-completion-XXXXXX";
    const int fd = ::mkstemp(path);
    ::close(fd);
    std::ofstream(path) << script;
    return path;
}

} // namespace

TEST_SUITE("cli::completion") {

    TEST_CASE("the bash script mentions every command, every subcommand and every health option") {
        const auto bash = emqx::test::run_command(emqxctl("completion bash"));
        REQUIRE(bash.status == 0);
        const auto top = emqx::test::run_command(emqxctl("--help"));
        const auto commands = subcommands_in_help(top.output);
        CHECK(commands.size() >= 6);
        for (const auto& command : commands) {
            INFO("command " << command);
            CHECK(mentions(bash.output, command));
            const auto sub = emqx::test::run_command(emqxctl(command + " --help"));
            for (const auto& subcommand : subcommands_in_help(sub.output)) {
                INFO("subcommand " << subcommand);
                CHECK(bash.output.find("\"" + command + " " + subcommand + "\")") !=
                      std::string::npos);
            }
        }
        const auto health = emqx::test::run_command(emqxctl("health --help"));
        for (const auto& option : emqx::test::options_in_help(health.output)) {
            INFO("option " << option);
            CHECK(mentions(bash.output, option));
        }
    }

    TEST_CASE("the bash script parses and completes commands, options and output formats") {
        const auto script = write_temp(emqx::test::run_command(emqxctl("completion bash")).output);
        const auto complete = [&](const std::string& words, int cword) {
            return emqx::test::run_command("bash -c 'source " + script + "; COMP_WORDS=(" + words +
                                           "); COMP_CWORD=" + std::to_string(cword) +
                                           "; _emqxctl; echo \"${COMPREPLY[*]}\"'")
                .output;
        };
        CHECK(complete("emqxctl he", 1) == "health\n");
        CHECK(complete("emqxctl health --warn-l", 2) == "--warn-latency\n");
        CHECK(complete("emqxctl --node 127.0.0.1:8082 health --exp", 4) == "--expect-nodes\n");
        CHECK(complete("emqxctl -o na", 2) == "nagios\n");
        CHECK(complete("emqxctl cluster st", 2) == "start stop status\n");
        ::unlink(script.c_str());
    }

    TEST_CASE("the zsh script is a #compdef file that names the same commands") {
        const auto zsh = emqx::test::run_command(emqxctl("completion zsh"));
        REQUIRE(zsh.status == 0);
        CHECK(zsh.output.rfind("#compdef emqxctl\n", 0) == 0);
        CHECK(zsh.output.find("\"\") echo \"health cluster") != std::string::npos);
        CHECK(zsh.output.find("--expect-nodes") != std::string::npos);
        if (emqx::test::run_command("command -v zsh >/dev/null").status == 0) {
            const auto script = write_temp(zsh.output);
            CHECK(emqx::test::run_command("zsh -n " + script).status == 0);
            ::unlink(script.c_str());
        }
    }

    TEST_CASE("an unknown shell is a usage error (64)") {
        CHECK(emqx::test::run_command(emqxctl("completion fish 2>/dev/null")).status == 64);
        CHECK(emqx::test::run_command(emqxctl("completion 2>/dev/null")).status == 64);
    }

    TEST_CASE("emqxctl-completion.1 names both shells and the help's options") {
        const auto page = emqx::test::man_page_text(EMQX_SOURCE_DIR, "man/emqxctl-completion.1");
        REQUIRE_FALSE(page.empty());
        const auto help = emqx::test::run_command(emqxctl("completion --help"));
        for (const auto& option : emqx::test::options_in_help(help.output)) {
            INFO("option " << option);
            CHECK(page.find(option) != std::string::npos);
        }
        CHECK(page.find(".B bash") != std::string::npos);
        CHECK(page.find(".B zsh") != std::string::npos);
    }

} // TEST_SUITE

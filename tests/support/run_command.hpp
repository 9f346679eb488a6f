// Running a command in a test and capturing its standard output and exit status.
#pragma once

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace emqx::test {

struct command_result {
    int status = -1; ///< exit status, or -1 when the command did not exit normally
    std::string output; ///< standard output (stderr too when the command line redirects it)
};

/// Runs `command` through /bin/sh and returns what it printed and its exit status.
inline command_result run_command(const std::string& command) {
    command_result result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    std::array<char, 4096> chunk{};
    std::size_t n = 0;
    while ((n = std::fread(chunk.data(), 1, chunk.size(), pipe)) > 0) {
        result.output.append(chunk.data(), n);
    }
    const int raw = ::pclose(pipe);
    if (raw != -1 && WIFEXITED(raw)) {
        result.status = WEXITSTATUS(raw);
    }
    return result;
}

} // namespace emqx::test

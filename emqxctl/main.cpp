// emqxctl's entry point: builds the command line, runs the selected command, returns its status.
#include <emqx/base/version.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

namespace {

constexpr int exit_usage = 64;    // DESIGN.md section 8
constexpr int exit_internal = 70; // DESIGN.md section 8

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"emqxctl: operate emqxd MQTT brokers and clusters", "emqxctl"};
    app.set_version_flag("-V,--version", emqx::version_line("emqxctl"));
    app.require_subcommand(0, 1);
    app.footer("See emqxctl(1). Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, 64 usage, "
               "70 internal error.");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int status = app.exit(e);
        return status == 0 ? 0 : exit_usage;
    }
    try {
        if (app.get_subcommands().empty()) {
            std::fputs(app.help().c_str(), stdout);
            return 0;
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "emqxctl: internal error: %s\n", e.what());
        return exit_internal;
    }
}

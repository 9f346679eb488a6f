// emqxd's entry point: parses the command line and runs the broker.
#include <emqx/base/version.hpp>

#include <cstdio>
#include <string_view>

namespace {

constexpr int exit_usage = 64;     // EX_USAGE
constexpr int exit_software = 70;  // EX_SOFTWARE

void print_help() {
    std::puts("Usage: emqxd [OPTIONS]\n"
              "\n"
              "The emqxd MQTT 3.1.1 / 5.0 broker.\n"
              "\n"
              "Options:\n"
              "  -h, --help     print this help and exit\n"
              "  -V, --version  print the version and exit\n"
              "\n"
              "See emqxd(8).");
}

} // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg{argv[i]};
        if (arg == "--version" || arg == "-V") {
            std::puts(emqx::version_line("emqxd").c_str());
            return 0;
        }
        if (arg == "--help" || arg == "-h") {
            print_help();
            return 0;
        }
        std::fprintf(stderr, "emqxd: unknown option '%s'; see 'emqxd --help'\n", argv[i]);
        return exit_usage;
    }
    std::fputs("emqxd: the broker is not built yet: only --version and --help work\n", stderr);
    return exit_software;
}

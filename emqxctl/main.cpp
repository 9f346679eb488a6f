// emqxctl's entry point: builds the command line from every command file, runs the selected
// command, returns its status. The only catch-all of the program is here.
#include "commands/command.hpp"

#include <emqx/base/version.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>

namespace {

using namespace emqx::ctl;

void add_global_options(CLI::App& app, global_options& g) {
    app.add_option("--node", g.nodes, "HTTP address HOST:PORT of a node (repeatable)")
        ->type_name("HOST:PORT");
    app.add_option("--mqtt", g.mqtt, "MQTT address HOST:PORT of a broker without our HTTP API")
        ->type_name("HOST:PORT");
    app.add_option_function<std::string>(
           "-o,--output",
           [&g](const std::string& name) {
               g.output = name == "json"     ? output_format::json
                          : name == "nagios" ? output_format::nagios
                                             : output_format::text;
           },
           "output format: text (default), json; health also nagios")
        ->check(CLI::IsMember({"text", "json", "nagios"}))
        ->type_name("FORMAT");
    app.add_option("--timeout", g.timeout_seconds, "time budget in seconds")
        ->check(CLI::PositiveNumber);
    app.add_flag("--no-color", g.no_color, "no colour, even on a terminal");
    app.add_option("--username", g.username, "MQTT user name");
    app.add_option("--password", g.password, "MQTT password (or EMQXCTL_PASSWORD)");
    app.add_option("--token", g.token,
                   "bearer token for the nodes' /api/* (http.auth_token; or EMQXCTL_TOKEN)");
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"emqxctl: operate emqxd MQTT brokers and clusters", "emqxctl"};
    app.set_version_flag("-V,--version", emqx::version_line("emqxctl"));
    app.require_subcommand(0, 1);
    app.footer("See emqxctl(1). Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, 64 usage, "
               "70 internal error.");

    global_options globals;
    if (const char* password = std::getenv("EMQXCTL_PASSWORD")) {
        globals.password = password;
    }
    if (const char* token = std::getenv("EMQXCTL_TOKEN")) {
        globals.token = token;
    }
    globals.no_color = std::getenv("NO_COLOR") != nullptr;
    add_global_options(app, globals);

    action selected;
    register_health(app, globals, selected);
    register_cluster(app, globals, selected);
    register_perf(app, globals, selected);
    register_diag(app, globals, selected);
    register_log(app, globals, selected);
    register_completion(app, globals, selected);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int status = app.exit(e);
        return status == 0 ? exit_ok : exit_usage;
    }
    try {
        if (!selected) {
            std::fputs(app.help().c_str(), stdout);
            return exit_ok;
        }
        return selected();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "emqxctl: internal error: %s\n", e.what());
        return exit_internal;
    }
}

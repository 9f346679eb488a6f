// emqxd as a whole: the command line, the configuration, the engine, its MQTT and HTTP
// listeners, signals. main() calls run_emqxd and returns what it returns.
#pragma once

namespace emqx::broker::node {

/// Runs emqxd; returns its exit status: 0, 64 (usage), 70 (internal), 78 (configuration).
[[nodiscard]] int run_emqxd(int argc, const char* const* argv);

} // namespace emqx::broker::node

// Running the load generator: the one entry point of the native MQTT load client.
#pragma once

#include <emqx/perf/options.hpp>
#include <emqx/perf/results.hpp>

namespace emqx::perf {

/// Connects every publisher and subscriber, subscribes, warms up, publishes until the bound,
/// drains, and returns what it measured. Runs on the calling thread (one io_context). Never
/// throws for anything the network or the broker does: failures end the run with a status
/// and a reason, and the figures gathered until then. Precondition: validate(options) passed.
[[nodiscard]] run_results run(const run_options& options);

} // namespace emqx::perf

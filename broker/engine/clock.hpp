// The engine's notion of time: passed in by the caller, never read by the engine itself, so
// that tests can drive keep alive, expiry and will delay without waiting.
#pragma once

#include <chrono>

namespace emqx::broker {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

} // namespace emqx::broker

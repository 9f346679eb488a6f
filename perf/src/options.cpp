// Checking a run's options before anything connects: every usage error in the user's words.
#include <emqx/perf/options.hpp>

#include <emqx/perf/stamp.hpp>

namespace emqx::perf {

namespace {

/// The largest payload we accept: far above any useful load, well below MQTT's packet limit.
constexpr std::size_t max_size = 64 * 1024 * 1024;

} // namespace

std::optional<std::string> validate(const run_options& o) {
    if (o.size < stamp_size) {
        return "--size must be at least " + std::to_string(stamp_size) +
               " bytes: every message carries a 20-byte stamp (publisher, sequence, send time)";
    }
    if (o.size > max_size) {
        return "--size must be at most " + std::to_string(max_size) + " bytes";
    }
    if (o.publishers == 0 || o.subscribers == 0) {
        return "--publishers and --subscribers must be at least 1";
    }
    if (o.topics == 0) {
        return "--topics must be at least 1";
    }
    if (o.count && *o.count == 0) {
        return "--count must be at least 1";
    }
    if (o.duration_s && !(*o.duration_s > 0.0)) {
        return "--duration must be more than 0 seconds";
    }
    if (!(o.rate >= 0.0)) {
        return "--rate must be 0 (closed loop) or a number of messages per second";
    }
    if (o.inflight == 0) {
        return "--inflight must be at least 1";
    }
    if (o.max_unacked == 0 || o.max_unacked > 65535) {
        return "--max-unacked must be from 1 to 65535";
    }
    if (!(o.warmup_s >= 0.0) || !(o.timeout_s > 0.0) || !(o.max_time_s > 0.0)) {
        return "--warmup must be 0 or more seconds, --timeout and --max-time more than 0";
    }
    if (o.port == 0) {
        return "the broker's port must not be 0";
    }
    return std::nullopt;
}

} // namespace emqx::perf

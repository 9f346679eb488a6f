// The run of the load client: setting up the connections, the events they report, and the
// end of the run with the figures gathered.
#include "engine.hpp"

#include "clock.hpp"
#include "publisher.hpp"
#include "subscriber.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

#include <sys/prctl.h>

#include <emqx/perf/cpu_time.hpp>

namespace emqx::perf::detail {

namespace {

/// Eight hex digits that keep this run's client ids and topics apart from any other's.
std::string make_run_id() {
    std::random_device random;
    char text[9];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(random()));
    return text;
}

} // namespace

engine::engine(const run_options& options,
               const asio::ip::tcp::endpoint& where,
               const asio::ip::tcp::endpoint& sub_where)
    : options_(options),
      where_(where),
      sub_where_(sub_where),
      ledger_(options),
      tick_timer_(io_),
      pace_timer_(io_),
      granted_qos_(options.qos) {
    const std::string id = make_run_id();
    const std::string topic_base = options_.topic_prefix + "/" + id + "/";
    // Client ids stay within the 23 bytes every 3.1.1 broker must accept [MQTT-3.1.3-5].
    for (std::uint32_t i = 0; i < options_.publishers; ++i) {
        publishers_.push_back(std::make_unique<publisher>(
            *this, io_, options_, i, "perf-" + id + "-p" + std::to_string(i),
            topic_base + std::to_string(i % options_.topics)));
    }
    for (std::uint32_t i = 0; i < options_.subscribers; ++i) {
        subscribers_.push_back(std::make_unique<subscriber>(
            *this, io_, options_, i, "perf-" + id + "-s" + std::to_string(i),
            topic_base + std::to_string(i % options_.topics)));
    }
}

engine::~engine() = default;

run_results engine::run() {
    // Timers fire when asked, not up to 50 us later: pacing and latency depend on it.
    ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    run_start_ = phase_start_ = last_heard_ = now_ns();
    for (auto& s : subscribers_) {
        s->start(sub_where_);
    }
    for (auto& p : publishers_) {
        p->start(where_);
    }
    arm_tick();
    io_.run();

    ledger_.fill(results_);
    results_.qos = options_.qos;
    results_.granted_qos = granted_qos_;
    for (const auto& p : publishers_) {
        results_.acknowledged += p->acknowledged();
        results_.refused += p->refused();
    }
    // Acknowledgements of warm-up messages are not counted (nor anything, without a measure).
    const bool measured = ledger_.measuring();
    results_.acknowledged = measured ? results_.acknowledged - acknowledged_at_measure_ : 0;
    results_.refused = measured ? results_.refused - refused_at_measure_ : 0;
    return std::move(results_);
}

void engine::connected() {
    if (++connected_ < publishers_.size() + subscribers_.size() || phase_ != phase::connecting) {
        return;
    }
    phase_ = phase::subscribing;
    phase_start_ = now_ns();
    for (auto& s : subscribers_) {
        s->subscribe();
    }
}

void engine::subscribed(mqtt::qos granted) {
    granted_qos_ = std::min(granted_qos_, granted);
    if (++subscribed_ == subscribers_.size() && phase_ == phase::subscribing) {
        begin_warmup(now_ns());
    }
}

void engine::link_failed(std::string_view role, std::uint32_t index, const std::string& what) {
    if (phase_ == phase::done) {
        return;
    }
    if (phase_ == phase::connecting) {
        const auto& at = role == "subscriber" ? sub_where_ : where_;
        fail(run_status::unreachable, "cannot reach the broker at " + at.address().to_string() +
                                          ":" + std::to_string(at.port()) + ": " + what);
        return;
    }
    fail(run_status::connection_lost,
         std::string{role} + " " + std::to_string(index) + ": " + what + after_messages());
}

void engine::fail(run_status status, std::string reason) {
    finish(status, std::move(reason));
}

std::string engine::after_messages() const {
    return " (after " + std::to_string(ledger_.total_published()) + " messages)";
}

void engine::finish(run_status status, std::string reason) {
    if (phase_ == phase::done) {
        return;
    }
    phase_ = phase::done;
    const std::uint64_t now = now_ns();
    results_.status = status;
    results_.reason = std::move(reason);
    if (ledger_.measuring()) {
        results_.measured_wall_seconds = to_seconds(now - measure_start_);
        results_.tool_cpu_seconds = own_cpu_seconds() - cpu_at_measure_;
        if (options_.broker_pid && broker_cpu_at_measure_) {
            if (const auto cpu = process_cpu_seconds(*options_.broker_pid)) {
                results_.broker_cpu_seconds = *cpu - *broker_cpu_at_measure_;
            }
        }
    }
    for (auto& p : publishers_) {
        p->close();
    }
    for (auto& s : subscribers_) {
        s->close();
    }
    tick_timer_.cancel();
    pace_timer_.cancel();
    io_.stop();
}

} // namespace emqx::perf::detail

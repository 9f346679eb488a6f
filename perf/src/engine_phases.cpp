// The phases of a run and their bounds: warm-up, measuring, draining; the tick that watches
// the time limits and the broker's silence; the pacer of the open loop.
#include "engine.hpp"

#include "clock.hpp"
#include "publisher.hpp"
#include "subscriber.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <emqx/perf/cpu_time.hpp>

namespace emqx::perf::detail {

namespace {

constexpr auto tick_period = std::chrono::milliseconds(50);
/// The pacer never wakes more often than this: at high rates each wake sends a batch.
constexpr std::uint64_t pacer_min_gap_ns = 100'000;

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", seconds);
    return text;
}

} // namespace

void engine::arm_tick() {
    tick_timer_.expires_after(tick_period);
    tick_timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error && phase_ != phase::done) {
            tick();
        }
    });
}

void engine::tick() {
    const std::uint64_t now = now_ns();
    check_bounds(now);
    if (phase_ != phase::done) {
        check_silence(now);
    }
    if (phase_ == phase::done) {
        return;
    }
    if (phase_ == phase::warmup || phase_ == phase::measuring || phase_ == phase::draining) {
        if (ledger_.release_overdue(now, to_ns(options_.timeout_s)) > 0) {
            phase_ == phase::draining ? check_drained() : pump_all(now);
        }
        if (phase_ == phase::done) {
            return;
        }
    }
    report_progress(now);
    for (auto& p : publishers_) {
        p->keep_alive(now);
    }
    for (auto& s : subscribers_) {
        s->keep_alive(now);
    }
    arm_tick();
}

void engine::check_bounds(std::uint64_t now) {
    if (options_.interrupt && options_.interrupt->load()) {
        finish(run_status::interrupted, "stopped by the user" + after_messages());
    } else if (now - run_start_ >= to_ns(options_.max_time_s)) {
        finish(run_status::deadline, "the run reached its time limit of " +
                                         seconds_text(options_.max_time_s) + after_messages());
    } else if (phase_ == phase::warmup && now - phase_start_ >= to_ns(options_.warmup_s)) {
        begin_measuring(now);
    } else if (phase_ == phase::measuring) {
        if (options_.duration_s && now - measure_start_ >= to_ns(*options_.duration_s)) {
            ledger_.stop_publishing();
        }
        if (ledger_.all_sent()) {
            begin_draining();
        }
    }
}

// The broker must answer within the timeout whenever we wait for it: for CONNACK and SUBACK,
// and while messages or acknowledgements are outstanding. Half-way through a silence we ask it
// (PINGREQ): a broker that answers is alive and merely dropped messages (release_overdue()
// counts them lost); one that does not has stopped answering.
void engine::check_silence(std::uint64_t now) {
    const std::uint64_t limit = to_ns(options_.timeout_s);
    if (phase_ == phase::connecting || phase_ == phase::subscribing) {
        if (now - phase_start_ > limit) {
            finish(run_status::unreachable,
                   std::string{"no "} + (phase_ == phase::connecting ? "CONNACK" : "SUBACK") +
                       " from the broker within " + seconds_text(options_.timeout_s));
        }
        return;
    }
    if (ledger_.drained() && !acks_outstanding()) {
        return;
    }
    const std::uint64_t silent = now - last_heard_;
    if (silent > limit) {
        finish(run_status::stalled,
               "the broker stopped answering after " +
                   std::to_string(ledger_.total_published()) +
                   " messages: nothing received for " + seconds_text(options_.timeout_s));
    } else if (silent > limit / 2 && probe_at_ <= last_heard_) {
        probe_at_ = now;
        subscribers_.front()->ping();
    }
}

void engine::report_progress(std::uint64_t now) {
    constexpr std::uint64_t period_ns = 250'000'000;
    if (!options_.progress || now - last_progress_ < period_ns) {
        return;
    }
    last_progress_ = now;
    static constexpr const char* names[] = {"connecting", "subscribing", "warm-up",
                                            "measuring",  "draining",    "done"};
    std::string line = names[static_cast<int>(phase_)];
    line += ": " + std::to_string(ledger_.total_published()) + " published";
    if (ledger_.measuring()) {
        line += ", " + seconds_text(to_seconds(now - measure_start_)) + " measured";
    }
    options_.progress(line);
}

void engine::begin_warmup(std::uint64_t now) {
    phase_ = phase::warmup;
    phase_start_ = now;
    last_heard_ = now;
    ledger_.start(now);
    if (options_.warmup_s <= 0.0) {
        begin_measuring(now);
    }
    pump_all(now);
    publisher_idle(now);
}

void engine::begin_measuring(std::uint64_t now) {
    ledger_.begin_measuring(now);
    measure_start_ = now;
    cpu_at_measure_ = own_cpu_seconds();
    for (const auto& p : publishers_) {
        acknowledged_at_measure_ += p->acknowledged();
        refused_at_measure_ += p->refused();
    }
    if (options_.broker_pid) {
        broker_cpu_at_measure_ = process_cpu_seconds(*options_.broker_pid);
    }
    phase_ = phase::measuring;
    phase_start_ = now;
}

void engine::begin_draining() {
    phase_ = phase::draining;
    check_drained();
}

void engine::check_drained() {
    if (!ledger_.drained() || acks_outstanding()) {
        return;
    }
    std::string note;
    if (ledger_.overdue() > 0) {
        note = "deliveries that had not arrived " + seconds_text(options_.timeout_s) +
               " after they were sent were given up";
    }
    finish(run_status::completed, std::move(note));
}

bool engine::acks_outstanding() const noexcept {
    return std::any_of(publishers_.begin(), publishers_.end(),
                       [](const auto& p) { return p->unacknowledged() > 0; });
}

void engine::pump_all(std::uint64_t now) {
    for (auto& p : publishers_) {
        p->pump(now);
    }
}

void engine::deliveries_done(std::uint64_t now) {
    if (phase_ != phase::warmup && phase_ != phase::measuring && phase_ != phase::draining) {
        return;
    }
    pump_all(now);
    if (phase_ == phase::measuring && ledger_.all_sent()) {
        begin_draining();
    } else if (phase_ == phase::draining) {
        check_drained();
    }
}

void engine::acks_done(std::uint64_t /*now*/) {
    if (phase_ == phase::draining) {
        check_drained();
    }
}

void engine::publisher_idle(std::uint64_t now) {
    if (options_.rate > 0.0 && (phase_ == phase::warmup || phase_ == phase::measuring)) {
        arm_pacer(now);
    }
}

// Wakes at the next due message of any publisher that could send it (a publisher that is
// writing, or waiting for acks, sends when that ends).
void engine::arm_pacer(std::uint64_t now) {
    std::uint64_t next = UINT64_MAX;
    for (std::uint32_t i = 0; i < publishers_.size(); ++i) {
        if (publishers_[i]->can_send()) {
            next = std::min(next, ledger_.next_due(i));
        }
    }
    if (next == UINT64_MAX) {
        return;
    }
    const std::uint64_t at = std::max(next, now + pacer_min_gap_ns);
    if (pacer_armed_ && at >= pacer_at_) {
        return;
    }
    pacer_armed_ = true;
    pacer_at_ = at;
    // steady_clock is CLOCK_MONOTONIC, the clock of now_ns().
    pace_timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(at)));
    pace_timer_.async_wait([this](const boost::system::error_code& error) {
        if (error || phase_ == phase::done) {
            return; // re-armed earlier (the new wait owns the flag), or the run ended
        }
        pacer_armed_ = false;
        const std::uint64_t woke = now_ns();
        pump_all(woke);
        if (phase_ == phase::measuring && ledger_.all_sent()) {
            begin_draining();
            return;
        }
        publisher_idle(woke);
    });
}

} // namespace emqx::perf::detail

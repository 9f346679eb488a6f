// The bookkeeping of a run: closed-loop windows, open-loop schedules, delivery accounting.
#include <emqx/perf/ledger.hpp>

#include <algorithm>
#include <cmath>

namespace emqx::perf {

namespace {

/// Memory for all the sequence windows together: the window shrinks when there are many
/// (publisher, subscriber) pairs, down to 256 numbers.
constexpr std::uint64_t tracker_bits_budget = std::uint64_t{1} << 29; // 64 MiB
constexpr std::size_t checkpoint_slots = 34;
constexpr std::uint64_t checkpoints_per_age = 32;

/// How many of `n` indices i (0 <= i < n) have i % m == r, for r < m.
std::uint64_t congruent_below(std::uint64_t n, std::uint64_t m, std::uint64_t r) {
    return n > r ? (n - 1 - r) / m + 1 : 0;
}

/// Publisher `pub`'s share of `total` when it is split evenly over `parts`.
std::uint64_t share(std::uint64_t total, std::uint64_t parts, std::uint64_t pub) {
    return total / parts + (pub < total % parts ? 1 : 0);
}

} // namespace

ledger::ledger(const run_options& options)
    : options_(options),
      flows_(options.publishers),
      streams_(options.subscribers),
      checkpoints_(checkpoint_slots, checkpoint{0, std::vector<std::uint64_t>(options.publishers)}),
      per_second_(static_cast<std::size_t>(std::ceil(options.max_time_s)) + 2) {
    const std::uint64_t topics = options.topics;
    std::uint64_t pairs = 0;
    for (std::uint32_t pub = 0; pub < options.publishers; ++pub) {
        flow& f = flows_[pub];
        f.fanout = congruent_below(options.subscribers, topics, pub % topics);
        f.window = std::max<std::uint64_t>(1, share(options.inflight, options.publishers, pub));
        f.interval_ns = options.rate > 0.0 ? 1e9 * options.publishers / options.rate : 0.0;
        pairs += f.fanout;
    }
    const std::uint64_t window =
        std::clamp<std::uint64_t>(tracker_bits_budget / std::max<std::uint64_t>(pairs, 1),
                                  256,
                                  sequence_tracker::default_window);
    for (std::uint32_t sub = 0; sub < options.subscribers; ++sub) {
        const auto slots = congruent_below(options.publishers, topics, sub % topics);
        streams_[sub].reserve(slots);
        for (std::uint64_t slot = 0; slot < slots; ++slot) {
            streams_[sub].push_back(stream{sequence_tracker(window, not_yet), 0});
        }
    }
}

bool ledger::matches(std::uint32_t sub, std::uint32_t pub) const noexcept {
    return pub < options_.publishers && pub % options_.topics == sub % options_.topics;
}

void ledger::start(std::uint64_t now) noexcept {
    start_ = now;
}

void ledger::begin_measuring(std::uint64_t now) noexcept {
    measure_start_ = now;
    last_published_ = now;
    last_delivered_ = now;
    for (std::uint32_t pub = 0; pub < flows_.size(); ++pub) {
        flow& f = flows_[pub];
        f.first = f.sent;
        if (options_.count) {
            f.end = std::min(f.end, f.sent + share(*options_.count, flows_.size(), pub));
        }
    }
    for (std::uint32_t sub = 0; sub < streams_.size(); ++sub) {
        for (std::uint64_t slot = 0; slot < streams_[sub].size(); ++slot) {
            const auto pub = slot * options_.topics + sub % options_.topics;
            streams_[sub][slot].tracker.restart(flows_[pub].first);
        }
    }
    latency_.reset();
    std::fill(per_second_.begin(), per_second_.end(), second_sample{});
    seconds_used_ = 0;
    foreign_ = 0;
    overdue_ = 0;
}

void ledger::stop_publishing() noexcept {
    for (flow& f : flows_) {
        f.end = std::min(f.end, f.sent);
    }
}

std::uint64_t ledger::allowance(std::uint32_t pub, std::uint64_t now) const noexcept {
    const flow& f = flows_[pub];
    if (f.sent >= f.end || now < start_) {
        return 0;
    }
    const std::uint64_t remaining = f.end - f.sent;
    if (options_.rate > 0.0) {
        // Message k is due at start + k * interval: k = 0 .. floor(elapsed / interval).
        const double elapsed = static_cast<double>(now - start_);
        const auto due = static_cast<std::uint64_t>(std::floor(elapsed / f.interval_ns)) + 1;
        return due > f.sent ? std::min(due - f.sent, remaining) : 0;
    }
    if (f.fanout == 0) {
        return remaining; // nobody receives: only the socket paces this publisher
    }
    // In deliveries: every message sent owes one per subscriber of its topic.
    const std::uint64_t outstanding = f.sent * f.fanout - f.progress;
    const std::uint64_t limit = f.window * f.fanout;
    if (outstanding >= limit) {
        return 0;
    }
    return std::min((limit - outstanding + f.fanout - 1) / f.fanout, remaining);
}

std::uint64_t ledger::next_sequence(std::uint32_t pub) const noexcept {
    return flows_[pub].sent;
}

std::uint64_t ledger::stamp_time(std::uint32_t pub,
                                 std::uint64_t sequence,
                                 std::uint64_t now) const noexcept {
    if (options_.rate > 0.0) {
        return start_ + static_cast<std::uint64_t>(static_cast<double>(sequence) *
                                                   flows_[pub].interval_ns);
    }
    return now;
}

std::uint64_t ledger::next_due(std::uint32_t pub) const noexcept {
    const flow& f = flows_[pub];
    if (options_.rate <= 0.0 || f.sent >= f.end) {
        return not_yet;
    }
    return stamp_time(pub, f.sent, 0);
}

void ledger::published(std::uint32_t pub, std::uint64_t n, std::uint64_t now) noexcept {
    flows_[pub].sent += n;
    if (measuring()) {
        last_published_ = now;
        count_second(now, n, 0);
    }
}

void ledger::delivered(std::uint32_t sub, const stamp& s, std::uint64_t now) noexcept {
    if (!matches(sub, s.publisher) || s.sequence >= flows_[s.publisher].sent) {
        ++foreign_; // not a message of this run (or a broker that invents or misroutes them)
        return;
    }
    flow& f = flows_[s.publisher];
    stream& st = streams_[sub][s.publisher / options_.topics];
    if (s.sequence + 1 > st.next_seen) {
        f.progress += s.sequence + 1 - st.next_seen;
        st.next_seen = s.sequence + 1;
    }
    if (st.tracker.receive(s.sequence)) {
        latency_.record(now > s.sent_ns ? now - s.sent_ns : 0);
        last_delivered_ = now;
        count_second(now, 0, 1);
    }
}

void ledger::count_second(std::uint64_t now, std::uint64_t published, std::uint64_t delivered) noexcept {
    if (now < measure_start_) {
        return;
    }
    const std::uint64_t index = (now - measure_start_) / 1'000'000'000U;
    if (index >= per_second_.size()) {
        return;
    }
    per_second_[index].published += published;
    per_second_[index].delivered += delivered;
    seconds_used_ = std::max(seconds_used_, index + 1);
}

void ledger::record_checkpoint(std::uint64_t now, std::uint64_t spacing) noexcept {
    if (checkpoint_count_ > 0 && now - checkpoints_[newest_checkpoint_].time < spacing) {
        return;
    }
    newest_checkpoint_ = (newest_checkpoint_ + 1) % checkpoints_.size();
    checkpoint_count_ = std::min(checkpoint_count_ + 1, checkpoints_.size());
    checkpoint& c = checkpoints_[newest_checkpoint_];
    c.time = now;
    for (std::size_t pub = 0; pub < flows_.size(); ++pub) {
        c.sent[pub] = flows_[pub].sent;
    }
}

std::uint64_t ledger::release_overdue(std::uint64_t now, std::uint64_t age_ns) noexcept {
    record_checkpoint(now, age_ns / checkpoints_per_age);
    // The newest checkpoint at least `age_ns` old: everything sent before it is overdue.
    for (std::size_t back = 0; back < checkpoint_count_; ++back) {
        const auto& c = checkpoints_[(newest_checkpoint_ + checkpoints_.size() - back) %
                                     checkpoints_.size()];
        if (now - c.time >= age_ns) {
            std::uint64_t released = 0;
            for (std::uint32_t pub = 0; pub < flows_.size(); ++pub) {
                released += release(pub, c.sent[pub]);
            }
            overdue_ += released;
            return released;
        }
    }
    return 0;
}

// Moves every stream of `pub` to at least `upto`, as if those messages had arrived.
std::uint64_t ledger::release(std::uint32_t pub, std::uint64_t upto) noexcept {
    flow& f = flows_[pub];
    const std::uint64_t topics = options_.topics;
    std::uint64_t released = 0;
    for (std::uint64_t sub = pub % topics; sub < streams_.size(); sub += topics) {
        stream& st = streams_[sub][pub / topics];
        if (st.next_seen < upto) {
            released += upto - st.next_seen;
            st.next_seen = upto;
        }
    }
    f.progress += released;
    return released;
}

bool ledger::all_sent() const noexcept {
    return measuring() &&
           std::all_of(flows_.begin(), flows_.end(), [](const flow& f) { return f.sent >= f.end; });
}

bool ledger::drained() const noexcept {
    return std::all_of(flows_.begin(), flows_.end(),
                       [](const flow& f) { return f.progress == f.sent * f.fanout; });
}

std::uint64_t ledger::total_published() const noexcept {
    std::uint64_t total = 0;
    for (const flow& f : flows_) {
        total += f.sent;
    }
    return total;
}

void ledger::fill(run_results& r) const {
    r.foreign = foreign_;
    if (!measuring()) {
        r.warmup_published = total_published();
        return;
    }
    for (const flow& f : flows_) {
        r.warmup_published += f.first;
        r.published += f.sent - f.first;
        r.expected_deliveries += (f.sent - f.first) * f.fanout;
    }
    for (std::uint32_t sub = 0; sub < streams_.size(); ++sub) {
        for (std::uint64_t slot = 0; slot < streams_[sub].size(); ++slot) {
            const auto pub = slot * options_.topics + sub % options_.topics;
            r.deliveries += streams_[sub][slot].tracker.counts(flows_[pub].sent);
        }
    }
    r.publish_seconds = static_cast<double>(last_published_ - measure_start_) / 1e9;
    r.deliver_seconds = static_cast<double>(last_delivered_ - measure_start_) / 1e9;
    r.per_second.assign(per_second_.begin(),
                        per_second_.begin() + static_cast<std::ptrdiff_t>(seconds_used_));
    r.latency = latency_;
}

} // namespace emqx::perf

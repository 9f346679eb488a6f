// The bookkeeping of a run, without any I/O: how many messages each publisher may send now
// (closed-loop window or open-loop schedule), what each subscriber received, the latency
// histogram and the per-second series. The load client's connections only report to it.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include <emqx/perf/options.hpp>
#include <emqx/perf/results.hpp>
#include <emqx/perf/sequence_tracker.hpp>
#include <emqx/perf/stamp.hpp>

namespace emqx::perf {

class ledger {
public:
    /// Sets up one flow per publisher and one stream per (subscriber, publisher) pair that
    /// share a topic. Allocates everything it will need.
    explicit ledger(const run_options& options);

    /// The warm-up starts at `now`: nothing may be sent before; the open-loop schedule is
    /// anchored here.
    void start(std::uint64_t now) noexcept;
    /// The measured phase starts at `now`: everything counted so far is forgotten, and with a
    /// count bound each publisher gets its share of it.
    void begin_measuring(std::uint64_t now) noexcept;
    /// No publisher may send any more.
    void stop_publishing() noexcept;

    /// How many messages publisher `pub` may send at `now`: what its closed-loop window has
    /// room for, or what its open-loop schedule says is due, within its share of the count.
    [[nodiscard]] std::uint64_t allowance(std::uint32_t pub, std::uint64_t now) const noexcept;
    /// The sequence number of publisher `pub`'s next message.
    [[nodiscard]] std::uint64_t next_sequence(std::uint32_t pub) const noexcept;
    /// The time to stamp on message `sequence` of `pub` sent at `now`: `now` in a closed loop,
    /// the intended send time in an open loop.
    [[nodiscard]] std::uint64_t stamp_time(std::uint32_t pub,
                                           std::uint64_t sequence,
                                           std::uint64_t now) const noexcept;
    /// Open loop: when publisher `pub`'s next message is due; max() when none will be.
    [[nodiscard]] std::uint64_t next_due(std::uint32_t pub) const noexcept;

    /// Publisher `pub` sent its next `n` messages at `now`.
    void published(std::uint32_t pub, std::uint64_t n, std::uint64_t now) noexcept;
    /// Subscriber `sub` received a message stamped `s` at `now`.
    void delivered(std::uint32_t sub, const stamp& s, std::uint64_t now) noexcept;
    /// A subscriber received a PUBLISH that this run did not send (no stamp, or a publisher
    /// that does not share its topic).
    void foreign() noexcept { ++foreign_; }

    /// Gives up on deliveries overdue by more than `age_ns` (sent that long ago and not yet
    /// received): they no longer hold places in the closed-loop window nor keep the run from
    /// draining. A broker may drop messages (mosquitto does when a subscriber's queue is full,
    /// QoS 1 and 2 included); the sequence trackers still count them lost unless they come.
    /// Call it regularly (the engine does every tick). Returns the deliveries given up now.
    std::uint64_t release_overdue(std::uint64_t now, std::uint64_t age_ns) noexcept;
    /// Deliveries given up so far by release_overdue().
    [[nodiscard]] std::uint64_t overdue() const noexcept { return overdue_; }

    /// True once the measured phase began and every publisher sent all it may.
    [[nodiscard]] bool all_sent() const noexcept;
    /// True when every message sent has reached (or been overtaken at) every subscriber.
    [[nodiscard]] bool drained() const noexcept;
    [[nodiscard]] bool measuring() const noexcept { return measure_start_ != not_yet; }
    /// Every message published so far, warm-up included.
    [[nodiscard]] std::uint64_t total_published() const noexcept;

    /// Fills the counts, rates, series and histogram of `results`.
    void fill(run_results& results) const;

private:
    static constexpr std::uint64_t not_yet = std::numeric_limits<std::uint64_t>::max();

    struct flow {
        std::uint64_t sent = 0;            ///< next sequence number
        std::uint64_t first = not_yet;     ///< first measured sequence number
        std::uint64_t end = not_yet;       ///< numbers from here on may not be sent
        std::uint64_t progress = 0;        ///< sum of its streams' `next_seen`
        std::uint64_t fanout = 0;          ///< subscribers that share its topic
        std::uint64_t window = 1;          ///< closed loop: messages in flight allowed
        double interval_ns = 0.0;          ///< open loop: time between two messages
    };
    struct stream {
        sequence_tracker tracker;
        std::uint64_t next_seen = 0; ///< one past the highest number seen, warm-up included
    };

    /// What every publisher had sent at one moment: release_overdue()'s memory of the past.
    struct checkpoint {
        std::uint64_t time = 0;
        std::vector<std::uint64_t> sent;
    };

    [[nodiscard]] bool matches(std::uint32_t sub, std::uint32_t pub) const noexcept;
    void record_checkpoint(std::uint64_t now, std::uint64_t spacing) noexcept;
    std::uint64_t release(std::uint32_t pub, std::uint64_t upto) noexcept;
    void count_second(std::uint64_t now, std::uint64_t published, std::uint64_t delivered) noexcept;

    run_options options_;
    std::vector<flow> flows_;
    /// streams_[sub][pub / topics] for the publishers that share the subscriber's topic.
    std::vector<std::vector<stream>> streams_;
    std::uint64_t start_ = not_yet;
    std::uint64_t measure_start_ = not_yet;
    std::uint64_t last_published_ = 0;
    std::uint64_t last_delivered_ = 0;
    std::uint64_t foreign_ = 0;
    std::uint64_t overdue_ = 0;
    /// A ring of checkpoints, spaced at least age / 32 apart, so 34 of them reach back further
    /// than the age asked for.
    std::vector<checkpoint> checkpoints_;
    std::size_t newest_checkpoint_ = 0;
    std::size_t checkpoint_count_ = 0;
    /// Sized for max_time_s up front, so that counting never allocates.
    std::vector<second_sample> per_second_;
    std::uint64_t seconds_used_ = 0;
    histogram latency_;
};

} // namespace emqx::perf

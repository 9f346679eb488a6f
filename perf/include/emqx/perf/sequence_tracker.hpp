// Accounting for one stream of sequence numbers (one publisher as one subscriber sees it):
// delivered, lost, duplicated and reordered, in bounded memory.
#pragma once

#include <cstdint>
#include <vector>

namespace emqx::perf {

/// What a stream's receiver can say about it. Definitions, with H the highest number received
/// so far and W the tracker's window:
/// - delivered: distinct numbers received (each counts once, however often it came);
/// - duplicated: a number received again while it is still within the window (> H - W);
/// - reordered: a number received after a higher one (it fills a gap); it is also delivered;
/// - lost: a number sent but not received, decided when it falls out of the window (it is W or
///   more below H) or when the stream ends (it is above H, or an unfilled gap);
/// - late: a number that arrives when it is already out of the window: it was counted lost,
///   and cannot be told apart from a duplicate; it is counted here and nowhere else.
/// With no late arrivals, delivered + lost equals the numbers sent.
struct sequence_counts {
    std::uint64_t delivered = 0;
    std::uint64_t lost = 0;
    std::uint64_t duplicated = 0;
    std::uint64_t reordered = 0;
    std::uint64_t late = 0;

    sequence_counts& operator+=(const sequence_counts& other) noexcept;
    bool operator==(const sequence_counts&) const = default;
};

/// Tracks one stream that starts at number `first` (numbers below it, e.g. from a warm-up,
/// are ignored). Keeps a ring of W bits for the W numbers below H + 1.
class sequence_tracker {
public:
    static constexpr std::uint64_t default_window = 4096;

    /// `window` is rounded up to a multiple of 64; allocates window / 8 bytes, once.
    explicit sequence_tracker(std::uint64_t window = default_window, std::uint64_t first = 0);

    /// Counts one received number. O(1) for in-order numbers; O(gap) up to O(W) for a jump.
    /// Returns true when it is a new delivery (neither duplicated, late nor ignored).
    bool receive(std::uint64_t number) noexcept;

    /// Forgets everything and starts counting again at `first`.
    void restart(std::uint64_t first) noexcept;

    /// The counts if the sender's last number was `end - 1`: numbers in [first, end) that were
    /// not received are lost. Does not change the tracker.
    [[nodiscard]] sequence_counts counts(std::uint64_t end) const noexcept;

    /// One past the highest number received (or `first` when none).
    [[nodiscard]] std::uint64_t next() const noexcept { return next_; }
    /// Numbers below `first` that were received and ignored.
    [[nodiscard]] std::uint64_t ignored() const noexcept { return ignored_; }
    [[nodiscard]] std::uint64_t window() const noexcept { return window_; }

private:
    [[nodiscard]] bool test(std::uint64_t number) const noexcept;
    void set(std::uint64_t number) noexcept;
    void clear(std::uint64_t number) noexcept;
    void advance(std::uint64_t new_next) noexcept;

    std::uint64_t window_;
    std::vector<std::uint64_t> bits_;
    std::uint64_t first_ = 0;
    std::uint64_t next_ = 0;
    std::uint64_t ignored_ = 0;
    /// Counts so far, `lost` holding only the numbers that left the window unreceived.
    sequence_counts counts_;
};

} // namespace emqx::perf

// Accounting for one stream of sequence numbers with a sliding bitmap window.
#include <emqx/perf/sequence_tracker.hpp>

#include <algorithm>

namespace emqx::perf {

sequence_counts& sequence_counts::operator+=(const sequence_counts& other) noexcept {
    delivered += other.delivered;
    lost += other.lost;
    duplicated += other.duplicated;
    reordered += other.reordered;
    late += other.late;
    return *this;
}

sequence_tracker::sequence_tracker(std::uint64_t window, std::uint64_t first)
    : window_((std::max<std::uint64_t>(window, 1) + 63) / 64 * 64),
      bits_(window_ / 64, 0),
      first_(first),
      next_(first) {}

bool sequence_tracker::test(std::uint64_t number) const noexcept {
    const std::uint64_t slot = number % window_;
    return (bits_[slot / 64] >> (slot % 64) & 1U) != 0;
}

void sequence_tracker::set(std::uint64_t number) noexcept {
    const std::uint64_t slot = number % window_;
    bits_[slot / 64] |= std::uint64_t{1} << (slot % 64);
}

void sequence_tracker::clear(std::uint64_t number) noexcept {
    const std::uint64_t slot = number % window_;
    bits_[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
}

bool sequence_tracker::receive(std::uint64_t number) noexcept {
    if (number < first_) {
        ++ignored_;
        return false;
    }
    if (number >= next_) {
        advance(number + 1);
        set(number);
        ++counts_.delivered;
        return true;
    }
    if (next_ - number > window_) {
        ++counts_.late;
        return false;
    }
    if (test(number)) {
        ++counts_.duplicated;
        return false;
    }
    set(number);
    ++counts_.delivered;
    ++counts_.reordered;
    return true;
}

// Moves the window's top to `new_next`: numbers that leave the window unreceived are lost;
// the slots of the numbers that enter it are cleared (they are gaps until received).
void sequence_tracker::advance(std::uint64_t new_next) noexcept {
    const std::uint64_t old = next_;
    const std::uint64_t leave_from = std::max(first_, old >= window_ ? old - window_ : 0);
    const std::uint64_t leave_to = new_next > window_ ? new_next - window_ : 0;
    for (std::uint64_t n = leave_from; n < std::min(leave_to, old); ++n) {
        if (!test(n)) {
            ++counts_.lost;
        }
    }
    if (leave_to > old) {
        counts_.lost += leave_to - old; // a jump longer than the window: never seen at all
    }
    for (std::uint64_t n = std::max(old, leave_to); n < new_next; ++n) {
        clear(n);
    }
    next_ = new_next;
}

void sequence_tracker::restart(std::uint64_t first) noexcept {
    std::fill(bits_.begin(), bits_.end(), 0);
    first_ = first;
    next_ = first;
    ignored_ = 0;
    counts_ = {};
}

sequence_counts sequence_tracker::counts(std::uint64_t end) const noexcept {
    sequence_counts result = counts_;
    const std::uint64_t from = std::max(first_, next_ >= window_ ? next_ - window_ : 0);
    for (std::uint64_t n = from; n < next_; ++n) {
        if (!test(n)) {
            ++result.lost;
        }
    }
    if (end > next_) {
        result.lost += end - next_;
    }
    return result;
}

} // namespace emqx::perf

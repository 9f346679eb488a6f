// A log-linear latency histogram (HDR style): the bucket arithmetic and the percentile walk.
#include <emqx/perf/histogram.hpp>

#include <algorithm>
#include <bit>
#include <cmath>

namespace emqx::perf {

namespace {

// 2^8 exact values, then 2^7 sub-buckets per power of two: width / lower bound <= 1/128.
constexpr unsigned sub_bits = 7;
constexpr std::uint64_t linear_limit = std::uint64_t{1} << (sub_bits + 1);
constexpr std::uint64_t sub_count = std::uint64_t{1} << sub_bits;
constexpr unsigned top_exponent = 41; // msb of max_trackable
constexpr std::size_t bucket_count = (top_exponent - sub_bits + 1) * sub_count + sub_count;

} // namespace

histogram::histogram() : counts_(bucket_count, 0) {}

std::size_t histogram::index_of(std::uint64_t value) noexcept {
    if (value < linear_limit) {
        return static_cast<std::size_t>(value);
    }
    value = std::min(value, max_trackable);
    const auto exponent = static_cast<unsigned>(std::bit_width(value) - 1);
    const unsigned shift = exponent - sub_bits;
    // (exponent - 7) * 128 + the top eight bits of the value, which lie in [128, 256).
    return static_cast<std::size_t>(std::uint64_t{shift} * sub_count + (value >> shift));
}

std::uint64_t histogram::lowest_of(std::size_t index) noexcept {
    if (index < linear_limit) {
        return index;
    }
    const std::uint64_t shift = index / sub_count - 1;
    const std::uint64_t top_bits = index % sub_count + sub_count;
    return top_bits << shift;
}

std::uint64_t histogram::width_of(std::size_t index) noexcept {
    if (index < linear_limit) {
        return 1;
    }
    return std::uint64_t{1} << (index / sub_count - 1);
}

void histogram::record(std::uint64_t value) noexcept {
    ++counts_[index_of(value)];
    min_ = count_ == 0 ? value : std::min(min_, value);
    max_ = std::max(max_, value);
    sum_ += value;
    ++count_;
}

void histogram::merge(const histogram& other) noexcept {
    if (other.count_ == 0) {
        return;
    }
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        counts_[i] += other.counts_[i];
    }
    min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
    count_ += other.count_;
}

void histogram::reset() noexcept {
    std::fill(counts_.begin(), counts_.end(), 0);
    count_ = 0;
    min_ = 0;
    max_ = 0;
    sum_ = 0;
}

double histogram::mean() const noexcept {
    return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

std::uint64_t histogram::percentile(double p) const noexcept {
    if (count_ == 0) {
        return 0;
    }
    if (!(p > 0.0)) {
        return min();
    }
    if (p >= 100.0) {
        return max_;
    }
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    const double exact_rank = std::ceil(p / 100.0 * static_cast<double>(count_));
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(exact_rank));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            const std::uint64_t middle = lowest_of(i) + (width_of(i) - 1) / 2;
            return std::clamp(middle, min_, max_);
        }
    }
    return max_;
}

} // namespace emqx::perf

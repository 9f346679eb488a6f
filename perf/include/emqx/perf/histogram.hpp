// A log-linear latency histogram (HDR style): constant memory, O(1) recording, at most 1%
// relative error on every percentile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace emqx::perf {

/// Counts values (nanoseconds) in buckets whose width is at most 1/128 of their lower bound:
/// values below 256 are exact; above, each power of two is split into 128 equal sub-buckets.
/// The range reaches 2^42 ns (about 73 minutes); larger values are counted in the top bucket
/// (min, max and mean stay exact for them). Percentiles are returned as the midpoint of the
/// bucket holding the requested rank, so their relative error is below 0.4%.
class histogram {
public:
    /// The largest value kept in its own bucket: 2^42 - 1 ns, about 73 minutes.
    static constexpr std::uint64_t max_trackable = (std::uint64_t{1} << 42) - 1;

    /// Allocates the buckets (about 36 KiB); nothing else ever allocates.
    histogram();

    /// Counts one value. O(1), no allocation, never fails.
    void record(std::uint64_t value) noexcept;
    /// Adds every value recorded in `other` to this one.
    void merge(const histogram& other) noexcept;
    /// Forgets every value.
    void reset() noexcept;

    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
    /// The smallest value recorded, exact; 0 when empty.
    [[nodiscard]] std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
    /// The largest value recorded, exact; 0 when empty.
    [[nodiscard]] std::uint64_t max() const noexcept { return max_; }
    /// The exact arithmetic mean; 0 when empty.
    [[nodiscard]] double mean() const noexcept;
    /// The value below which `p` percent of the recorded values lie (nearest rank), for p in
    /// [0, 100] (clamped); 0 when empty. p = 0 gives min(), p = 100 gives max(), exactly.
    [[nodiscard]] std::uint64_t percentile(double p) const noexcept;

private:
    [[nodiscard]] static std::size_t index_of(std::uint64_t value) noexcept;
    [[nodiscard]] static std::uint64_t lowest_of(std::size_t index) noexcept;
    [[nodiscard]] static std::uint64_t width_of(std::size_t index) noexcept;

    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0;
    std::uint64_t min_ = 0;
    std::uint64_t max_ = 0;
    /// Exact sum; 2^64 ns is 584 years of latency, far beyond any run.
    std::uint64_t sum_ = 0;
};

} // namespace emqx::perf

// Splitting blocks of bytes into lines with the '\n' bits of byte_classes, moving only a
// partial last line.
#include <emqx/diag/log_lines.hpp>

#include <algorithm>
#include <cstring>

namespace emqx::diag {

namespace {
// The classifier reads whole 64-byte words: this much readable room follows the data.
constexpr std::size_t padding = 64;
} // namespace

line_splitter::line_splitter(std::size_t block) : block_(std::max<std::size_t>(block, 1)) {}

bool line_splitter::next(std::string_view& line) noexcept {
    if (scan_ < end_) {
        if (classified_ < end_) {
            // The last word may have been classified partly: do it again from its start.
            classes_.classify(buffer_.get(), classified_ & ~std::size_t{63}, end_);
            classified_ = end_;
        }
        const std::size_t newline = classes_.bits().find(byte_classes::newline, scan_, end_);
        if (newline < end_) {
            line = std::string_view{buffer_.get() + begin_, newline - begin_};
            begin_ = scan_ = newline + 1;
            terminated_ = true;
            return true;
        }
        scan_ = end_;
    }
    if (finished_ && begin_ < end_) {
        line = std::string_view{buffer_.get() + begin_, end_ - begin_};
        begin_ = scan_ = end_;
        terminated_ = false;
        return true;
    }
    return false;
}

std::span<char> line_splitter::space() {
    if (begin_ > 0) {
        std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
        scan_ -= begin_;
        end_ -= begin_;
        begin_ = 0;
        classified_ = 0;
    }
    if (capacity_ - end_ < block_) {
        const std::size_t capacity = std::max(capacity_ * 2, end_ + block_);
        auto bigger = std::make_unique_for_overwrite<char[]>(capacity + padding);
        if (end_ > 0) {
            std::memcpy(bigger.get(), buffer_.get(), end_);
        }
        buffer_ = std::move(bigger);
        capacity_ = capacity;
    }
    return {buffer_.get() + end_, capacity_ - end_};
}

} // namespace emqx::diag

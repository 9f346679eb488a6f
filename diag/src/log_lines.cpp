// Splitting blocks of bytes into lines with memchr, moving only a partial last line.
#include <emqx/diag/log_lines.hpp>

#include <algorithm>
#include <cstring>

namespace emqx::diag {

line_splitter::line_splitter(std::size_t block) : block_(std::max<std::size_t>(block, 1)) {}

bool line_splitter::next(std::string_view& line) noexcept {
    if (scan_ < end_) {
        const char* base = buffer_.get();
        const void* found = std::memchr(base + scan_, '\n', end_ - scan_);
        if (found != nullptr) {
            const auto newline = static_cast<std::size_t>(static_cast<const char*>(found) - base);
            line = std::string_view{base + begin_, newline - begin_};
            begin_ = scan_ = newline + 1;
            return true;
        }
        scan_ = end_;
    }
    if (finished_ && begin_ < end_) {
        line = std::string_view{buffer_.get() + begin_, end_ - begin_};
        begin_ = scan_ = end_;
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
    }
    if (capacity_ - end_ < block_) {
        const std::size_t capacity = std::max(capacity_ * 2, end_ + block_);
        auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
        if (end_ > 0) {
            std::memcpy(bigger.get(), buffer_.get(), end_);
        }
        buffer_ = std::move(bigger);
        capacity_ = capacity;
    }
    return {buffer_.get() + end_, capacity_ - end_};
}

} // namespace emqx::diag

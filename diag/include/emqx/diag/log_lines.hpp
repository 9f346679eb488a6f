// Splitting a byte stream read in large blocks into lines, without a copy per line.
#pragma once

#include <emqx/diag/byte_classes.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

namespace emqx::diag {

/// Bytes go in by blocks (space() then commit()), lines come out as views into the buffer
/// (next()), valid until the next call to space(). A line is split at '\n' only: a '\r'
/// before it, NUL bytes and any other byte stay in the line. After finish(), the bytes after
/// the last '\n' (a truncated last line) come out as one more line.
class line_splitter {
public:
    static constexpr std::size_t default_block = std::size_t{256} * 1024;

    explicit line_splitter(std::size_t block = default_block);

    /// The next complete line; false when more input is needed (or, after finish(), at the end).
    [[nodiscard]] bool next(std::string_view& line) noexcept;
    /// Room for at least one block after the unread bytes: the buffer grows when a line is
    /// longer than a block. Invalidates the views next() gave.
    [[nodiscard]] std::span<char> space();
    /// `n` bytes were written at the start of space().
    void commit(std::size_t n) noexcept { end_ += n; }
    /// The input ended.
    void finish() noexcept { finished_ = true; }

    /// The classes of the buffer's bytes; a line that next() gave and that ended with '\n' is
    /// classified up to and including its '\n'.
    [[nodiscard]] const byte_classes& classes() const noexcept { return classes_; }
    /// Where `line` (the last from next()) starts in the classified buffer, and whether it
    /// ended with a '\n' (the last line of a file may not).
    [[nodiscard]] std::size_t position(std::string_view line) const noexcept {
        return static_cast<std::size_t>(line.data() - buffer_.get());
    }
    [[nodiscard]] bool terminated() const noexcept { return terminated_; }

private:
    std::size_t block_;
    std::unique_ptr<char[]> buffer_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0; // first byte of the current line
    std::size_t scan_ = 0;  // where the search for '\n' resumes (no byte is searched twice)
    std::size_t end_ = 0;   // end of the bytes read
    std::size_t classified_ = 0; // classes_ are valid for [0, classified_)
    byte_classes classes_;
    bool finished_ = false;
    bool terminated_ = false;
};

} // namespace emqx::diag

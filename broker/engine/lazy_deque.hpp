// A std::deque that allocates nothing until its first element: libstdc++'s deque allocates a
// map and a 512-byte block even when empty, and every session holds two of them (inflight and
// queue). An idle connection must stay small (issue 3: at most 1 KB per idle connection).
#pragma once

#include <deque>
#include <memory>
#include <utility>

namespace emqx::broker {

template <typename T>
class lazy_deque {
public:
    using iterator = typename std::deque<T>::iterator;
    using const_iterator = typename std::deque<T>::const_iterator;

    [[nodiscard]] bool empty() const noexcept { return !items_ || items_->empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return items_ ? items_->size() : 0; }

    iterator begin() noexcept { return items_ ? items_->begin() : empty_.begin(); }
    iterator end() noexcept { return items_ ? items_->end() : empty_.end(); }
    const_iterator begin() const noexcept { return items_ ? items_->cbegin() : empty_.cbegin(); }
    const_iterator end() const noexcept { return items_ ? items_->cend() : empty_.cend(); }

    /// Preconditions as std::deque's: not empty.
    T& front() { return items_->front(); }
    const T& front() const { return items_->front(); }
    T& back() { return items_->back(); }
    void pop_front() { items_->pop_front(); }

    void push_back(T value) {
        if (!items_) {
            items_ = std::make_unique<std::deque<T>>();
        }
        items_->push_back(std::move(value));
    }

    /// `it` must be an iterator of this (non-empty) container.
    iterator erase(const_iterator it) { return items_->erase(it); }
    iterator erase(iterator it) { return items_->erase(it); }

    void clear() noexcept { items_.reset(); }

private:
    std::unique_ptr<std::deque<T>> items_;
    /// Stands in for begin()/end() while nothing is allocated; never modified. One per
    /// element type, so its own allocation is paid once, not per session.
    static inline std::deque<T> empty_{};
};

} // namespace emqx::broker

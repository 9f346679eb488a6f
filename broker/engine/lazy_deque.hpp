// A std::deque that allocates nothing until its first element: libstdc++'s deque allocates a
// map and a 512-byte block even when empty, and every session holds two of them (inflight and
// queue). An idle connection must stay small (issue 3: at most 1 KB per idle connection).
#pragma once

#include "engine/lazy_container.hpp"

#include <deque>
#include <utility>

namespace emqx::broker {

template <typename T>
class lazy_deque : public lazy_container<std::deque<T>> {
public:
    using typename lazy_container<std::deque<T>>::iterator;
    using typename lazy_container<std::deque<T>>::const_iterator;

    /// Preconditions as std::deque's: not empty.
    T& front() { return this->items_->front(); }
    const T& front() const { return this->items_->front(); }
    T& back() { return this->items_->back(); }
    void pop_front() { this->items_->pop_front(); }

    void push_back(T value) { this->items().push_back(std::move(value)); }

    /// `it` must be an iterator of this (non-empty) container.
    iterator erase(const_iterator it) { return this->items_->erase(it); }
    iterator erase(iterator it) { return this->items_->erase(it); }
};

} // namespace emqx::broker

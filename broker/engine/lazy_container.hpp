// The common part of lazy_deque and lazy_map: a standard container behind one pointer, allocated
// on first insertion, so that a session that never uses it pays 8 bytes (issue 3: at most 1 KB
// per idle connection).
#pragma once

#include <cstddef>
#include <memory>

namespace emqx::broker {

template <typename Container>
class lazy_container {
public:
    using iterator = typename Container::iterator;
    using const_iterator = typename Container::const_iterator;

    [[nodiscard]] bool empty() const noexcept { return !items_ || items_->empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return items_ ? items_->size() : 0; }

    iterator begin() noexcept { return items_ ? items_->begin() : empty_.begin(); }
    iterator end() noexcept { return items_ ? items_->end() : empty_.end(); }
    const_iterator begin() const noexcept { return items_ ? items_->cbegin() : empty_.cbegin(); }
    const_iterator end() const noexcept { return items_ ? items_->cend() : empty_.cend(); }

    void clear() noexcept { items_.reset(); }

protected:
    /// The container, allocated now if it was not yet.
    Container& items() {
        if (!items_) {
            items_ = std::make_unique<Container>();
        }
        return *items_;
    }

    std::unique_ptr<Container> items_;
    /// Stands in for begin()/end()/find() while nothing is allocated; never modified. One per
    /// container type, so its own allocation is paid once, not per session.
    static inline Container empty_{};
};

} // namespace emqx::broker

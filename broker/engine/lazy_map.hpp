// A std::map that takes one pointer until its first element and gives its memory back when
// emptied: most sessions hold no subscription at all, and an idle connection must stay small
// (issue 3: at most 1 KB per idle connection).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <utility>

namespace emqx::broker {

template <typename Key, typename Value, typename Compare = std::less<>>
class lazy_map {
public:
    using map_type = std::map<Key, Value, Compare>;
    using iterator = typename map_type::iterator;
    using const_iterator = typename map_type::const_iterator;

    [[nodiscard]] bool empty() const noexcept { return !items_ || items_->empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return items_ ? items_->size() : 0; }

    iterator begin() noexcept { return items_ ? items_->begin() : empty_.begin(); }
    iterator end() noexcept { return items_ ? items_->end() : empty_.end(); }
    const_iterator begin() const noexcept { return items_ ? items_->cbegin() : empty_.cbegin(); }
    const_iterator end() const noexcept { return items_ ? items_->cend() : empty_.cend(); }

    template <typename K>
    iterator find(const K& key) {
        return items_ ? items_->find(key) : empty_.end();
    }
    template <typename K>
    const_iterator find(const K& key) const {
        return items_ ? items_->find(key) : empty_.cend();
    }
    template <typename K>
    [[nodiscard]] bool contains(const K& key) const {
        return items_ && items_->contains(key);
    }

    template <typename V>
    void insert_or_assign(Key key, V&& value) {
        map().insert_or_assign(std::move(key), std::forward<V>(value));
    }
    Value& operator[](const Key& key) { return map()[key]; }

    /// `it` must be an iterator of this (non-empty) container. Freeing the map when the last
    /// element goes invalidates nothing else: there is nothing else.
    void erase(const_iterator it) {
        items_->erase(it);
        if (items_->empty()) {
            items_.reset();
        }
    }

    void clear() noexcept { items_.reset(); }

private:
    map_type& map() {
        if (!items_) {
            items_ = std::make_unique<map_type>();
        }
        return *items_;
    }

    std::unique_ptr<map_type> items_;
    /// Stands in for begin()/end()/find() while nothing is allocated; never modified.
    static inline map_type empty_{};
};

} // namespace emqx::broker

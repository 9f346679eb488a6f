// A std::map that takes one pointer until its first element and gives its memory back when
// emptied: most sessions hold no subscription at all, and an idle connection must stay small
// (issue 3: at most 1 KB per idle connection).
#pragma once

#include "engine/lazy_container.hpp"

#include <functional>
#include <map>
#include <utility>

namespace emqx::broker {

template <typename Key, typename Value, typename Compare = std::less<>>
class lazy_map : public lazy_container<std::map<Key, Value, Compare>> {
    using base = lazy_container<std::map<Key, Value, Compare>>;

public:
    using typename base::const_iterator;
    using typename base::iterator;

    template <typename K>
    iterator find(const K& key) {
        return this->items_ ? this->items_->find(key) : base::empty_.end();
    }
    template <typename K>
    const_iterator find(const K& key) const {
        return this->items_ ? this->items_->find(key) : base::empty_.cend();
    }
    template <typename K>
    [[nodiscard]] bool contains(const K& key) const {
        return this->items_ && this->items_->contains(key);
    }

    template <typename V>
    void insert_or_assign(Key key, V&& value) {
        this->items().insert_or_assign(std::move(key), std::forward<V>(value));
    }
    Value& operator[](const Key& key) { return this->items()[key]; }

    /// `it` must be an iterator of this (non-empty) container. Freeing the map when the last
    /// element goes invalidates nothing else: there is nothing else.
    void erase(const_iterator it) {
        this->items_->erase(it);
        if (this->items_->empty()) {
            this->items_.reset();
        }
    }
};

} // namespace emqx::broker

// Retained messages by topic name (3.3.1.3): one value per topic, found by topic filter (4.7).
// Pure data structure: no I/O, no clock, single-threaded.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace emqx::broker {
namespace detail {

/// Hashes a topic level given as any string type, so that a trie's child map is searched with
/// a std::string_view and never builds a std::string to do it.
struct level_hash {
    using is_transparent = void;

    std::size_t operator()(std::string_view level) const noexcept {
        return std::hash<std::string_view>{}(level);
    }
};

/// A trie node's children by level text.
template <typename Node>
using level_children =
    std::unordered_map<std::string, std::unique_ptr<Node>, level_hash, std::equal_to<>>;

/// Reads a topic name or filter one level at a time: "a//b" gives "a", "", "b"; "/" gives
/// "", "" (4.7.1.1: an empty level is a level).
class level_reader {
public:
    explicit level_reader(std::string_view text) noexcept : rest_(text) {}

    /// Sets `level` to the next level and returns true, or returns false after the last one.
    bool next(std::string_view& level) noexcept {
        if (done_) {
            return false;
        }
        const std::size_t slash = rest_.find('/');
        if (slash == std::string_view::npos) {
            level = rest_;
            done_ = true;
            return true;
        }
        level = rest_.substr(0, slash);
        rest_.remove_prefix(slash + 1);
        return true;
    }

private:
    std::string_view rest_;
    bool done_ = false;
};

} // namespace detail

/// The retained message of each topic name. Values are found by exact name (find) or by
/// topic filter (match), the way a new subscription receives the retained messages that
/// match it. Pointers to values stay valid until that topic is set again or erased.
template <typename T>
class retained_map {
public:
    retained_map() = default;
    ~retained_map();
    retained_map(const retained_map&) = delete;
    retained_map& operator=(const retained_map&) = delete;
    /// Takes the other map's contents; the other is left empty.
    retained_map(retained_map&& other) noexcept;
    retained_map& operator=(retained_map&& other) noexcept;

    /// Stores `value` for `topic`, replacing any value it had. Precondition:
    /// mqtt::is_valid_topic_name(topic).
    void set(std::string_view topic, T value);

    /// Removes the value of `topic`; returns true when there was one. Frees trie nodes that no
    /// longer lead to a value.
    bool erase(std::string_view topic);

    /// The value stored for exactly `topic`, or nullptr.
    [[nodiscard]] const T* find(std::string_view topic) const;

    /// Number of topics holding a value.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

    /// Appends to `out` every value whose topic matches topic filter `filter` (4.7): `+` one
    /// level, `#` the parent level and all below, and no wildcard-first filter matching a `$`
    /// topic [MQTT-4.7.2-1]. In no set order. Iterative, so a filter or topic of thousands of
    /// levels cannot exhaust the stack. Precondition: `filter` is a valid non-shared filter.
    void match(std::string_view filter, std::vector<const T*>& out) const;

    /// Calls f(std::string_view topic, const T& value) once per stored value, in no set order.
    /// `f` must not modify the map.
    template <typename F>
    void for_each(F&& f) const;

    /// Erases every value for which pred(std::string_view topic, const T& value) is true (the
    /// expired messages) and returns how many went. `pred` must not modify the map.
    template <typename Pred>
    std::size_t erase_if(Pred&& pred);

    /// Debugging aid for tests: the number of trie nodes below the root (0 when empty).
    [[nodiscard]] std::size_t node_count() const noexcept { return node_count_; }

private:
    struct item {
        std::string topic;
        T value;
    };

    struct node {
        detail::level_children<node> children;
        std::unique_ptr<item> held; ///< its own allocation: interior nodes pay one pointer

        [[nodiscard]] bool empty() const noexcept { return !held && children.empty(); }

        [[nodiscard]] node* child(std::string_view level) const {
            const auto it = children.find(level);
            return it == children.end() ? nullptr : it->second.get();
        }
    };

    /// Where a node hangs: its parent and the level that leads to it.
    struct link {
        node* parent;
        std::string_view level;
    };

    node root_;
    std::size_t size_ = 0;
    std::size_t node_count_ = 0;

    void drop(const link& l);
    static void emit_subtree(const node* top, std::vector<const T*>& out);
};

template <typename T>
retained_map<T>::~retained_map() {
    // Iterative: destroying a 10,000-level chain recursively would exhaust the stack.
    std::vector<std::unique_ptr<node>> pending;
    for (auto& entry : root_.children) {
        pending.push_back(std::move(entry.second));
    }
    while (!pending.empty()) {
        std::unique_ptr<node> n = std::move(pending.back());
        pending.pop_back();
        for (auto& entry : n->children) {
            pending.push_back(std::move(entry.second));
        }
    }
}

template <typename T>
retained_map<T>::retained_map(retained_map&& other) noexcept
    : root_(std::exchange(other.root_, node{})), size_(std::exchange(other.size_, 0)),
      node_count_(std::exchange(other.node_count_, 0)) {}

template <typename T>
retained_map<T>& retained_map<T>::operator=(retained_map&& other) noexcept {
    if (this != &other) {
        retained_map old(std::move(*this)); // frees what this held, iteratively
        root_ = std::exchange(other.root_, node{});
        size_ = std::exchange(other.size_, 0);
        node_count_ = std::exchange(other.node_count_, 0);
    }
    return *this;
}

template <typename T>
void retained_map<T>::set(std::string_view topic, T value) {
    node* n = &root_;
    detail::level_reader reader(topic);
    std::string_view level;
    while (reader.next(level)) {
        auto it = n->children.find(level);
        if (it == n->children.end()) {
            auto fresh = std::make_unique<node>();
            it = n->children.emplace(std::string(level), std::move(fresh)).first;
            ++node_count_;
        }
        n = it->second.get();
    }
    if (n->held) {
        n->held->value = std::move(value);
        return;
    }
    n->held = std::make_unique<item>(item{std::string(topic), std::move(value)});
    ++size_;
}

template <typename T>
bool retained_map<T>::erase(std::string_view topic) {
    std::vector<link> path;
    node* n = &root_;
    detail::level_reader reader(topic);
    std::string_view level;
    while (reader.next(level)) {
        node* next = n->child(level);
        if (next == nullptr) {
            return false;
        }
        path.push_back(link{n, level});
        n = next;
    }
    if (!n->held) {
        return false;
    }
    n->held.reset();
    --size_;
    // Free the emptied nodes bottom-up; the first one still in use stops it.
    for (auto step = path.rbegin(); step != path.rend(); ++step) {
        if (!step->parent->child(step->level)->empty()) {
            break;
        }
        drop(*step);
    }
    return true;
}

template <typename T>
const T* retained_map<T>::find(std::string_view topic) const {
    const node* n = &root_;
    detail::level_reader reader(topic);
    std::string_view level;
    while (n != nullptr && reader.next(level)) {
        n = n->child(level);
    }
    return n != nullptr && n->held ? &n->held->value : nullptr;
}

template <typename T>
void retained_map<T>::match(std::string_view filter, std::vector<const T*>& out) const {
    // Per-thread scratch: no allocation once warm, and concurrent readers do not share it.
    thread_local std::vector<std::string_view> levels;
    thread_local std::vector<std::pair<const node*, std::size_t>> pending;
    levels.clear();
    pending.clear();
    detail::level_reader reader(filter);
    std::string_view level;
    while (reader.next(level)) {
        levels.push_back(level);
    }
    pending.emplace_back(&root_, 0);
    while (!pending.empty()) {
        const auto [n, depth] = pending.back();
        pending.pop_back();
        if (depth == levels.size()) {
            if (n->held) {
                out.push_back(&n->held->value);
            }
            continue;
        }
        // [MQTT-4.7.2-1] a wildcard as the first level does not match a topic starting with $
        const bool skip_dollar = depth == 0;
        if (levels[depth] == "#") {
            // `#` also matches the parent level: "a/#" matches "a" (4.7.1.2)
            if (n->held) {
                out.push_back(&n->held->value);
            }
            for (const auto& [key, child] : n->children) {
                if (!(skip_dollar && key.starts_with('$'))) {
                    emit_subtree(child.get(), out);
                }
            }
        } else if (levels[depth] == "+") {
            for (const auto& [key, child] : n->children) {
                if (!(skip_dollar && key.starts_with('$'))) {
                    pending.emplace_back(child.get(), depth + 1);
                }
            }
        } else if (const node* next = n->child(levels[depth])) {
            pending.emplace_back(next, depth + 1);
        }
    }
}

template <typename T>
void retained_map<T>::emit_subtree(const node* top, std::vector<const T*>& out) {
    thread_local std::vector<const node*> pending;
    pending.clear();
    if (top->held) {
        out.push_back(&top->held->value);
    }
    pending.push_back(top);
    // Each child is emitted as it is met; only those with children of their own are stacked.
    while (!pending.empty()) {
        const node* n = pending.back();
        pending.pop_back();
        for (const auto& entry : n->children) {
            const node* child = entry.second.get();
            if (child->held) {
                out.push_back(&child->held->value);
            }
            if (!child->children.empty()) {
                pending.push_back(child);
            }
        }
    }
}

template <typename T>
template <typename F>
void retained_map<T>::for_each(F&& f) const {
    // A local stack, not per-thread scratch: f may itself call for_each or match.
    std::vector<const node*> pending{&root_};
    while (!pending.empty()) {
        const node* n = pending.back();
        pending.pop_back();
        if (n->held) {
            f(std::string_view(n->held->topic), std::as_const(n->held->value));
        }
        for (const auto& entry : n->children) {
            pending.push_back(entry.second.get());
        }
    }
}

template <typename T>
template <typename Pred>
std::size_t retained_map<T>::erase_if(Pred&& pred) {
    // Pre-order, so every node comes after its parent; walked backwards, each node is seen
    // after all of its descendants and can be freed once they have gone.
    std::vector<std::pair<node*, link>> order{{&root_, link{nullptr, {}}}};
    for (std::size_t i = 0; i < order.size(); ++i) {
        node* n = order[i].first;
        for (auto& [key, child] : n->children) {
            order.emplace_back(child.get(), link{n, key});
        }
    }
    std::size_t erased = 0;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        node* n = it->first;
        if (n->held && pred(std::string_view(n->held->topic), std::as_const(n->held->value))) {
            n->held.reset();
            --size_;
            ++erased;
        }
        if (it->second.parent != nullptr && n->empty()) {
            drop(it->second);
        }
    }
    return erased;
}

template <typename T>
void retained_map<T>::drop(const link& l) {
    // The level view may point into the key being erased: find first, then erase by iterator.
    const auto it = l.parent->children.find(l.level);
    l.parent->children.erase(it);
    --node_count_;
}

} // namespace emqx::broker

// The subscription index: a trie keyed by topic level, with the `+` and `#` children kept
// apart from the literal ones so that matching a topic is one walk down its levels.
#include "router/subscription_tree.hpp"

// For detail::level_hash, level_children and level_reader, which both routing tries share.
#include "router/retained_map.hpp"

#include <emqx/mqtt/topic.hpp>

#include <algorithm>
#include <unordered_map>

namespace emqx::broker {
namespace {

/// A node holding this many subscribers also indexes them by id, so that subscribing and
/// unsubscribing the thousands of clients of one popular filter stay O(1); the index goes when
/// fewer than half as many remain.
constexpr std::size_t index_from = 16;

constexpr std::size_t absent = static_cast<std::size_t>(-1);

} // namespace

struct subscription_tree::group_slot {
    share_group group;
    std::string full_filter; ///< `$share/<group>/<filter>`, as for_each_filter reports it
};

struct subscription_tree::node {
    detail::level_children<node> children;
    std::unique_ptr<node> plus; ///< the `+` child
    std::unique_ptr<node> hash; ///< the `#` child
    std::vector<subscriber_entry> subscribers;
    /// id -> position in `subscribers`; complete when not empty (see index_from).
    std::unordered_map<subscriber_id, std::size_t> index;
    std::string filter; ///< the plain filter ending here, kept while `subscribers` is not empty
    /// Mutable: match() is const, yet hands out share_group* whose cursor the broker advances.
    mutable std::vector<group_slot> groups;

    [[nodiscard]] bool empty() const noexcept {
        return subscribers.empty() && groups.empty() && children.empty() && !plus && !hash;
    }

    /// The child for topic level `level` of a topic name (never a wildcard).
    [[nodiscard]] const node* literal_child(std::string_view level) const {
        const auto it = children.find(level);
        return it == children.end() ? nullptr : it->second.get();
    }

    /// The slot that holds the child for filter level `level`, or nullptr when there is none.
    [[nodiscard]] std::unique_ptr<node>* slot(std::string_view level) {
        if (level == "+") {
            return &plus;
        }
        if (level == "#") {
            return &hash;
        }
        const auto it = children.find(level);
        return it == children.end() ? nullptr : &it->second;
    }

    [[nodiscard]] std::size_t position(subscriber_id id) const {
        if (!index.empty()) {
            const auto it = index.find(id);
            return it == index.end() ? absent : it->second;
        }
        for (std::size_t i = 0; i < subscribers.size(); ++i) {
            if (subscribers[i].id == id) {
                return i;
            }
        }
        return absent;
    }

    /// Adds the entry, or replaces the one of the same subscriber; true when added.
    bool upsert(std::string_view plain_filter, const subscriber_entry& entry) {
        const std::size_t at = position(entry.id);
        if (at != absent) {
            subscribers[at] = entry; // [MQTT-3.8.4-3] a repeated filter replaces the old one
            return false;
        }
        if (subscribers.empty()) {
            filter.assign(plain_filter);
        }
        subscribers.push_back(entry);
        if (!index.empty()) {
            index.emplace(entry.id, subscribers.size() - 1);
        } else if (subscribers.size() >= index_from) {
            for (std::size_t i = 0; i < subscribers.size(); ++i) {
                index.emplace(subscribers[i].id, i);
            }
        }
        return true;
    }

    /// Removes the subscriber's entry; true when it was there. Order is not kept.
    bool remove(subscriber_id id) {
        const std::size_t at = position(id);
        if (at == absent) {
            return false;
        }
        if (at + 1 != subscribers.size()) {
            subscribers[at] = subscribers.back();
            if (!index.empty()) {
                index[subscribers[at].id] = at;
            }
        }
        subscribers.pop_back();
        if (!index.empty()) {
            index.erase(id);
            if (subscribers.size() < index_from / 2) {
                index = {};
            }
        }
        if (subscribers.empty()) {
            filter = std::string{};
        }
        return true;
    }

    /// Joins `entry` to the group, or replaces its options when it is a member; true when it
    /// joined.
    bool join(const mqtt::shared_filter& shared,
              std::string_view full,
              const subscriber_entry& entry) {
        const auto slot = std::find_if(groups.begin(), groups.end(), [&](const group_slot& s) {
            return s.group.group == shared.group;
        });
        if (slot == groups.end()) {
            groups.push_back(group_slot{
                share_group{std::string(shared.group), std::string(shared.filter), {entry}, 0},
                std::string(full)});
            return true;
        }
        auto& members = slot->group.members;
        const auto member = std::find_if(members.begin(), members.end(), [&](const auto& m) {
            return m.id == entry.id;
        });
        if (member != members.end()) {
            *member = entry; // keeps its place in the round-robin order
            return false;
        }
        members.push_back(entry);
        return true;
    }

    /// Takes the subscriber out of the group; an emptied group goes. True when it was in it.
    bool leave(std::string_view group, subscriber_id id) {
        const auto slot = std::find_if(groups.begin(), groups.end(), [&](const group_slot& s) {
            return s.group.group == group;
        });
        if (slot == groups.end()) {
            return false;
        }
        auto& g = slot->group;
        const auto member = std::find_if(g.members.begin(), g.members.end(), [&](const auto& m) {
            return m.id == id;
        });
        if (member == g.members.end()) {
            return false;
        }
        const auto at = static_cast<std::size_t>(member - g.members.begin());
        g.members.erase(member);
        if (g.members.empty()) {
            groups.erase(slot);
            return true;
        }
        // The member that was due next stays due next.
        if (at < g.cursor) {
            --g.cursor;
        }
        if (g.cursor >= g.members.size()) {
            g.cursor = 0;
        }
        return true;
    }
};

subscription_tree::subscription_tree() : root_(std::make_unique<node>()) {}

subscription_tree::~subscription_tree() {
    // Iterative: destroying a 10,000-level chain recursively would exhaust the stack.
    std::vector<std::unique_ptr<node>> pending;
    pending.push_back(std::move(root_));
    while (!pending.empty()) {
        std::unique_ptr<node> n = std::move(pending.back());
        pending.pop_back();
        if (n->plus) {
            pending.push_back(std::move(n->plus));
        }
        if (n->hash) {
            pending.push_back(std::move(n->hash));
        }
        for (auto& entry : n->children) {
            pending.push_back(std::move(entry.second));
        }
    }
}

bool subscription_tree::subscribe(std::string_view filter, const subscriber_entry& entry) {
    bool added = false;
    if (mqtt::is_shared_filter(filter)) {
        const auto shared = mqtt::parse_shared_filter(filter);
        if (!shared) {
            return false; // precondition broken: hold nothing rather than an unmatchable filter
        }
        added = make_path(shared->filter).join(*shared, filter, entry);
    } else {
        added = make_path(filter).upsert(filter, entry);
    }
    if (added) {
        ++size_;
    }
    return added;
}

bool subscription_tree::unsubscribe(std::string_view filter, subscriber_id id) {
    bool removed = false;
    if (mqtt::is_shared_filter(filter)) {
        const auto shared = mqtt::parse_shared_filter(filter);
        node* n = shared ? find_path(shared->filter) : nullptr;
        removed = n != nullptr && n->leave(shared->group, id);
    } else {
        node* n = find_path(filter);
        removed = n != nullptr && n->remove(id);
    }
    if (!removed) {
        return false;
    }
    --size_;
    prune();
    return true;
}

void subscription_tree::match(std::string_view topic, match_result& out) const {
    out.clear();
    // Per-thread scratch: no allocation once warm, and concurrent readers do not share it.
    thread_local std::vector<std::string_view> levels;
    thread_local std::vector<std::pair<const node*, std::size_t>> pending;
    levels.clear();
    pending.clear();
    detail::level_reader reader(topic);
    std::string_view level;
    while (reader.next(level)) {
        levels.push_back(level);
    }
    const auto emit = [&out](const node& n) {
        for (const auto& entry : n.subscribers) {
            out.subscribers.push_back(&entry);
        }
        for (auto& slot : n.groups) {
            out.groups.push_back(&slot.group);
        }
    };
    // [MQTT-4.7.2-1] a wildcard as the first level does not match a topic starting with `$`
    const bool dollar = topic.starts_with('$');
    pending.emplace_back(root_.get(), 0);
    while (!pending.empty()) {
        const auto [n, depth] = pending.back();
        pending.pop_back();
        if (depth == levels.size()) {
            emit(*n);
            if (n->hash) {
                emit(*n->hash); // `#` also matches the parent level: "a/#" matches "a"
            }
            continue;
        }
        if (depth != 0 || !dollar) {
            if (n->hash) {
                emit(*n->hash);
            }
            if (n->plus) {
                pending.emplace_back(n->plus.get(), depth + 1);
            }
        }
        if (const node* next = n->literal_child(levels[depth])) {
            pending.emplace_back(next, depth + 1);
        }
    }
}

subscription_tree::node& subscription_tree::make_path(std::string_view filter) {
    node* n = root_.get();
    detail::level_reader reader(filter);
    std::string_view level;
    while (reader.next(level)) {
        std::unique_ptr<node>* slot = n->slot(level);
        if (slot == nullptr) {
            auto fresh = std::make_unique<node>();
            slot = &n->children.emplace(std::string(level), std::move(fresh)).first->second;
            ++node_count_;
        } else if (!*slot) {
            *slot = std::make_unique<node>(); // an empty `+` or `#` slot
            ++node_count_;
        }
        n = slot->get();
    }
    return *n;
}

subscription_tree::node* subscription_tree::find_path(std::string_view filter) {
    path_.clear();
    node* n = root_.get();
    detail::level_reader reader(filter);
    std::string_view level;
    while (reader.next(level)) {
        std::unique_ptr<node>* slot = n->slot(level);
        if (slot == nullptr || !*slot) {
            return nullptr;
        }
        path_.push_back(path_step{n, level});
        n = slot->get();
    }
    return n;
}

void subscription_tree::prune() {
    // path_ still holds the way down that find_path took. Free emptied nodes bottom-up; the
    // first one still in use stops it (and keeps everything above it).
    for (auto step = path_.rbegin(); step != path_.rend(); ++step) {
        std::unique_ptr<node>* slot = step->parent->slot(step->level);
        if (!(*slot)->empty()) {
            break;
        }
        if (slot == &step->parent->plus || slot == &step->parent->hash) {
            slot->reset();
        } else {
            // By iterator: erase by key would build a std::string from the view.
            step->parent->children.erase(step->parent->children.find(step->level));
        }
        --node_count_;
    }
}

void subscription_tree::collect_filters(
    std::vector<std::pair<std::string_view, std::size_t>>& out) const {
    std::vector<const node*> pending{root_.get()};
    while (!pending.empty()) {
        const node* n = pending.back();
        pending.pop_back();
        if (!n->subscribers.empty()) {
            out.emplace_back(n->filter, n->subscribers.size());
        }
        for (const auto& slot : n->groups) {
            out.emplace_back(slot.full_filter, slot.group.members.size());
        }
        if (n->plus) {
            pending.push_back(n->plus.get());
        }
        if (n->hash) {
            pending.push_back(n->hash.get());
        }
        for (const auto& entry : n->children) {
            pending.push_back(entry.second.get());
        }
    }
}

} // namespace emqx::broker

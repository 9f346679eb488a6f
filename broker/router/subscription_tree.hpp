// The subscription index: which sessions hold which topic filters, and who gets a message
// published on a topic (4.7, 4.8). Pure data structure: no I/O, no clock, single-threaded.
#pragma once

#include <emqx/mqtt/packet.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emqx::broker {

/// The broker's handle for a session. Stable while the session exists.
using subscriber_id = std::uint32_t;

/// One subscription of one subscriber to one filter.
struct subscriber_entry {
    subscriber_id id = 0;
    mqtt::subscribe_options options;
    /// The v5 Subscription Identifier given with this filter; 0 when none (3.8.2.1.2).
    std::uint32_t subscription_identifier = 0;

    bool operator==(const subscriber_entry&) const = default;
};

/// The members of one shared subscription group for one filter (`$share/<group>/<filter>`).
/// The broker picks the member that gets each message (4.8.2); `cursor` is its round-robin
/// position, kept here so that it survives between messages.
struct share_group {
    std::string group;  ///< <group>
    std::string filter; ///< the inner <filter>, without "$share/<group>/"
    std::vector<subscriber_entry> members; ///< in the order they joined
    std::size_t cursor = 0;
};

/// What match() found. Reuse one across calls: after warm-up, matching allocates nothing.
/// Pointers are valid until the tree is next modified.
struct match_result {
    /// Non-shared subscriptions whose filter matches: one entry per (subscriber, filter), so
    /// a subscriber with overlapping filters appears once per matching filter.
    std::vector<const subscriber_entry*> subscribers;
    /// Shared groups with a matching filter, one per (group, filter).
    std::vector<share_group*> groups;

    void clear() noexcept {
        subscribers.clear();
        groups.clear();
    }
};

class subscription_tree {
public:
    subscription_tree();
    ~subscription_tree();
    subscription_tree(const subscription_tree&) = delete;
    subscription_tree& operator=(const subscription_tree&) = delete;

    /// Adds `entry` under `filter`, or, when this subscriber already holds exactly this filter,
    /// replaces its options and identifier [MQTT-3.8.4-3]. A `$share/<group>/<f>` filter joins
    /// the group (a subscriber is in a group at most once per filter). Returns true when the
    /// subscription is new. Precondition: mqtt::is_valid_topic_filter(filter).
    bool subscribe(std::string_view filter, const subscriber_entry& entry);

    /// Removes the subscriber's subscription to exactly `filter` (a `$share/...` filter
    /// leaves the group; an emptied group disappears). Returns true when it existed. Frees
    /// tree nodes that no longer hold anything.
    bool unsubscribe(std::string_view filter, subscriber_id id);

    /// Fills `out` (cleared first) with everything matching topic name `topic`: `+` and `#`
    /// as 4.7 says, and no wildcard-first filter matching a `$` topic [MQTT-4.7.2-1].
    /// Iterative (no recursion), so a topic of thousands of levels cannot exhaust the stack.
    /// Precondition: mqtt::is_valid_topic_name(topic).
    void match(std::string_view topic, match_result& out) const;

    /// Number of (subscriber, filter) subscriptions, shared ones included.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

    /// Calls f(std::string_view filter, std::size_t subscriptions) once per distinct filter
    /// held (a shared one as its full `$share/<group>/<filter>` text), in no set order. For
    /// the cluster's route sync and /api/v1/routes.
    template <typename F>
    void for_each_filter(F&& f) const;

    /// Debugging aid for tests: the number of trie nodes below the root (0 when the tree holds
    /// nothing), to show that unsubscribing frees what subscribing built.
    [[nodiscard]] std::size_t node_count() const noexcept { return node_count_; }

private:
    struct node;
    struct group_slot;
    /// One step of the way down to a filter's node, kept so that unsubscribe can prune upward.
    struct path_step {
        node* parent;
        std::string_view level;
    };

    std::unique_ptr<node> root_;
    std::size_t size_ = 0;
    std::size_t node_count_ = 0;
    std::vector<path_step> path_; ///< unsubscribe's scratch, kept to avoid allocating each time

    node& make_path(std::string_view filter);
    [[nodiscard]] node* find_path(std::string_view filter);
    void prune();
    void collect_filters(std::vector<std::pair<std::string_view, std::size_t>>& out) const;
};

template <typename F>
void subscription_tree::for_each_filter(F&& f) const {
    std::vector<std::pair<std::string_view, std::size_t>> filters;
    collect_filters(filters);
    for (const auto& [filter, count] : filters) {
        f(filter, count);
    }
}

} // namespace emqx::broker

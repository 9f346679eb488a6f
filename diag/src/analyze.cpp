// Counting log records: levels, components, categories, messages, errors per minute and the
// MQTT events the findings are made from.
#include <emqx/diag/analyze.hpp>

#include "count_table.hpp"
#include "words.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstring>

namespace emqx::diag {

namespace {

std::string lower(std::string_view text) {
    std::string out{text};
    for (auto& ch : out) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    return out;
}

bool contains_any(std::string_view text, std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(),
                       [text](std::string_view w) { return text.find(w) != std::string_view::npos; });
}

// "10.0.0.7:51234" -> "10.0.0.7", "[::1]:1883" -> "::1"; anything else unchanged.
std::string_view address_only(std::string_view peer) {
    if (!peer.empty() && peer.front() == '[') {
        const auto close = peer.find(']');
        return peer.substr(1, close == std::string_view::npos ? peer.size() - 1 : close - 1);
    }
    const auto colon = peer.rfind(':');
    if (colon != std::string_view::npos && peer.find(':') == colon) {
        return peer.substr(0, colon);
    }
    return peer;
}

// The peer a cluster event is about: its node id, else its address.
std::string cluster_peer(const log_view& r, std::string& scratch) {
    for (const auto key : {known_field::node, known_field::peer, known_field::addr, known_field::address}) {
        if (const auto value = r.field(key, scratch); !value.empty()) {
            return std::string{value};
        }
    }
    return "?";
}

// What an mqtt line is for the findings, and what a cluster line about a peer link is.
enum mqtt_event : std::uint8_t { mqtt_none, mqtt_connected, mqtt_taken_over, mqtt_protocol_error,
                                 mqtt_disconnect };
enum link_event : std::uint8_t { link_none, link_other, link_down, link_up };

char ascii_lower(char ch) noexcept {
    return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + ('a' - 'A')) : ch;
}

// `word` (lower case) in `text`, ignoring the case of `text`.
bool contains_lower(std::string_view text, std::string_view word) noexcept {
    if (word.size() > text.size()) {
        return false;
    }
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
        std::size_t n = 0;
        while (n < word.size() && ascii_lower(text[i + n]) == word[n]) {
            ++n;
        }
        if (n == word.size()) {
            return true;
        }
    }
    return false;
}

bool is_word_char(char ch) noexcept {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '-';
}

// Masks one token: addresses, long hex/uuid ids, then digit runs.
void append_masked(std::string& out, std::string_view token) {
    const bool has_digit = std::any_of(token.begin(), token.end(),
                                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
    if (!has_digit) {
        out += token;
        return;
    }
    const auto dots = std::count(token.begin(), token.end(), '.');
    const bool address_chars = std::all_of(token.begin(), token.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.' || c == ':';
    });
    if (address_chars && dots == 3) {
        out += "<addr>";
        return;
    }
    const bool hex = std::all_of(token.begin(), token.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == '-';
    });
    if (hex && token.size() >= 8) {
        out += "<id>";
        return;
    }
    bool in_digits = false;
    for (const char ch : token) {
        if (std::isdigit(static_cast<unsigned char>(ch)) != 0) {
            if (!in_digits) {
                out += "<n>";
            }
            in_digits = true;
        } else {
            out += ch;
            in_digits = false;
        }
    }
}

// The first and last eight bytes of a text (zero-padded when shorter).
struct edge_words {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
};

// The first and last eight bytes of a text; a shorter text as one word (detail::short_word).
[[gnu::always_inline]] inline edge_words edges_of(std::string_view text) noexcept {
    if (text.size() < 8) {
        return {detail::short_word(text.data(), text.size()), 0};
    }
    return {detail::load_word(text.data()), detail::load_word(text.data() + text.size() - 8)};
}

// Hashes the lengths and the first and last eight bytes only: the few distinct messages differ
// there, and equal hashes are compared in full anyway.
std::uint64_t message_hash(std::string_view component, std::string_view message) noexcept {
    const edge_words m = edges_of(message);
    const edge_words c = edges_of(component);
    std::uint64_t h = (m.first ^ (message.size() << 56)) * 0x9e3779b97f4a7c15ULL;
    h ^= (m.last + c.first) * 0xbf58476d1ce4e5b9ULL;
    h ^= (c.last ^ component.size()) * 0x94d049bb133111ebULL;
    h ^= h >> 32; // the products differ mostly in their high bits: bring them down
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 29);
}

} // namespace

std::string normalize_message(std::string_view message) {
    std::string out;
    out.reserve(message.size());
    std::size_t pos = 0;
    while (pos < message.size()) {
        if (!is_word_char(message[pos]) && message[pos] != '.' && message[pos] != ':') {
            out += message[pos++];
            continue;
        }
        std::size_t end = pos;
        while (end < message.size() &&
               (is_word_char(message[end]) || message[end] == '.' || message[end] == ':')) {
            ++end;
        }
        std::string_view token = message.substr(pos, end - pos);
        // Keep a sentence's trailing punctuation outside the token.
        std::size_t trail = 0;
        while (trail < token.size() && (token[token.size() - 1 - trail] == '.' ||
                                        token[token.size() - 1 - trail] == ':')) {
            ++trail;
        }
        append_masked(out, token.substr(0, token.size() - trail));
        out += token.substr(token.size() - trail);
        pos = end;
    }
    return out;
}

std::optional<std::int64_t> parse_duration_ms(std::string_view text) noexcept {
    if (text.empty()) {
        return std::nullopt;
    }
    std::int64_t unit = 1000;
    const char last = text.back();
    if (std::isalpha(static_cast<unsigned char>(last)) != 0) {
        switch (last) {
        case 's': unit = 1000; break;
        case 'm': unit = 60'000; break;
        case 'h': unit = 3'600'000; break;
        case 'd': unit = 86'400'000; break;
        case 'w': unit = 7 * 86'400'000LL; break;
        default: return std::nullopt;
        }
        text.remove_suffix(1);
    }
    if (text.empty() || text.size() > 9) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (const char ch : text) {
        if (std::isdigit(static_cast<unsigned char>(ch)) == 0) {
            return std::nullopt;
        }
        value = value * 10 + (ch - '0');
    }
    return value * unit;
}

std::optional<std::int64_t> parse_time_bound(std::string_view text, std::int64_t now_ms) {
    if (const auto duration = parse_duration_ms(text)) {
        return now_ms - *duration;
    }
    if (text.size() == 10) {
        return parse_timestamp(std::string{text} + "T00:00:00Z");
    }
    if (text.size() == 19) {
        return parse_timestamp(std::string{text} + "Z");
    }
    return parse_timestamp(text);
}

struct analyzer::counters {
    count_table flapping;
    count_table takeovers;
    count_table disconnect_reasons;
    count_table protocol_errors;
    count_table auth_by_username;
    count_table auth_by_peer;

    // A count is added a few lines late: its slot is prefetched now and read after the next
    // lines are parsed, instead of the parser waiting for memory on every connect.
    struct pending_add {
        count_table* table = nullptr;
        std::uint64_t hash = 0;
        std::uint64_t line = 0;
        std::string key;
    };
    static constexpr std::size_t ring_size = 32; // a power of two, above delay * adds per line
    static constexpr std::uint64_t delay = 4;    // lines
    std::array<pending_add, ring_size> pending{};

    // Whether a reason= value speaks of slowness, remembered per distinct value: a log has few.
    struct reason_verdict {
        std::string text;
        bool slow = false;
        bool known = false;
    };
    std::array<reason_verdict, 64> reasons{};

    bool slow_reason(std::string_view reason) {
        auto& v = reasons[static_cast<std::size_t>(short_hash(reason)) % reasons.size()];
        if (!v.known || !detail::same_text(v.text, reason)) {
            v.text.assign(reason);
            v.slow = contains_lower(reason, "timeout") || contains_lower(reason, "slow") ||
                     contains_lower(reason, "lag");
            v.known = true;
        }
        return v.slow;
    }
    std::size_t head = 0; // oldest pending
    std::size_t tail = 0; // next free
    std::uint64_t line = 0;

    void apply_oldest() {
        auto& p = pending[head++ % ring_size];
        p.table->add(p.key, p.hash);
    }

    void bump(count_table& table, std::string_view key) {
        if (tail - head == ring_size) {
            apply_oldest();
        }
        auto& p = pending[tail++ % ring_size];
        p.table = &table;
        p.hash = short_hash(key);
        p.line = line;
        p.key.assign(key);
        table.prefetch(p.hash);
    }

    /// Called once per line: applies the adds made `delay` lines ago.
    void next_line() {
        ++line;
        while (head != tail && pending[head % ring_size].line + delay <= line) {
            apply_oldest();
        }
    }

    void flush() {
        while (head != tail) {
            apply_oldest();
        }
    }
};

analyzer::analyzer(analyze_options options)
    : options_(std::move(options)), counters_(std::make_unique<counters>()) {}

analyzer::~analyzer() = default;

void analyzer::add(const log_record& record) {
    record_view_.assign(record);
    add(record_view_);
}

analyzer::message_entry& analyzer::entry_for(const log_view& r) {
    const std::uint64_t hash = message_hash(r.component, r.message);
    std::size_t mask = index_.size() - 1;
    std::size_t slot = static_cast<std::size_t>(hash) & mask;
    for (; !index_.empty() && index_[slot] != nullptr; slot = (slot + 1) & mask) {
        const auto& stats = index_[slot]->stats;
        if (detail::same_text(stats.message, r.message) && detail::same_text(stats.component, r.component)) {
            return *index_[slot];
        }
    }
    if ((messages_.size() + 1) * 2 > index_.size()) {
        index_.assign(index_.empty() ? 64 : index_.size() * 2, nullptr);
        mask = index_.size() - 1;
        for (auto& entry : messages_) {
            std::size_t i = static_cast<std::size_t>(message_hash(entry.stats.component, entry.stats.message)) & mask;
            while (index_[i] != nullptr) {
                i = (i + 1) & mask;
            }
            index_[i] = &entry;
        }
        slot = static_cast<std::size_t>(hash) & mask;
        while (index_[slot] != nullptr) {
            slot = (slot + 1) & mask;
        }
    }
    message_entry& e = messages_.emplace_back();
    index_[slot] = &e;
    e.stats.component = r.component;
    e.stats.message = r.message;
    e.stats.first_ms = r.unix_ms;
    const std::string text = lower(r.message);
    e.error_word = text.find("panic") != std::string::npos;
    e.connection = text.find("connect") != std::string::npos;
    e.auth = r.component == "auth" || text.find("auth") != std::string::npos;
    e.cluster = r.component == "cluster" || contains_any(text, {"cluster", "join", "peer"});
    e.performance = contains_any(text, {"timeout", "slow", "lag"});
    e.auth_failure = r.component == "auth" && contains_any(text, {"fail", "denied", "refused"});
    if (r.component == "mqtt") {
        if (text == "client connected") {
            e.mqtt = mqtt_connected;
        } else if (text.find("taken over") != std::string::npos) {
            e.mqtt = mqtt_taken_over;
        } else if (text.find("protocol error") != std::string::npos) {
            e.mqtt = mqtt_protocol_error;
        } else if (contains_any(text, {"disconnect", "closing", "refused"})) {
            e.mqtt = mqtt_disconnect;
            e.disconnect_key = text.find("keep alive") != std::string::npos   ? "keep_alive_timeout"
                               : text.find("no connect") != std::string::npos ? "connect_timeout"
                               : text == "client disconnected"                ? "normal"
                                                                              : normalize_message(text);
        }
    }
    if (r.component == "cluster" && text.find("peer") != std::string::npos) {
        e.link = contains_any(text, {"disconnect", "down", "lost", "closed", "failed", "refused"})
                     ? link_down
                 : contains_any(text, {"connected", " up", "joined", "established"}) ? link_up
                                                                                     : link_other;
    }
    return e;
}

analyzer::message_entry& analyzer::entry_of(const log_view& r) {
    if (r.shape == 0 || !r.shapes) {
        return entry_for(r);
    }
    if (shaped_ == nullptr || shaped_->owner != r.shapes) {
        const auto it = std::find_if(shape_entries_.begin(),
                                     shape_entries_.end(),
                                     [&](const shape_entries& s) { return s.owner == r.shapes; });
        shaped_ = it != shape_entries_.end()
                      ? &*it
                      : &shape_entries_.emplace_back(shape_entries{r.shapes, {}});
    }
    auto& entries = shaped_->entries;
    if (r.shape > entries.size()) {
        entries.resize(r.shape, nullptr);
    }
    message_entry*& e = entries[r.shape - 1];
    if (e == nullptr) {
        e = &entry_for(r);
    }
    return *e;
}

void analyzer::add(const log_view& r) {
    counters_->next_line();
    if ((options_.since_ms && r.unix_ms < *options_.since_ms) ||
        (options_.until_ms && r.unix_ms >= *options_.until_ms) ||
        (!options_.nodes.empty() && options_.nodes.count(std::string{r.node}) == 0)) {
        return;
    }
    auto& res = result_;
    ++res.records;
    ++res.levels[static_cast<std::size_t>(r.level)];
    if (!detail::same_text(r.node, last_node_) || res.nodes.empty()) {
        res.nodes.emplace(r.node);
        last_node_.assign(r.node);
    }

    message_entry& e = entry_of(r);
    if (r.level >= log_level::error || e.error_word) {
        add_error(r);
    }
    if (e.performance) {
        ++res.categories.performance;
    } else if (const auto reason = r.field(known_field::reason, scratch_); !reason.empty()) {
        res.categories.performance += counters_->slow_reason(reason) ? 1U : 0U;
    }

    auto& m = e.stats;
    ++m.count;
    m.level = std::max(m.level, r.level);
    m.first_ms = std::min(m.first_ms, r.unix_ms);
    m.last_ms = std::max(m.last_ms, r.unix_ms);
    if (!detail::same_text(r.node, e.last_node) || m.count == 1) {
        if (m.nodes.size() < 64) {
            m.nodes.emplace(r.node);
        }
        e.last_node.assign(r.node);
    }
    add_mqtt(r, e);
}

void analyzer::add_error(const log_view& r) {
    auto& res = result_;
    ++res.categories.errors;
    const std::int64_t minute = r.unix_ms - r.unix_ms % 60'000;
    if (minute != minute_ || minute_count_ == nullptr) {
        minute_ = minute;
        minute_count_ = &res.errors_per_minute[minute];
    }
    ++*minute_count_;
    const std::size_t keep = options_.latest_errors;
    if (keep > 0) {
        if (latest_.size() < keep) {
            latest_.emplace_back();
        }
        r.copy_to(latest_[static_cast<std::size_t>(errors_seen_ % keep)]);
    }
    ++errors_seen_;
}

void analyzer::add_mqtt(const log_view& r, const message_entry& e) {
    auto& res = result_;
    if (const auto id = r.field(known_field::cluster_id, scratch_); !id.empty() && (id != last_cluster_id_ || res.cluster_ids.empty())) {
        res.cluster_ids.emplace(id);
        last_cluster_id_.assign(id);
    }
    if (e.auth_failure) {
        const auto username = r.field(known_field::username, scratch_);
        counters_->auth_by_username.add(username.empty() ? "-" : username);
        const auto peer = r.field(known_field::peer, scratch_);
        counters_->bump(counters_->auth_by_peer, address_only(peer.empty() ? "-" : peer));
    }
    switch (e.mqtt) {
    case mqtt_connected: counters_->bump(counters_->flapping, r.field(known_field::client_id, scratch_)); break;
    case mqtt_taken_over:
        counters_->bump(counters_->takeovers, r.field(known_field::client_id, scratch_));
        counters_->disconnect_reasons.add("session_taken_over");
        break;
    case mqtt_protocol_error: {
        const auto reason = r.field(known_field::reason, scratch_);
        counters_->protocol_errors.add(reason.empty() ? "unknown" : reason);
        counters_->disconnect_reasons.add(reason.empty() ? "protocol_error" : reason);
        break;
    }
    case mqtt_disconnect: {
        const auto reason = r.field(known_field::reason, scratch_);
        counters_->disconnect_reasons.add(reason.empty() ? std::string_view{e.disconnect_key} : reason);
        break;
    }
    default: break;
    }
    if (e.link != link_none) {
        auto& link = res.cluster_links[cluster_peer(r, scratch_)];
        link.first += e.link == link_down ? 1U : 0U;
        link.second += e.link == link_up ? 1U : 0U;
    }
}

analysis analyzer::finish(std::vector<file_stats> files, std::vector<bad_line> bad) {
    analysis res = std::move(result_);
    result_ = {};
    res.files = std::move(files);
    res.bad_lines = std::move(bad);
    for (const auto& f : res.files) {
        res.unparsable += f.unparsable;
    }
    counters_->flush();
    // What each distinct message stands for, summed over its records once here rather than
    // counted on every line.
    for (const auto& entry : messages_) {
        const std::uint64_t n = entry.stats.count;
        res.categories.connections += entry.connection ? n : 0U;
        res.categories.auth += entry.auth ? n : 0U;
        res.categories.cluster += entry.cluster ? n : 0U;
        res.components[entry.stats.component] += n;
        res.first_ms = std::min(res.first_ms.value_or(entry.stats.first_ms), entry.stats.first_ms);
        res.last_ms = std::max(res.last_ms.value_or(entry.stats.last_ms), entry.stats.last_ms);
    }
    // Only the clients at the threshold are reported: the others are not worth a map entry.
    res.flapping_clients = counters_->flapping.ordered(options_.flap_threshold);
    res.takeovers = counters_->takeovers.ordered();
    res.disconnect_reasons = counters_->disconnect_reasons.ordered();
    res.protocol_errors = counters_->protocol_errors.ordered();
    res.auth_failures_by_username = counters_->auth_by_username.ordered();
    res.auth_failures_by_peer = counters_->auth_by_peer.ordered();
    const std::size_t oldest = latest_.size() < options_.latest_errors
                                   ? 0
                                   : static_cast<std::size_t>(errors_seen_ % latest_.size());
    for (std::size_t i = 0; i < latest_.size(); ++i) {
        res.latest_errors.push_back(std::move(latest_[(oldest + i) % latest_.size()]));
    }
    std::map<std::string, message_stats> grouped; // by component and normalised message
    for (auto& entry : messages_) {
        auto& stats = entry.stats;
        stats.message = normalize_message(stats.message);
        auto& g = grouped[stats.component + '\t' + stats.message];
        if (g.count == 0) {
            g = std::move(stats);
            continue;
        }
        g.count += stats.count;
        g.level = std::max(g.level, stats.level);
        g.first_ms = std::min(g.first_ms, stats.first_ms);
        g.last_ms = std::max(g.last_ms, stats.last_ms);
        g.nodes.merge(stats.nodes);
    }
    messages_.clear();
    index_.clear();
    shape_entries_.clear();
    shaped_ = nullptr;
    counters_ = std::make_unique<counters>();
    latest_.clear();
    errors_seen_ = 0;
    minute_count_ = nullptr;
    last_node_.clear();
    last_cluster_id_.clear();
    for (auto& [key, stats] : grouped) {
        res.top_messages.push_back(std::move(stats));
    }
    std::sort(res.top_messages.begin(), res.top_messages.end(), [](const auto& a, const auto& b) {
        return a.count != b.count ? a.count > b.count : a.first_ms < b.first_ms;
    });
    if (res.top_messages.size() > options_.top) {
        res.top_messages.resize(options_.top);
    }
    add_findings(res);
    return res;
}

analysis analyze_files(const std::vector<std::string>& paths, const analyze_options& options) {
    merged_views logs{expand_log_paths(paths)};
    analyzer a{options};
    while (const log_view* record = logs.next()) {
        a.add(*record);
    }
    return a.finish(logs.stats(), logs.bad_lines());
}

} // namespace emqx::diag

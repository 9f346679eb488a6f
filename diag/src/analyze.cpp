// Counting log records: levels, components, categories, messages, errors per minute and the
// MQTT events the findings are made from.
#include <emqx/diag/analyze.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>

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
std::string address_only(std::string_view peer) {
    if (!peer.empty() && peer.front() == '[') {
        const auto close = peer.find(']');
        return std::string{peer.substr(1, close == std::string_view::npos ? peer.size() - 1 : close - 1)};
    }
    const auto colon = peer.rfind(':');
    if (colon != std::string_view::npos && peer.find(':') == colon) {
        return std::string{peer.substr(0, colon)};
    }
    return std::string{peer};
}

// The peer a cluster event is about: its node id, else its address.
std::string cluster_peer(const log_record& r) {
    for (const char* key : {"node", "peer", "addr", "address"}) {
        if (!r.field(key).empty()) {
            return std::string{r.field(key)};
        }
    }
    return "?";
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

analyzer::analyzer(analyze_options options) : options_(std::move(options)) {}

void analyzer::add(const log_record& r) {
    if ((options_.since_ms && r.unix_ms < *options_.since_ms) ||
        (options_.until_ms && r.unix_ms >= *options_.until_ms) ||
        (!options_.nodes.empty() && options_.nodes.count(r.node) == 0)) {
        return;
    }
    auto& res = result_;
    ++res.records;
    ++res.levels[static_cast<std::size_t>(r.level)];
    ++res.components[r.component];
    res.nodes.insert(r.node);
    res.first_ms = std::min(res.first_ms.value_or(r.unix_ms), r.unix_ms);
    res.last_ms = std::max(res.last_ms.value_or(r.unix_ms), r.unix_ms);

    const std::string text = lower(r.message);
    const bool is_error = r.level >= log_level::error || text.find("panic") != std::string::npos;
    if (is_error) {
        ++res.categories.errors;
        ++res.errors_per_minute[r.unix_ms - r.unix_ms % 60'000];
        res.latest_errors.push_back(r);
        if (res.latest_errors.size() > options_.latest_errors) {
            res.latest_errors.erase(res.latest_errors.begin());
        }
    }
    res.categories.connections += text.find("connect") != std::string::npos ? 1U : 0U;
    res.categories.auth += r.component == "auth" || text.find("auth") != std::string::npos ? 1U : 0U;
    res.categories.cluster +=
        r.component == "cluster" || contains_any(text, {"cluster", "join", "peer"}) ? 1U : 0U;
    res.categories.performance +=
        contains_any(text, {"timeout", "slow", "lag"}) ||
                contains_any(lower(r.field("reason")), {"timeout", "slow", "lag"})
            ? 1U
            : 0U;

    std::string key;
    key.reserve(r.component.size() + 1 + r.message.size());
    key.append(r.component).append(1, '\t').append(r.message);
    auto& m = messages_[key];
    if (m.count == 0) {
        m.component = r.component;
        m.message = r.message;
        m.first_ms = r.unix_ms;
    }
    ++m.count;
    m.level = std::max(m.level, r.level);
    m.first_ms = std::min(m.first_ms, r.unix_ms);
    m.last_ms = std::max(m.last_ms, r.unix_ms);
    if (m.nodes.size() < 64) {
        m.nodes.insert(r.node);
    }
    add_mqtt(r, text);
}

void analyzer::add_mqtt(const log_record& r, const std::string& text) {
    auto& res = result_;
    if (const auto id = r.field("cluster_id"); !id.empty()) {
        res.cluster_ids.insert(std::string{id});
    }
    if (r.component == "auth" && contains_any(text, {"fail", "denied", "refused"})) {
        ++res.auth_failures_by_username[std::string{r.field("username").empty() ? "-" : r.field("username")}];
        ++res.auth_failures_by_peer[address_only(r.field("peer").empty() ? "-" : r.field("peer"))];
    }
    if (r.component == "mqtt") {
        if (text == "client connected") {
            ++res.flapping_clients[std::string{r.field("client_id")}];
        } else if (text.find("taken over") != std::string::npos) {
            ++res.takeovers[std::string{r.field("client_id")}];
            ++res.disconnect_reasons["session_taken_over"];
        } else if (text.find("protocol error") != std::string::npos) {
            const auto reason = r.field("reason");
            ++res.protocol_errors[std::string{reason.empty() ? "unknown" : reason}];
            ++res.disconnect_reasons[std::string{reason.empty() ? "protocol_error" : reason}];
        } else if (contains_any(text, {"disconnect", "closing", "refused"})) {
            const auto reason = r.field("reason");
            std::string key = !reason.empty()                       ? std::string{reason}
                              : text.find("keep alive") != std::string::npos ? "keep_alive_timeout"
                              : text.find("no connect") != std::string::npos ? "connect_timeout"
                              : text == "client disconnected"              ? "normal"
                                                                           : normalize_message(text);
            ++res.disconnect_reasons[key];
        }
    }
    if (r.component == "cluster" && text.find("peer") != std::string::npos) {
        auto& link = res.cluster_links[cluster_peer(r)];
        if (contains_any(text, {"disconnect", "down", "lost", "closed", "failed", "refused"})) {
            ++link.first;
        } else if (contains_any(text, {"connected", " up", "joined", "established"})) {
            ++link.second;
        }
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
    std::map<std::string, message_stats> grouped; // by component and normalised message
    for (auto& [key, stats] : messages_) {
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
    for (auto& [key, stats] : grouped) {
        res.top_messages.push_back(std::move(stats));
    }
    std::sort(res.top_messages.begin(), res.top_messages.end(), [](const auto& a, const auto& b) {
        return a.count != b.count ? a.count > b.count : a.first_ms < b.first_ms;
    });
    if (res.top_messages.size() > options_.top) {
        res.top_messages.resize(options_.top);
    }
    std::erase_if(res.flapping_clients,
                  [this](const auto& entry) { return entry.second < options_.flap_threshold; });
    add_findings(res);
    return res;
}

analysis analyze_files(const std::vector<std::string>& paths, const analyze_options& options) {
    merged_logs logs{expand_log_paths(paths)};
    analyzer a{options};
    while (auto record = logs.next()) {
        a.add(*record);
    }
    return a.finish(logs.stats(), logs.bad_lines());
}

} // namespace emqx::diag

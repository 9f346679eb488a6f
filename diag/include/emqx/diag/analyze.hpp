// The analysis of parsed log records: counts, categories, top messages, a timeline of errors
// and MQTT-aware findings, each with a severity and a hint. Pure: records in, a report out.
#pragma once

#include <emqx/diag/log_record.hpp>
#include <emqx/diag/log_source.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::diag {

enum class severity : std::uint8_t { info, warning, critical };
[[nodiscard]] std::string_view severity_name(severity s) noexcept;

struct finding {
    severity level = severity::info;
    std::string title;  ///< one line, e.g. "12 authentication failures from 10.0.0.7"
    std::string hint;   ///< what to look at next
};

struct analyze_options {
    std::optional<std::int64_t> since_ms; ///< records before this are skipped
    std::optional<std::int64_t> until_ms; ///< records at or after this are skipped
    std::set<std::string> nodes;          ///< only these nodes, when not empty
    std::size_t top = 10;
    std::size_t latest_errors = 10;
    std::uint64_t auth_failure_threshold = 5; ///< per peer address, a warning from here
    std::uint64_t flap_threshold = 5;         ///< connects of one client id, a warning from here
    std::uint64_t link_down_threshold = 3;    ///< a peer link lost this often, a warning
};

struct message_stats {
    std::string component;
    std::string message; ///< normalised
    log_level level = log_level::info; ///< the highest seen
    std::uint64_t count = 0;
    std::int64_t first_ms = 0;
    std::int64_t last_ms = 0;
    std::set<std::string> nodes;
};

/// Counts in the five categories of the old script, decided on parsed fields.
struct category_counts {
    std::uint64_t errors = 0;      ///< ERROR/FATAL, or "panic" in the message
    std::uint64_t connections = 0; ///< connect/disconnect/connection events
    std::uint64_t auth = 0;        ///< component auth, or "auth" in the message
    std::uint64_t cluster = 0;     ///< component cluster, or cluster/join/peer in the message
    std::uint64_t performance = 0; ///< timeout/slow/lag in the message or reason
};

struct analysis {
    std::uint64_t records = 0; ///< within the window and node filter
    std::array<std::uint64_t, 6> levels{};
    std::map<std::string, std::uint64_t> components;
    category_counts categories;
    std::vector<message_stats> top_messages;
    std::vector<log_record> latest_errors;            ///< newest last
    std::map<std::int64_t, std::uint64_t> errors_per_minute; ///< minute start (ms) -> count
    std::map<std::string, std::uint64_t> auth_failures_by_username;
    std::map<std::string, std::uint64_t> auth_failures_by_peer; ///< address without the port
    std::map<std::string, std::uint64_t> disconnect_reasons;
    std::map<std::string, std::uint64_t> protocol_errors;
    std::map<std::string, std::uint64_t> flapping_clients; ///< client id -> connects
    std::map<std::string, std::uint64_t> takeovers;        ///< client id -> count
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> cluster_links; ///< down, up
    std::set<std::string> cluster_ids;
    std::set<std::string> nodes;
    std::optional<std::int64_t> first_ms;
    std::optional<std::int64_t> last_ms;
    std::vector<file_stats> files;
    std::vector<bad_line> bad_lines;
    std::uint64_t unparsable = 0;
    std::vector<finding> findings;

    /// 0 clean, 1 warning findings, 2 critical findings, 3 nothing readable.
    [[nodiscard]] int exit_status() const noexcept;
};

/// Feeds records one at a time; `finish` computes the top lists and the findings.
class analyzer {
public:
    explicit analyzer(analyze_options options);
    analyzer(const analyzer&) = delete;
    analyzer& operator=(const analyzer&) = delete;
    ~analyzer();
    void add(const log_record& record);
    /// The same from views (what analyze_files feeds): nothing is copied for most lines.
    void add(const log_view& record);
    [[nodiscard]] analysis finish(std::vector<file_stats> files, std::vector<bad_line> bad);

private:
    struct counters; // the per-key counters of the MQTT findings (analyze.cpp)

    /// What one distinct (component, message) is: decided once, on its first line, from the
    /// lower-case message, then applied to every line that carries it.
    struct message_entry {
        message_stats stats;
        std::string last_node; ///< the node last added to stats.nodes (or refused by its cap)
        bool error_word = false;
        bool connection = false;
        bool auth = false;
        bool cluster = false;
        bool performance = false;
        bool auth_failure = false;
        std::uint8_t mqtt = 0;    ///< an mqtt_event (analyze.cpp)
        std::uint8_t link = 0;    ///< a link_event (analyze.cpp)
        std::string disconnect_key; ///< the disconnect reason when the line has no reason=
    };

    message_entry& entry_for(const log_view& record);
    /// entry_for, remembered per line shape: a shaped line finds its entry without a hash.
    message_entry& entry_of(const log_view& record);
    void add_error(const log_view& record);
    void add_mqtt(const log_view& record, const message_entry& entry);
    void add_findings(analysis& result) const;

    analyze_options options_;
    analysis result_;
    // Keyed by component and raw message: emqxd's messages are constant texts (the variable
    // parts are fields), so normalising is done once per distinct message, in finish().
    std::deque<message_entry> messages_;
    std::vector<message_entry*> index_; ///< open addressing over messages_, by message_hash
    /// The entry of each shape of a source's line_shapes (held, so that its address stays
    /// its own); `shaped_` is the one the last line came from.
    struct shape_entries {
        std::shared_ptr<line_shapes> owner;
        std::vector<message_entry*> entries; ///< by shape number; null until first met
    };
    std::deque<shape_entries> shape_entries_;
    shape_entries* shaped_ = nullptr;
    std::unique_ptr<counters> counters_;
    std::vector<log_record> latest_;   ///< a ring of the latest errors
    std::uint64_t errors_seen_ = 0;
    std::int64_t minute_ = -1;          ///< the minute minute_count_ counts for
    std::uint64_t* minute_count_ = nullptr;
    std::string last_node_;
    std::string last_cluster_id_;
    std::string scratch_;               ///< reused: a decoded field value
    log_view record_view_;              ///< reused by add(const log_record&)
};

/// Reads, merges and analyses the files (see expand_log_paths).
[[nodiscard]] analysis analyze_files(const std::vector<std::string>& paths,
                                     const analyze_options& options);

/// The message with numbers, ids and addresses masked, so that one event groups:
/// "retry 3 of 10.0.0.1:1883 id=9f8e7d6c5b4a" -> "retry <n> of <addr> id=<id>".
[[nodiscard]] std::string normalize_message(std::string_view message);

/// A duration ("30m", "2h", "1d", "45s", "90") in milliseconds; nullopt when malformed.
[[nodiscard]] std::optional<std::int64_t> parse_duration_ms(std::string_view text) noexcept;
/// --since/--until: a duration before `now_ms`, or a timestamp (parse_timestamp; a date alone
/// "2026-11-22" is its midnight UTC).
[[nodiscard]] std::optional<std::int64_t> parse_time_bound(std::string_view text,
                                                           std::int64_t now_ms);

/// JSON report, schema "emqxctl.log/1" (documented in emqxctl-log(1)).
[[nodiscard]] nlohmann::json to_json(const analysis& result);
/// Text report for people; `color` adds ANSI colours to levels and severities.
[[nodiscard]] std::string to_text(const analysis& result, bool color);

} // namespace emqx::diag

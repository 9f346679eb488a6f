// The pure parser of emqxd's log lines: text and JSON (DESIGN.md section 7).
#include "log_time.hpp"

#include <emqx/client/json_text.hpp>
#include <emqx/diag/log_record.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace emqx::diag {

namespace {

using detail::digits;
using detail::is_digit;
using detail::minute_ms;

constexpr std::array<std::string_view, known_fields> known_field_names{
    "reason", "cluster_id", "client_id", "username", "peer", "node", "addr", "address"};

// The known field a key names, if any.
std::optional<known_field> known_field_of(std::string_view key) noexcept {
    for (std::size_t i = 0; i < known_fields; ++i) {
        if (key == known_field_names[i]) {
            return static_cast<known_field>(i);
        }
    }
    return std::nullopt;
}

constexpr std::array<std::string_view, 6> level_names{"TRACE", "DEBUG", "INFO", "WARN", "ERROR",
                                                      "FATAL"};

// parse_timestamp, remembering the minute in `cache` so that the next line of the same
// minute only parses ":SS.fffZ".
std::optional<std::int64_t> parse_timestamp_cached(std::string_view text,
                                                   log_view::minute_cache& cache) noexcept {
    if (text.size() < 20 || text[16] != ':') {
        return std::nullopt;
    }
    std::int64_t base = cache.unix_ms;
    if (!cache.valid || std::memcmp(text.data(), cache.text.data(), cache.text.size()) != 0) {
        const auto minute = minute_ms(text);
        if (!minute) {
            return std::nullopt;
        }
        base = *minute;
        std::memcpy(cache.text.data(), text.data(), cache.text.size());
        cache.unix_ms = base;
        cache.valid = true;
    }
    const auto second = digits(text, 17, 2);
    if (!second || *second > 60) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    int millis = 0;
    if (text[pos] == '.') {
        ++pos;
        int scale = 100;
        const std::size_t start = pos;
        while (pos < text.size() && is_digit(text[pos])) {
            millis += scale * (text[pos] - '0');
            scale /= 10;
            ++pos;
        }
        if (pos == start) {
            return std::nullopt;
        }
    }
    const std::string_view zone = text.substr(pos);
    if (zone != "Z" && zone != "+00:00") {
        return std::nullopt;
    }
    return base + std::int64_t{*second} * 1000 + millis;
}

// The broker escapes every control byte, so a raw one means the line is not the broker's.
// Eight bytes at a time: a word with no byte below 0x20 and none equal to 0x7F is clean.
bool has_binary(std::string_view line) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= line.size(); i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, line.data() + i, 8);
        const std::uint64_t below_space = (word - ones * 0x20) & ~word & highs;
        const std::uint64_t del = word ^ (ones * 0x7F);
        const std::uint64_t is_del = (del - ones) & ~del & highs;
        if ((below_space | is_del) != 0) {
            break; // a tab, or a real control byte: decide byte by byte from here
        }
    }
    for (; i < line.size(); ++i) {
        const auto byte = static_cast<unsigned char>(line[i]);
        if ((byte < 0x20 && byte != '\t') || byte == 0x7F) {
            return true;
        }
    }
    return false;
}

constexpr std::array<bool, 256> key_chars = [] {
    std::array<bool, 256> table{};
    for (int ch = 0; ch < 256; ++ch) {
        table[static_cast<std::size_t>(ch)] = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                                              (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '.' ||
                                              ch == '-';
    }
    return table;
}();

bool is_key_char(char ch) noexcept {
    return key_chars[static_cast<unsigned char>(ch)];
}

int hex_value(char ch) noexcept {
    if (is_digit(ch)) {
        return ch - '0';
    }
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

// Decodes the text between a value's quotes (\n, \xHH, and \c for any other c).
void decode_quoted(std::string_view text, std::string& out) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char ch = text[pos];
        if (ch == '\\' && pos + 1 < text.size()) {
            const char next = text[pos + 1];
            if (next == 'n') {
                out += '\n';
                pos += 2;
            } else if (next == 'x' && pos + 3 < text.size() && hex_value(text[pos + 2]) >= 0 &&
                       hex_value(text[pos + 3]) >= 0) {
                out += static_cast<char>(hex_value(text[pos + 2]) * 16 + hex_value(text[pos + 3]));
                pos += 4;
            } else {
                out += next;
                pos += 2;
            }
            continue;
        }
        out += ch;
        ++pos;
    }
}

// The first byte at or after `pos` equal to `a` or `b`, else text.size(); eight bytes a step
// (a word's lowest zero byte after xor is exact, which is all that is used).
std::size_t find_either(std::string_view text, std::size_t pos, char a, char b) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        constexpr std::uint64_t ones = 0x0101010101010101ULL;
        constexpr std::uint64_t highs = 0x8080808080808080ULL;
        const std::uint64_t fill_a = ones * static_cast<unsigned char>(a);
        const std::uint64_t fill_b = ones * static_cast<unsigned char>(b);
        for (; pos + 8 <= text.size(); pos += 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, text.data() + pos, 8);
            const std::uint64_t xa = word ^ fill_a;
            const std::uint64_t xb = word ^ fill_b;
            const std::uint64_t hit = ((xa - ones) & ~xa & highs) | ((xb - ones) & ~xb & highs);
            if (hit != 0) {
                return pos + static_cast<std::size_t>(std::countr_zero(hit) / 8);
            }
        }
    }
    for (; pos < text.size(); ++pos) {
        if (text[pos] == a || text[pos] == b) {
            return pos;
        }
    }
    return text.size();
}

// The closing quote of a value whose text starts at `pos` (after the opening quote), or npos;
// `escaped` is set when a backslash is met. A backslash hides the byte after it.
std::size_t closing_quote(std::string_view text, std::size_t pos, bool& escaped) noexcept {
    for (;;) {
        pos = find_either(text, pos, '"', '\\');
        if (pos >= text.size()) {
            return std::string_view::npos;
        }
        if (text[pos] == '"') {
            return pos;
        }
        escaped = true;
        pos += pos + 1 < text.size() ? std::size_t{2} : std::size_t{1};
    }
}

std::string_view next_token(std::string_view text, std::size_t& pos) noexcept {
    while (pos < text.size() && text[pos] == ' ') {
        ++pos;
    }
    const std::size_t start = pos;
    pos = find_either(text, pos, ' ', ' ');
    return text.substr(start, pos - start);
}

// The message (words up to the first key=value) and the fields after it. A bare word after
// the fields is kept as a field with no value rather than lost.
std::optional<parse_failure> parse_tail(std::string_view text, log_view& out) {
    std::size_t pos = 0;
    std::size_t message_end = 0;
    while (pos < text.size()) {
        while (pos < text.size() && text[pos] == ' ') {
            ++pos;
        }
        if (pos >= text.size()) {
            break;
        }
        // A field when the first ' ' or '=' is a '=' after one or more key characters.
        const std::size_t stop = find_either(text, pos, ' ', '=');
        bool is_field = stop < text.size() && text[stop] == '=' && stop > pos;
        for (std::size_t i = pos; is_field && i < stop; ++i) {
            is_field = is_key_char(text[i]);
        }
        if (!is_field) {
            const std::size_t word = pos;
            pos = stop < text.size() && text[stop] == '=' ? find_either(text, stop, ' ', ' ') : stop;
            if (out.fields.empty()) {
                message_end = pos;
            } else {
                out.fields.push_back({text.substr(word, pos - word), {}, false});
            }
            continue;
        }
        // Locals rather than a field_view filled in place: a byte stored into the struct and
        // then copied as a whole stalls the store forwarding on every field.
        const std::string_view key = text.substr(pos, stop - pos);
        std::string_view value;
        bool escaped = false;
        pos = stop + 1;
        if (pos < text.size() && text[pos] == '"') {
            const std::size_t close = closing_quote(text, pos + 1, escaped);
            if (close == std::string_view::npos) {
                return parse_failure::unterminated_quote;
            }
            value = text.substr(pos + 1, close - pos - 1);
            pos = close + 1;
        } else {
            value = next_token(text, pos);
        }
        out.fields.push_back({key, value, escaped});
    }
    out.message = text.substr(0, message_end);
    return std::nullopt;
}

std::optional<parse_failure> parse_text(std::string_view line, log_view& out) {
    std::size_t pos = 0;
    const auto ts = parse_timestamp_cached(next_token(line, pos), out.minute);
    if (!ts) {
        return parse_failure::bad_timestamp;
    }
    out.unix_ms = *ts;
    const auto level = parse_level(next_token(line, pos));
    if (!level) {
        return parse_failure::bad_level;
    }
    out.level = *level;
    out.component = next_token(line, pos);
    if (out.component.empty()) {
        return parse_failure::no_component;
    }
    while (pos < line.size() && line[pos] == ' ') {
        ++pos;
    }
    out.fields.clear();
    out.shape = 0;
    if (const auto failure = parse_tail(line.substr(pos), out)) {
        return failure;
    }
    out.index_fields();
    return std::nullopt;
}

expected<log_record, parse_failure> parse_json(std::string_view line) {
    // Deeper than 64 levels is not a log line (emqxd nests two at most): refused as bad JSON
    // rather than sent through nlohmann's recursive serializer below (a field of 200,000
    // nested arrays crashed log analyze and log tail).
    const auto doc = client::parse_json(line);
    if (doc.is_discarded() || !doc.is_object()) {
        return unexpected{parse_failure::bad_json};
    }
    log_record record;
    const auto text_of = [&doc](const char* key) -> std::string {
        const auto it = doc.find(key);
        return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    const auto ts = parse_timestamp(text_of("ts"));
    if (!ts) {
        return unexpected{parse_failure::bad_timestamp};
    }
    record.unix_ms = *ts;
    const auto level = parse_level(text_of("level"));
    if (!level) {
        return unexpected{parse_failure::bad_level};
    }
    record.level = *level;
    record.component = text_of("component");
    if (record.component.empty()) {
        return unexpected{parse_failure::no_component};
    }
    record.message = text_of("msg");
    for (const auto& [key, value] : doc.items()) {
        if (key == "ts" || key == "level" || key == "component" || key == "msg") {
            continue;
        }
        record.fields.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
    }
    return record;
}

// Out of line: JSON lines are rare, and inlined here they would make every text line pay for
// a large stack frame.
[[gnu::noinline]] std::optional<parse_failure> parse_json_view(std::string_view line, log_view& out) {
    auto record = parse_json(line);
    if (!record) {
        return record.error();
    }
    out.json = std::move(record).value();
    out.shape = 0;
    const std::string_view node = out.node;
    out.assign(out.json);
    out.node = node;
    return std::nullopt;
}

} // namespace

std::string_view level_name(log_level level) noexcept {
    return level_names[static_cast<std::size_t>(level)];
}

std::optional<log_level> parse_level(std::string_view name) noexcept {
    if (name.size() < 4 || name.size() > 7) {
        return std::nullopt;
    }
    std::array<char, 8> upper{};
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char ch = name[i];
        upper[i] = ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - ('a' - 'A')) : ch;
    }
    const std::string_view u{upper.data(), name.size()};
    if (u == "WARNING") {
        return log_level::warn;
    }
    for (std::size_t i = 0; i < level_names.size(); ++i) {
        if (u == level_names[i]) {
            return static_cast<log_level>(i);
        }
    }
    return std::nullopt;
}

std::string_view log_record::field(std::string_view key) const noexcept {
    for (const auto& [name, value] : fields) {
        if (name == key) {
            return value;
        }
    }
    return {};
}

std::string_view failure_name(parse_failure failure) noexcept {
    constexpr std::array<std::string_view, 7> names{"blank",        "binary",
                                                    "bad_timestamp", "bad_level",
                                                    "no_component", "unterminated_quote",
                                                    "bad_json"};
    return names[static_cast<std::size_t>(failure)];
}

std::optional<parse_failure> parse_line_view(std::string_view line, log_view& out) {
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    if (line.empty() || ((line.front() == ' ' || line.front() == '\t') &&
                         line.find_first_not_of(" \t") == std::string_view::npos)) {
        return parse_failure::blank;
    }
    if (has_binary(line)) {
        return parse_failure::binary;
    }
    if (line.front() != '{') {
        return parse_text(line, out);
    }
    return parse_json_view(line, out);
}

expected<log_record, parse_failure> parse_line(std::string_view line) {
    log_view view;
    if (const auto failure = parse_line_view(line, view)) {
        return unexpected{*failure};
    }
    log_record record = view.to_record();
    record.node.clear();
    return record;
}

std::string_view log_view::field(std::string_view key, std::string& scratch) const {
    for (const auto& f : fields) {
        if (f.key == key) {
            return f.escaped ? decoded(f, scratch) : f.value;
        }
    }
    return {};
}

std::string_view log_view::decoded(const field_view& f, std::string& scratch) {
    scratch.clear();
    decode_quoted(f.value, scratch);
    return scratch;
}

void log_view::index_fields() noexcept {
    known = {};
    const std::size_t n = std::min<std::size_t>(fields.size(), 255);
    for (std::size_t i = 0; i < n; ++i) {
        if (const auto k = known_field_of(fields[i].key)) {
            auto& slot = known[static_cast<std::size_t>(*k)];
            if (slot == 0) {
                slot = static_cast<std::uint8_t>(i + 1);
            }
        }
    }
}

void log_view::copy_to(log_record& out) const {
    out.unix_ms = unix_ms;
    out.level = level;
    out.component.assign(component);
    out.message.assign(message);
    out.node.assign(node);
    out.fields.resize(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
        out.fields[i].first.assign(fields[i].key);
        out.fields[i].second.clear();
        if (fields[i].escaped) {
            decode_quoted(fields[i].value, out.fields[i].second);
        } else {
            out.fields[i].second.assign(fields[i].value);
        }
    }
}

log_record log_view::to_record() const {
    log_record record;
    copy_to(record);
    return record;
}

void log_view::assign(const log_record& record) {
    unix_ms = record.unix_ms;
    level = record.level;
    component = record.component;
    message = record.message;
    node = record.node;
    fields.clear();
    for (const auto& [key, value] : record.fields) {
        fields.push_back({key, value, false});
    }
    index_fields();
}

std::optional<std::int64_t> parse_timestamp(std::string_view text) noexcept {
    log_view::minute_cache cache;
    return parse_timestamp_cached(text, cache);
}

namespace {

// The length of the control character at text[i] (1, or 2 for a C1 control in UTF-8), else 0.
std::size_t control_at(std::string_view text, std::size_t i) noexcept {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) {
        return 1;
    }
    const bool c1 = byte == 0xC2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    return c1 ? 2 : 0;
}

} // namespace

bool has_control(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (control_at(text, i) != 0) {
            return true;
        }
    }
    return false;
}

std::string printable(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = control_at(text, i);
        if (n == 0) {
            out += text[i++];
            continue;
        }
        for (const std::size_t end = i + n; i < end; ++i) {
            const auto byte = static_cast<unsigned char>(text[i]);
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0x0F];
        }
    }
    return out;
}

std::string format_timestamp(std::int64_t unix_ms) {
    const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::array<char, 40> text{};
    const auto n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
    std::array<char, 8> millis{};
    std::snprintf(millis.data(), millis.size(), ".%03dZ", static_cast<int>(unix_ms % 1000));
    return std::string{text.data(), n} + millis.data();
}

} // namespace emqx::diag

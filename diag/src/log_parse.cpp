// The pure parser of emqxd's log lines: text and JSON (DESIGN.md section 7).
#include <emqx/diag/log_record.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace emqx::diag {

namespace {

constexpr std::array<std::string_view, 6> level_names{"TRACE", "DEBUG", "INFO", "WARN", "ERROR",
                                                      "FATAL"};

bool is_digit(char ch) noexcept {
    return ch >= '0' && ch <= '9';
}

// Reads `count` digits at `pos`; nullopt when any is not a digit.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t count) noexcept {
    if (pos + count > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!is_digit(text[i])) {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The broker escapes every control byte, so a raw one means the line is not the broker's.
bool has_binary(std::string_view line) noexcept {
    for (const char ch : line) {
        const auto byte = static_cast<unsigned char>(ch);
        if ((byte < 0x20 && ch != '\t') || byte == 0x7F) {
            return true;
        }
    }
    return false;
}

bool is_key_char(char ch) noexcept {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '.' ||
           ch == '-';
}

// Length of "key" when `text` starts with `key=`, else 0.
std::size_t key_length(std::string_view text) noexcept {
    std::size_t n = 0;
    while (n < text.size() && is_key_char(text[n])) {
        ++n;
    }
    return n > 0 && n < text.size() && text[n] == '=' ? n : 0;
}

int hex_value(char ch) noexcept {
    if (is_digit(ch)) {
        return ch - '0';
    }
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

// Reads a quoted value starting after the opening quote; returns the position after the
// closing quote, or npos when the quote never closes.
std::size_t read_quoted(std::string_view text, std::size_t pos, std::string& out) {
    while (pos < text.size()) {
        const char ch = text[pos];
        if (ch == '"') {
            return pos + 1;
        }
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
    return std::string_view::npos;
}

std::string_view next_token(std::string_view text, std::size_t& pos) noexcept {
    while (pos < text.size() && text[pos] == ' ') {
        ++pos;
    }
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != ' ') {
        ++pos;
    }
    return text.substr(start, pos - start);
}

// The message (words up to the first key=value) and the fields after it.
expected<bool, parse_failure> parse_tail(std::string_view text, log_record& record) {
    std::size_t pos = 0;
    std::size_t message_end = 0;
    while (pos < text.size()) {
        while (pos < text.size() && text[pos] == ' ') {
            ++pos;
        }
        if (pos >= text.size()) {
            break;
        }
        const std::size_t key = key_length(text.substr(pos));
        if (key == 0 && record.fields.empty()) {
            while (pos < text.size() && text[pos] != ' ') {
                ++pos;
            }
            message_end = pos;
            continue;
        }
        if (key == 0) {
            // A bare word after the fields: keep it rather than lose it.
            const std::string_view word = next_token(text, pos);
            record.fields.emplace_back(std::string{word}, std::string{});
            continue;
        }
        std::string name{text.substr(pos, key)};
        pos += key + 1;
        std::string value;
        if (pos < text.size() && text[pos] == '"') {
            pos = read_quoted(text, pos + 1, value);
            if (pos == std::string_view::npos) {
                return unexpected{parse_failure::unterminated_quote};
            }
        } else {
            value = std::string{next_token(text, pos)};
        }
        record.fields.emplace_back(std::move(name), std::move(value));
    }
    record.message = std::string{text.substr(0, message_end)};
    return true;
}

expected<log_record, parse_failure> parse_text(std::string_view line) {
    log_record record;
    std::size_t pos = 0;
    const auto ts = parse_timestamp(next_token(line, pos));
    if (!ts) {
        return unexpected{parse_failure::bad_timestamp};
    }
    record.unix_ms = *ts;
    const auto level = parse_level(next_token(line, pos));
    if (!level) {
        return unexpected{parse_failure::bad_level};
    }
    record.level = *level;
    record.component = std::string{next_token(line, pos)};
    if (record.component.empty()) {
        return unexpected{parse_failure::no_component};
    }
    while (pos < line.size() && line[pos] == ' ') {
        ++pos;
    }
    if (auto tail = parse_tail(line.substr(pos), record); !tail) {
        return unexpected{tail.error()};
    }
    return record;
}

expected<log_record, parse_failure> parse_json(std::string_view line) {
    const auto doc = nlohmann::json::parse(line, nullptr, false);
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
        upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[i])));
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

expected<log_record, parse_failure> parse_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
        return unexpected{parse_failure::blank};
    }
    if (has_binary(line)) {
        return unexpected{parse_failure::binary};
    }
    if (line.front() == '{') {
        return parse_json(line);
    }
    return parse_text(line);
}

std::optional<std::int64_t> parse_timestamp(std::string_view text) noexcept {
    // YYYY-MM-DDTHH:MM:SS
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
        text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    const auto year = digits(text, 0, 4);
    const auto month = digits(text, 5, 2);
    const auto day = digits(text, 8, 2);
    const auto hour = digits(text, 11, 2);
    const auto minute = digits(text, 14, 2);
    const auto second = digits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || *month < 1 || *month > 12 ||
        *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
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
    const std::int64_t days = days_from_civil(*year, static_cast<unsigned>(*month),
                                              static_cast<unsigned>(*day));
    return ((days * 24 + *hour) * 60 + *minute) * 60000 + std::int64_t{*second} * 1000 + millis;
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

// Secret redaction for the bundle: key-named values, URL credentials, bearer tokens, and every
// secret value seen once, wherever it appears again.
#include <emqx/diag/redact.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>

namespace emqx::diag {

namespace {

// Whether `text` holds one of `words` (lower case), in any case.
bool has_word(std::string_view text, std::initializer_list<std::string_view> words) {
    std::string lower{text};
    for (auto& ch : lower) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    return std::any_of(words.begin(), words.end(), [&lower](std::string_view w) {
        return lower.find(w) != std::string::npos;
    });
}

// Cheap test before any finder: most lines name no secret at all.
bool may_hold_secret(std::string_view line) {
    return has_word(
        line, {"pass", "secret", "token", "cookie", "credential", "key", "hash", "@", "bearer"});
}

bool is_placeholder_like(std::string_view value) {
    return value.empty() || value == "null" || value == "~" || value == "\"\"" ||
           value.starts_with("<redacted") || value.find("***") != std::string_view::npos ||
           value == "redacted" || value == "REDACTED" || value == "[redacted]";
}

// The value finders below are written by hand, not with std::regex: libstdc++'s matcher
// recurses once per character of a repeated group, and a log line with a long quoted password
// overflowed the stack (SIGSEGV: the whole bundle lost). Each finder gives what one of these
// expressions found, and the unit test compares them on generated lines:
//   "KEY"\s*:\s*"VALUE          VALUE (?:[^"\\]|\\.)*     JSON
//   KEY="VALUE                  VALUE (?:[^"\\]|\\.)*     key="quoted value"
//   KEY=VALUE                   VALUE [^\s",}&]+          key=value
//   KEY:\s*["']?VALUE           VALUE [^"'\s#,}]+         YAML
//   SCHEME://USER:VALUE(?=@)    VALUE [^@\s/]+            URL credentials
//   [Bb]earer\s+VALUE           VALUE [A-Za-z0-9._~+/=-]+ Authorization: Bearer
// where KEY is a run of [A-Za-z0-9_.-] that names a secret (names_secret).

bool is_space(char ch) noexcept {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r';
}

bool is_key_char(char ch) noexcept {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '.' || ch == '-';
}

// Whether a key names a secret: password, passwd, secret, token, cookie, credential,
// api_key/apikey, private_key/privatekey or hash, in any case, anywhere in it.
bool names_secret(std::string_view key) {
    return has_word(key,
                    {"password",
                     "passwd",
                     "secret",
                     "token",
                     "cookie",
                     "credential",
                     "apikey",
                     "api_key",
                     "privatekey",
                     "private_key",
                     "hash"});
}

// The run of key characters that ends right before `end`, not reaching before `from`.
std::string_view key_before(std::string_view text, std::size_t from, std::size_t end) {
    std::size_t start = end;
    while (start > from && is_key_char(text[start - 1])) {
        --start;
    }
    return text.substr(start, end - start);
}

// The end of a quoted value's text from `pos`: up to an unescaped '"' or the end of the line
// (a backslash takes the character after it; a lone one at the end is left out).
std::size_t quoted_end(std::string_view text, std::size_t pos) {
    while (pos < text.size() && text[pos] != '"') {
        if (text[pos] == '\\') {
            if (pos + 1 >= text.size()) {
                break;
            }
            ++pos;
        }
        ++pos;
    }
    return pos;
}

// The end of the run of characters from `pos` for which `in` holds.
std::size_t run_end(std::string_view text, std::size_t pos, bool (*in)(char)) {
    while (pos < text.size() && in(text[pos])) {
        ++pos;
    }
    return pos;
}

bool plain_value_char(char ch) {
    return !is_space(ch) && ch != '"' && ch != ',' && ch != '}' && ch != '&';
}
bool yaml_value_char(char ch) {
    return !is_space(ch) && ch != '"' && ch != '\'' && ch != '#' && ch != ',' && ch != '}';
}
bool url_password_char(char ch) {
    return ch != '@' && !is_space(ch) && ch != '/';
}
bool url_user_char(char ch) {
    return ch != ':' && ch != '/' && ch != '@' && !is_space(ch);
}
bool scheme_char(char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '+' || ch == '.' || ch == '-';
}
bool token_char(char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '.' || ch == '_' ||
           ch == '~' || ch == '+' || ch == '/' || ch == '=' || ch == '-';
}

struct span {
    std::size_t begin = 0;
    std::size_t end = 0;
};

// A value finder: the first value at or after `from`, or nothing (begin == end == npos).
using finder = span (*)(std::string_view text, std::size_t from);
constexpr span none{std::string_view::npos, std::string_view::npos};

span json_value(std::string_view text, std::size_t from) {
    for (std::size_t q = text.find('"', from); q != std::string_view::npos;
         q = text.find('"', q + 1)) {
        const std::size_t key_end = run_end(text, q + 1, is_key_char);
        if (key_end >= text.size() || text[key_end] != '"' ||
            !names_secret(text.substr(q + 1, key_end - q - 1))) {
            continue;
        }
        std::size_t pos = run_end(text, key_end + 1, is_space);
        if (pos >= text.size() || text[pos] != ':') {
            continue;
        }
        pos = run_end(text, pos + 1, is_space);
        if (pos >= text.size() || text[pos] != '"') {
            continue;
        }
        return {pos + 1, quoted_end(text, pos + 1)};
    }
    return none;
}

span quoted_value(std::string_view text, std::size_t from) {
    for (std::size_t eq = text.find("=\"", from); eq != std::string_view::npos;
         eq = text.find("=\"", eq + 1)) {
        if (names_secret(key_before(text, from, eq))) {
            return {eq + 2, quoted_end(text, eq + 2)};
        }
    }
    return none;
}

span plain_value(std::string_view text, std::size_t from) {
    for (std::size_t eq = text.find('=', from); eq != std::string_view::npos;
         eq = text.find('=', eq + 1)) {
        const std::size_t end = run_end(text, eq + 1, plain_value_char);
        if (end > eq + 1 && names_secret(key_before(text, from, eq))) {
            return {eq + 1, end};
        }
    }
    return none;
}

span yaml_value(std::string_view text, std::size_t from) {
    for (std::size_t colon = text.find(':', from); colon != std::string_view::npos;
         colon = text.find(':', colon + 1)) {
        std::size_t pos = run_end(text, colon + 1, is_space);
        if (pos < text.size() && (text[pos] == '"' || text[pos] == '\'')) {
            ++pos;
        }
        const std::size_t end = run_end(text, pos, yaml_value_char);
        if (end > pos && names_secret(key_before(text, from, colon))) {
            return {pos, end};
        }
    }
    return none;
}

span url_password(std::string_view text, std::size_t from) {
    for (std::size_t sep = text.find("://", from); sep != std::string_view::npos;
         sep = text.find("://", sep + 1)) {
        // A scheme: a letter, then scheme characters up to "://".
        std::size_t start = sep;
        while (start > from && scheme_char(text[start - 1])) {
            --start;
        }
        while (start < sep && std::isalpha(static_cast<unsigned char>(text[start])) == 0) {
            ++start;
        }
        if (start == sep) {
            continue;
        }
        const std::size_t user_end = run_end(text, sep + 3, url_user_char);
        if (user_end >= text.size() || text[user_end] != ':') {
            continue;
        }
        const std::size_t end = run_end(text, user_end + 1, url_password_char);
        if (end > user_end + 1 && end < text.size() && text[end] == '@') {
            return {user_end + 1, end};
        }
    }
    return none;
}

span bearer_token(std::string_view text, std::size_t from) {
    for (std::size_t at = text.find("earer", from); at != std::string_view::npos;
         at = text.find("earer", at + 1)) {
        if (at == from || at == 0 || (text[at - 1] != 'B' && text[at - 1] != 'b')) {
            continue;
        }
        const std::size_t pos = run_end(text, at + 5, is_space);
        const std::size_t end = run_end(text, pos, token_char);
        if (pos > at + 5 && end > pos) {
            return {pos, end};
        }
    }
    return none;
}

constexpr std::array<finder, 6> finders{
    json_value, quoted_value, plain_value, yaml_value, url_password, bearer_token};

} // namespace

void redactor::learn(std::string_view secret) {
    if (!enabled_ || secret.size() < 4 || is_placeholder_like(secret)) {
        return;
    }
    if (std::find(literal_.begin(), literal_.end(), secret) == literal_.end()) {
        literal_.emplace_back(secret);
        std::stable_sort(literal_.begin(), literal_.end(),
                         [](const auto& a, const auto& b) { return a.size() > b.size(); });
    }
    (void)placeholder(secret);
}

std::string redactor::placeholder(std::string_view secret) {
    const auto it = placeholders_.find(secret);
    if (it != placeholders_.end()) {
        return it->second;
    }
    std::string name = "<redacted:" + std::to_string(placeholders_.size() + 1) + ">";
    placeholders_.emplace(std::string{secret}, name);
    return name;
}

std::string redactor::redact_line(std::string_view line) {
    std::string text{line};
    if (may_hold_secret(text)) {
        for (const finder find : finders) {
            std::string out;
            std::size_t last = 0;
            for (span v = find(text, 0); v.begin != std::string_view::npos; v = find(text, v.end)) {
                const std::string_view value =
                    std::string_view{text}.substr(v.begin, v.end - v.begin);
                out.append(text, last, v.begin - last);
                if (is_placeholder_like(value)) {
                    out += value;
                } else {
                    learn(value);
                    out += placeholder(value);
                }
                last = v.end;
            }
            out.append(text, last);
            text = std::move(out);
        }
    }
    for (const auto& secret : literal_) {
        for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
            const std::string name = placeholder(secret);
            text.replace(pos, secret.size(), name);
            pos += name.size();
        }
    }
    return text;
}

std::string redactor::redact(std::string_view text) {
    if (!enabled_) {
        return std::string{text};
    }
    std::string out;
    out.reserve(text.size());
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        const bool newline = end != std::string_view::npos;
        if (!newline) {
            end = text.size();
        }
        out += redact_line(text.substr(start, end - start));
        if (newline) {
            out += '\n';
        }
        start = end + 1;
    }
    return out;
}

} // namespace emqx::diag

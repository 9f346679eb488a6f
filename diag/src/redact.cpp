// Secret redaction for the bundle: key-named values, URL credentials, bearer tokens, and every
// secret value seen once, wherever it appears again.
#include <emqx/diag/redact.hpp>

#include <algorithm>
#include <cctype>
#include <regex>

namespace emqx::diag {

namespace {

// Cheap test before any regex: most lines name no secret at all.
bool may_hold_secret(std::string_view line) {
    std::string lower{line};
    for (auto& ch : lower) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    for (const char* word : {"pass", "secret", "token", "cookie", "credential", "key", "hash", "@",
                             "bearer"}) {
        if (lower.find(word) != std::string::npos) {
            return true;
        }
    }
    return false;
}

bool is_placeholder_like(std::string_view value) {
    return value.empty() || value == "null" || value == "~" || value == "\"\"" ||
           value.starts_with("<redacted") || value.find("***") != std::string_view::npos ||
           value == "redacted" || value == "REDACTED" || value == "[redacted]";
}

const std::string secret_key =
    R"([A-Za-z0-9_.-]*(?:[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]|[Pp][Aa][Ss][Ss][Ww][Dd]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Cc][Oo][Oo][Kk][Ii][Ee]|[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll]|[Aa][Pp][Ii]_?[Kk][Ee][Yy]|[Pp][Rr][Ii][Vv][Aa][Tt][Ee]_?[Kk][Ee][Yy]|[Hh][Aa][Ss][Hh])[A-Za-z0-9_.-]*)";

// Each pattern: group 1 the text kept before the value, group 2 the value.
const std::vector<std::regex>& patterns() {
    static const std::vector<std::regex> list{
        // JSON: "password": "value"
        std::regex{"(\"" + secret_key + R"("\s*:\s*")((?:[^"\\]|\\.)*))"},
        // key="quoted value"
        std::regex{"(" + secret_key + R"(=")((?:[^"\\]|\\.)*))"},
        // key=value
        std::regex{"(" + secret_key + R"(=)([^\s",}&]+))"},
        // YAML: key: value   (quoted or not)
        std::regex{"(" + secret_key + R"(:\s*["']?)([^"'\s#,}]+))"},
        // scheme://user:password@host
        std::regex{R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)([^@\s/]+)(?=@))"},
        // Authorization: Bearer X
        std::regex{R"(([Bb]earer\s+)([A-Za-z0-9._~+/=-]+))"},
    };
    return list;
}

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
        for (const auto& pattern : patterns()) {
            std::string out;
            auto begin = std::sregex_iterator(text.begin(), text.end(), pattern);
            std::size_t last = 0;
            for (auto it = begin; it != std::sregex_iterator{}; ++it) {
                const auto& m = *it;
                const std::string value = m[2].str();
                const auto value_pos = static_cast<std::size_t>(m.position(2));
                out.append(text, last, value_pos - last);
                if (is_placeholder_like(value)) {
                    out += value;
                } else {
                    learn(value);
                    out += placeholder(value);
                }
                last = value_pos + value.size();
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

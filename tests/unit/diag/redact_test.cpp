// Redaction: every form a secret takes in configs, logs and URLs is replaced, consistently.
#include <emqx/diag/redact.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <vector>

using emqx::diag::redactor;

namespace {

// What the redactor did with std::regex before its finders were written by hand (a long value
// overflowed libstdc++'s recursive matcher), as the reference they are compared with. Short
// lines only: they are safe for std::regex.
class regex_reference {
public:
    std::string redact_line(const std::string& line) {
        static const std::string key =
            R"([A-Za-z0-9_.-]*(?:[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]|[Pp][Aa][Ss][Ss][Ww][Dd]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Cc][Oo][Oo][Kk][Ii][Ee]|[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll]|[Aa][Pp][Ii]_?[Kk][Ee][Yy]|[Pp][Rr][Ii][Vv][Aa][Tt][Ee]_?[Kk][Ee][Yy]|[Hh][Aa][Ss][Hh])[A-Za-z0-9_.-]*)";
        static const std::array<std::regex, 6> patterns{
            std::regex{"(\"" + key + R"("\s*:\s*")((?:[^"\\]|\\.)*))"},
            std::regex{"(" + key + R"(=")((?:[^"\\]|\\.)*))"},
            std::regex{"(" + key + R"(=)([^\s",}&]+))"},
            std::regex{"(" + key + R"(:\s*["']?)([^"'\s#,}]+))"},
            std::regex{R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)([^@\s/]+)(?=@))"},
            std::regex{R"(([Bb]earer\s+)([A-Za-z0-9._~+/=-]+))"},
        };
        std::string text = line;
        for (const auto& pattern : patterns) {
            std::string out;
            std::size_t last = 0;
            for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern);
                 it != std::sregex_iterator{};
                 ++it) {
                const std::string value = (*it)[2].str();
                const auto at = static_cast<std::size_t>(it->position(2));
                out.append(text, last, at - last);
                out += placeholder_like(value) ? value : learn(value);
                last = at + value.size();
            }
            out.append(text, last);
            text = std::move(out);
        }
        for (const auto& secret : literal_) {
            for (auto pos = text.find(secret); pos != std::string::npos;
                 pos = text.find(secret, pos)) {
                const std::string& name = names_.at(secret);
                text.replace(pos, secret.size(), name);
                pos += name.size();
            }
        }
        return text;
    }

private:
    static bool placeholder_like(const std::string& v) {
        return v.empty() || v == "null" || v == "~" || v == "\"\"" || v.starts_with("<redacted") ||
               v.find("***") != std::string::npos || v == "redacted" || v == "REDACTED" ||
               v == "[redacted]";
    }
    std::string learn(const std::string& v) {
        if (v.size() >= 4 && std::find(literal_.begin(), literal_.end(), v) == literal_.end()) {
            literal_.push_back(v);
            std::stable_sort(literal_.begin(), literal_.end(), [](const auto& a, const auto& b) {
                return a.size() > b.size();
            });
        }
        auto [it, fresh] = names_.try_emplace(v, "");
        if (fresh) {
            it->second = "<redacted:" + std::to_string(names_.size()) + ">";
        }
        return it->second;
    }
    std::vector<std::string> literal_;
    std::map<std::string, std::string> names_;
};

// xorshift64: the same lines on every run.
struct rng {
    std::uint64_t state;
    std::size_t pick(std::size_t n) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return static_cast<std::size_t>(state % n);
    }
    template <typename T, std::size_t N>
    const T& of(const std::array<T, N>& list) {
        return list[pick(N)];
    }
};

// A short line of secret-shaped pieces: keys, separators and values of awkward characters.
std::string secretish_line(rng& r) {
    static constexpr std::array<const char*, 10> before{
        "", " ", "{\"", "\"", ", ", "https://u", "mqtt://", "Bearer ", "bearer\t", "x="};
    static constexpr std::array<const char*, 16> keys{"password",
                                                      "Password",
                                                      "db_password",
                                                      "passwd",
                                                      "secret",
                                                      "api_key",
                                                      "apikey",
                                                      "PRIVATEKEY",
                                                      "private_key",
                                                      "hash",
                                                      "x-token",
                                                      "user",
                                                      "name",
                                                      "cookie",
                                                      "credential",
                                                      ""};
    static constexpr std::array<const char*, 10> separators{
        "=", "=\"", ": ", ":", "\": \"", "\":\"", "='", ":\"", " = ", "@"};
    static constexpr std::string_view value_chars = "abcXYZ019_.-\"\\ ,}&#@/:'=\t~+";
    std::string line;
    for (std::size_t n = 1 + r.pick(4); n > 0; --n) {
        line += r.of(before);
        line += r.of(keys);
        line += r.of(separators);
        for (std::size_t i = r.pick(12); i > 0; --i) {
            line += value_chars[r.pick(value_chars.size())];
        }
    }
    return line;
}

} // namespace

TEST_SUITE("diag::redactor") {
    TEST_CASE("the hand-written finders replace exactly what the regular expressions did") {
        rng r{0x5eed'0007};
        std::size_t changed = 0;
        std::vector<std::string> differ;
        for (std::size_t i = 0; i < 6'000; ++i) { // std::regex is slow: 6,000 lines take ~2 s
            const std::string line = secretish_line(r);
            redactor ours;
            regex_reference reference;
            const std::string got = ours.redact(line);
            const std::string want = reference.redact_line(line);
            changed += got != line ? 1U : 0U;
            if (got != want && differ.size() < 10) {
                differ.push_back("[" + line + "] gave [" + got + "], the regex [" + want + "]");
            }
        }
        std::string all;
        for (const auto& d : differ) {
            all += d + "\n";
        }
        CHECK_MESSAGE(differ.empty(), all);
        CHECK(changed > 1'500); // most lines carry a secret: the comparison is not of no-ops
    }

    TEST_CASE("a line with a 200 KB secret is redacted, not a crash") {
        redactor r;
        const std::string big(200'000, 'a');
        CHECK(r.redact("password=\"" + big + "\" user=bob") ==
              "password=\"<redacted:1>\" user=bob");
        CHECK(r.redact("{\"token\": \"" + big + "b\"}") == "{\"token\": \"<redacted:2>\"}");
        CHECK(r.redact("url=https://u:" + big + "c@host/x") == "url=https://u:<redacted:3>@host/x");
        CHECK(r.redact("Authorization: Bearer " + big + "d") ==
              "Authorization: Bearer <redacted:4>");
        CHECK(r.redact("again " + big + " here") == "again <redacted:1> here");
    }

    TEST_CASE("YAML, JSON and key=value secrets are replaced and the keys kept") {
        redactor r;
        const auto yaml = r.redact("cluster:\n  cookie: s3cr3t-cookie\n  name: emqxd\nhttp:\n  auth_token: \"tok-123456\"\n");
        CHECK(yaml.find("s3cr3t-cookie") == std::string::npos);
        CHECK(yaml.find("tok-123456") == std::string::npos);
        CHECK(yaml.find("cookie: <redacted:1>") != std::string::npos);
        CHECK(yaml.find("name: emqxd") != std::string::npos);
        const auto json = r.redact(R"({"username":"bob","password":"hunter22","algorithm":"plain"})");
        CHECK(json == R"({"username":"bob","password":"<redacted:3>","algorithm":"plain"})");
        const auto line = r.redact("2026-11-22T08:00:00.000Z INFO config x password_hash=$2b$10$abcdefgh secret=\"a b c d\"");
        CHECK(line.find("$2b$10$abcdefgh") == std::string::npos);
        CHECK(line.find("a b c d") == std::string::npos);
        CHECK(line.find("password_hash=<redacted:") != std::string::npos);
    }

    TEST_CASE("the same secret gets the same placeholder everywhere, also without its key") {
        redactor r;
        const auto config = r.redact("cookie: s3cr3t-cookie\n");
        const auto log = r.redact("peer refused: bad cookie s3cr3t-cookie from node2");
        const auto again = r.redact("{\"cookie\":\"s3cr3t-cookie\"}");
        CHECK(config == "cookie: <redacted:1>\n");
        CHECK(log == "peer refused: bad cookie <redacted:1> from node2");
        CHECK(again == "{\"cookie\":\"<redacted:1>\"}");
        CHECK(r.secrets() == 1);
    }

    TEST_CASE("URL credentials and bearer tokens are replaced") {
        redactor r;
        const auto url = r.redact("peers: mqtt://admin:pa55word@10.0.0.1:1883/x");
        CHECK(url == "peers: mqtt://admin:<redacted:1>@10.0.0.1:1883/x");
        const auto header = r.redact("Authorization: Bearer abc.def-ghi");
        CHECK(header == "Authorization: Bearer <redacted:2>");
    }

    TEST_CASE("learned secrets are replaced anywhere, placeholders are left alone") {
        redactor r;
        r.learn("planted-secret-42");
        CHECK(r.redact("x planted-secret-42 y") == "x <redacted:1> y");
        CHECK(r.redact("password: <redacted>") == "password: <redacted>");
        CHECK(r.redact("password: \"\"") == "password: \"\"");
        CHECK(r.redact("no secrets here\n") == "no secrets here\n");
    }

    TEST_CASE("--no-redact keeps the text as it is") {
        redactor r{false};
        CHECK(r.redact("password: hunter22") == "password: hunter22");
    }
}

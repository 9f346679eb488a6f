// Removing secrets from everything that goes into a diagnostics bundle, consistently: the same
// secret always becomes the same placeholder, so that an operator can still see that two
// files hold the same value without seeing it.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::diag {

class redactor {
public:
    /// A disabled redactor returns text unchanged (`--no-redact`).
    explicit redactor(bool enabled = true) : enabled_(enabled) {}

    /// Treats `secret` as a secret wherever it appears from now on (values of 4 bytes and more;
    /// shorter ones are still replaced where a key names them).
    void learn(std::string_view secret);

    /// The placeholder of `secret`: "<redacted:N>", N counting distinct secrets from 1.
    [[nodiscard]] std::string placeholder(std::string_view secret);

    /// `text` with secrets replaced: values of keys that name a secret (password, passwd,
    /// secret, token, cookie, credential, api_key, private_key, hash) as `key=value`,
    /// `key: value` (YAML) or `"key": "value"` (JSON); the password in `scheme://user:pass@`;
    /// `Bearer X`; and every secret learned so far, wherever it appears. Values found here are
    /// learned too.
    [[nodiscard]] std::string redact(std::string_view text);

    [[nodiscard]] bool enabled() const noexcept { return enabled_; }
    /// How many distinct secrets were replaced.
    [[nodiscard]] std::size_t secrets() const noexcept { return placeholders_.size(); }

private:
    std::string redact_line(std::string_view line);

    bool enabled_;
    std::map<std::string, std::string, std::less<>> placeholders_;
    std::vector<std::string> literal_; // learned secrets, longest first
};

} // namespace emqx::diag

// Checks of auth.users: each user complete, unique, and its hash of the right shape
// (validate.hpp). The shapes are checked here so that a typo is found at start-up, not at
// the first login.
#include "config/keys.hpp"
#include "config/parse.hpp"
#include "config/validate.hpp"

#include <algorithm>
#include <vector>

namespace emqx::broker::config {

namespace {

bool all_of(std::string_view text, std::string_view allowed) {
    return !text.empty() && text.find_first_not_of(allowed) == std::string_view::npos;
}

constexpr std::string_view digits = "0123456789";
constexpr std::string_view hex_digits = "0123456789abcdefABCDEF";
constexpr std::string_view bcrypt_base64 =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view base64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t at = text.find(separator); at != std::string_view::npos;
         at = text.find(separator, start)) {
        parts.push_back(text.substr(start, at - start));
        start = at + 1;
    }
    parts.push_back(text.substr(start));
    return parts;
}

// "$2b$12$" then 22 characters of salt and 31 of hash.
bool is_bcrypt(std::string_view hash) {
    if (hash.size() != 60 || !hash.starts_with("$2") || hash[3] != '$' || hash[6] != '$') {
        return false;
    }
    const char variant = hash[2];
    const auto cost = hash.substr(4, 2);
    return (variant == 'a' || variant == 'b' || variant == 'y') && all_of(cost, digits) &&
           parse_integer(cost, 4, 31).has_value() && all_of(hash.substr(7), bcrypt_base64);
}

// "$argon2id$v=19$m=65536,t=3,p=4$SALT$HASH" (the version part may be missing).
bool is_argon2id(std::string_view hash) {
    auto parts = split(hash, '$');
    if (parts.size() == 6 && parts[2].starts_with("v=") && all_of(parts[2].substr(2), digits)) {
        parts.erase(parts.begin() + 2);
    }
    if (parts.size() != 5 || !parts[0].empty() || parts[1] != "argon2id") {
        return false;
    }
    const auto params = split(parts[2], ',');
    constexpr std::string_view names[] = {"m=", "t=", "p="};
    if (params.size() != 3) {
        return false;
    }
    for (std::size_t i = 0; i < 3; ++i) {
        if (!params[i].starts_with(names[i]) || !all_of(params[i].substr(2), digits)) {
            return false;
        }
    }
    return all_of(parts[3], base64) && all_of(parts[4], base64);
}

void add(problems& out,
         const settings& config,
         severity level,
         const std::string& key,
         std::string value,
         std::string message) {
    out.push_back(problem{.level = level,
                          .key = key,
                          .value = std::move(value),
                          .message = std::move(message),
                          .where = where_from(config, key)});
}

bool has_error(std::span<const problem> earlier, std::string_view key) {
    return std::any_of(earlier.begin(), earlier.end(), [&](const problem& p) {
        return p.level == severity::error && p.key == key;
    });
}

void check_password(const settings& config,
                    const user_entry& user,
                    const std::string& base,
                    std::span<const problem> earlier,
                    problems& out) {
    const std::string key = cat({base, ".password"});
    if (user.password.empty()) {
        add(out, config, severity::error, key, {}, "missing; every user needs a password");
        return;
    }
    if (has_error(earlier, cat({base, ".algorithm"}))) {
        return;
    }
    if (user.algorithm == hash_algorithm::plain) {
        add(out,
            config,
            severity::warning,
            key,
            "<redacted>",
            "stored in clear (algorithm plain); store a hash instead: emqxd --hash-password");
    } else if (const auto why = hash_shape_problem(user.algorithm, user.password)) {
        add(out, config, severity::error, key, "<redacted>", *why);
    }
    if (!user.salt.empty() && user.algorithm != hash_algorithm::sha256) {
        add(out,
            config,
            severity::warning,
            cat({base, ".salt"}),
            user.salt,
            cat({"ignored: only algorithm sha256 uses a salt, this user's is ",
                 to_string(user.algorithm)}));
    }
}

} // namespace

std::optional<std::string> hash_shape_problem(hash_algorithm algorithm, std::string_view hash) {
    switch (algorithm) {
    case hash_algorithm::bcrypt:
        if (!is_bcrypt(hash)) {
            return "does not look like a bcrypt hash ($2b$, a cost from 04 to 31, $, 53 "
                   "characters, 60 in all); make one with: emqxd --hash-password";
        }
        break;
    case hash_algorithm::argon2id:
        if (!is_argon2id(hash)) {
            return "does not look like an argon2id hash ($argon2id$v=19$m=...,t=...,p=...$salt$"
                   "hash); make one with: emqxd --hash-password";
        }
        break;
    case hash_algorithm::sha256:
        if (hash.size() != 64 || !all_of(hash, hex_digits)) {
            return "does not look like a SHA-256 digest (64 hex digits); make one with: emqxd "
                   "--hash-password";
        }
        break;
    case hash_algorithm::plain: break;
    }
    return std::nullopt;
}

void check_users(const settings& config, std::span<const problem> earlier, problems& out) {
    const auto& users = config.auth.users;
    for (std::size_t i = 0; i < users.size(); ++i) {
        const std::string base = cat({"auth.users[", std::to_string(i), "]"});
        const auto& user = users[i];
        if (user.username.empty()) {
            add(out,
                config,
                severity::error,
                cat({base, ".username"}),
                {},
                "missing; every user needs a username");
        }
        for (std::size_t j = 0; j < i && !user.username.empty(); ++j) {
            if (users[j].username == user.username) {
                add(out,
                    config,
                    severity::error,
                    cat({base, ".username"}),
                    user.username,
                    cat({"also the username of auth.users[",
                         std::to_string(j),
                         "]; usernames must be unique"}));
                break;
            }
        }
        check_password(config, user, base, earlier, out);
    }
}

} // namespace emqx::broker::config

// Whole-configuration checks: port conflicts, listeners off loopback without protection,
// users and their hashes, cluster timing, and the paths the broker writes.
#include "config/override.hpp"
#include "config/validate.hpp"
#include "config/yaml_file.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace emqx::broker;
using namespace emqx::broker::config;
namespace fs = std::filesystem;

namespace {

// Real hashes of "secret": bcrypt from libxcrypt's crypt (cost 12), argon2id from libargon2's
// argon2id_hash_encoded (t=3, m=65536, p=4, salt "somesalt", 32 bytes).
constexpr std::string_view bcrypt_hash =
    "$2b$12$JuKSM6rJJD0DIbjikITJBugxNDhFFovdqsoqSklFVGDeM6CzVlqcK";
constexpr std::string_view argon2id_hash =
    "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$ZVNJTADkk2vNy+XS+InefN5hPOnpMz9ACqPaPvProDM";

/// The settings of `text`, which must have no problem of its own.
settings from_yaml(std::string_view text) {
    settings config;
    const auto found = apply_yaml(config, text, "emqxd.yaml");
    REQUIRE(found.empty());
    return config;
}

std::vector<problem> with_key(const problems& found, std::string_view key) {
    std::vector<problem> out;
    for (const auto& p : found) {
        if (p.key == key) {
            out.push_back(p);
        }
    }
    return out;
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

user_entry user(std::string name, std::string password, hash_algorithm algorithm) {
    return {.username = std::move(name),
            .password = std::move(password),
            .algorithm = algorithm,
            .salt = {},
            .enabled = true};
}

/// A directory of its own in the temporary directory, removed at the end of the test.
struct temp_dir {
    fs::path path = fs::temp_directory_path() /
                    std::string{"emqx-config-validate-"}.append(std::to_string(::getpid()));
    temp_dir() { fs::create_directories(path); }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
};

} // namespace

TEST_SUITE("broker::config::validate") {
    TEST_CASE("the built-in configuration has no problem at all") {
        CHECK(validate(settings{}).empty());
    }

    TEST_CASE("two listeners on the same host and port conflict") {
        const auto config = from_yaml("listeners:\n  mqtt: 127.0.0.1:8082\n");
        const auto found = with_key(validate(config), "listeners.http");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::error);
        CHECK(found[0].value == "127.0.0.1:8082");
        CHECK(contains(found[0].message, "listeners.mqtt"));
    }

    TEST_CASE("a wildcard listener conflicts with any address of its port") {
        const auto config = from_yaml("listeners:\n  mqtt: 127.0.0.1:9000\n"
                                      "  dashboard: 0.0.0.0:9000\nhttp:\n"
                                      "  auth_token: 0123456789abcdef0\n");
        CHECK(with_key(validate(config), "listeners.dashboard").size() == 1);
    }

    TEST_CASE("port 0 never conflicts, and different hosts on one port do not") {
        CHECK(validate(from_yaml("listeners:\n  mqtt: 0\n  http: 0\n  cluster: 0\n")).empty());
        CHECK(validate(from_yaml("listeners:\n  mqtt: 127.0.0.1:9000\n  http: 127.0.0.2:9000\n"))
                  .empty());
    }

    TEST_CASE("an MQTT listener off loopback without authentication is an error saying how to "
              "fix it") {
        const auto config = from_yaml("listeners:\n  mqtt: 0.0.0.0:1883\n");
        const auto found = with_key(validate(config), "listeners.mqtt");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::error);
        CHECK(contains(found[0].message, "auth.enabled: true"));
        CHECK(contains(found[0].message, "auth.allow_anonymous: true"));
        CHECK(found[0].where == "emqxd.yaml:2");
    }

    TEST_CASE("allow_anonymous must be set explicitly, not left at a default, to expose MQTT") {
        settings config = from_yaml("listeners:\n  mqtt: 0.0.0.0:1883\n");
        config.auth.allow_anonymous = true; // the value alone, as a built-in default would be
        CHECK(with_key(validate(config), "listeners.mqtt").size() == 1);
        CHECK(apply_override(config, "auth.allow_anonymous", "true", {source_kind::flag, "--set"})
                  .empty());
        CHECK(with_key(validate(config), "listeners.mqtt").empty());
    }

    TEST_CASE("an explicit allow_anonymous false still refuses an exposed listener") {
        const auto config = from_yaml("listeners:\n  mqtt: 0.0.0.0:1883\n"
                                      "auth:\n  allow_anonymous: false\n");
        CHECK(with_key(validate(config), "listeners.mqtt").size() == 1);
    }

    TEST_CASE("authentication enabled makes an exposed MQTT listener acceptable") {
        settings config = from_yaml("listeners:\n  mqtt: \"[::]:1883\"\nauth:\n  enabled: true\n");
        config.auth.users.push_back(
            user("alice", std::string{bcrypt_hash}, hash_algorithm::bcrypt));
        CHECK(validate(config).empty());
    }

    TEST_CASE("an exposed HTTP listener without a token is a warning") {
        const auto found =
            with_key(validate(from_yaml("listeners:\n  http: 0.0.0.0:8082\n")), "listeners.http");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::warning);
        CHECK(contains(found[0].message, "http.auth_token"));
    }

    TEST_CASE("an exposed cluster listener needs a cookie") {
        const auto found = with_key(validate(from_yaml("listeners:\n  cluster: 10.0.0.1:8081\n")),
                                    "listeners.cluster");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::error);
        CHECK(contains(found[0].message, "cluster.cookie"));
    }

    TEST_CASE("a short secret is a warning that does not show it") {
        const auto found =
            with_key(validate(from_yaml("cluster:\n  cookie: short\n")), "cluster.cookie");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::warning);
        CHECK(found[0].value == "<redacted>");
    }

    TEST_CASE("the failure timeout must exceed the heartbeat interval") {
        const auto found = with_key(
            validate(from_yaml("cluster:\n  heartbeat_interval: 10s\n  failure_timeout: 5s\n")),
            "cluster.failure_timeout");
        REQUIRE(found.size() == 1);
        CHECK(contains(found[0].message, "10s"));
    }

    TEST_CASE("a plain password is a warning, not an error") {
        settings config;
        config.auth.enabled = true;
        config.auth.users.push_back(user("alice", "secret", hash_algorithm::plain));
        const auto found = validate(config);
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::warning);
        CHECK(found[0].key == "auth.users[0].password");
        CHECK(found[0].value == "<redacted>");
        CHECK_FALSE(contains(found[0].message, "secret"));
    }

    TEST_CASE("a user without a username or a password is an error") {
        const auto config = from_yaml("auth:\n  enabled: true\n  users:\n"
                                      "    - password: secret\n      algorithm: plain\n"
                                      "    - username: bob\n");
        const auto found = validate(config);
        const auto no_name = with_key(found, "auth.users[0].username");
        REQUIRE(no_name.size() == 1);
        CHECK(no_name[0].level == severity::error);
        CHECK(no_name[0].where == "emqxd.yaml:4");
        const auto no_password = with_key(found, "auth.users[1].password");
        REQUIRE(no_password.size() == 1);
        CHECK(no_password[0].level == severity::error);
        CHECK(contains(no_password[0].message, "missing"));
    }

    TEST_CASE("a username given twice is an error") {
        settings config;
        config.auth.enabled = true;
        config.auth.users = {user("a", std::string{bcrypt_hash}, hash_algorithm::bcrypt),
                             user("a", std::string{bcrypt_hash}, hash_algorithm::bcrypt)};
        const auto found = with_key(validate(config), "auth.users[1].username");
        REQUIRE(found.size() == 1);
        CHECK(contains(found[0].message, "auth.users[0]"));
    }

    TEST_CASE("hashes of the right shape pass and others do not") {
        CHECK_FALSE(hash_shape_problem(hash_algorithm::bcrypt, bcrypt_hash).has_value());
        CHECK_FALSE(hash_shape_problem(hash_algorithm::argon2id, argon2id_hash).has_value());
        CHECK_FALSE(hash_shape_problem(hash_algorithm::sha256, std::string(64, 'a')).has_value());
        CHECK_FALSE(hash_shape_problem(hash_algorithm::plain, "anything").has_value());

        std::string cost_too_high{bcrypt_hash};
        cost_too_high.replace(4, 2, "32");
        std::string wrong_variant{bcrypt_hash};
        wrong_variant[2] = 'x';
        for (const std::string_view bad : {std::string_view{"secret"},
                                           bcrypt_hash.substr(0, 59),
                                           std::string_view{cost_too_high},
                                           std::string_view{wrong_variant}}) {
            CAPTURE(bad);
            CHECK(hash_shape_problem(hash_algorithm::bcrypt, bad).has_value());
        }
        for (const std::string_view bad :
             {std::string_view{"$argon2i$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"},
              std::string_view{"$argon2id$v=19$m=65536,t=3$c2FsdA$aGFzaA"},
              std::string_view{"$argon2id$v=19$m=65536,t=3,p=4$$aGFzaA"},
              bcrypt_hash}) {
            CAPTURE(bad);
            CHECK(hash_shape_problem(hash_algorithm::argon2id, bad).has_value());
        }
        CHECK(hash_shape_problem(hash_algorithm::sha256, std::string(63, 'a')).has_value());
        CHECK(hash_shape_problem(hash_algorithm::sha256, std::string(64, 'g')).has_value());
    }

    TEST_CASE("a hash of the wrong shape is an error naming the algorithm") {
        settings config;
        config.auth.enabled = true;
        config.auth.users.push_back(user("alice", "secret", hash_algorithm::bcrypt));
        const auto found = with_key(validate(config), "auth.users[0].password");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::error);
        CHECK(contains(found[0].message, "bcrypt"));
        CHECK(found[0].value == "<redacted>");
    }

    TEST_CASE("an unknown algorithm is not also reported as a hash of the wrong shape") {
        settings config;
        auto found = apply_yaml(config,
                                "auth:\n  enabled: true\n  users:\n"
                                "    - {username: a, password: secret, algorithm: md5}\n",
                                "emqxd.yaml");
        REQUIRE(found.size() == 1);
        CHECK(with_key(validate(config, found), "auth.users[0].password").empty());
    }

    TEST_CASE("a salt with an algorithm other than sha256 is a warning") {
        settings config;
        config.auth.enabled = true;
        config.auth.users.push_back(user("a", std::string{bcrypt_hash}, hash_algorithm::bcrypt));
        config.auth.users[0].salt = "pepper";
        const auto found = with_key(validate(config), "auth.users[0].salt");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::warning);
    }

    TEST_CASE("auth enabled with no way in is a warning") {
        const auto found =
            with_key(validate(from_yaml("auth:\n  enabled: true\n")), "auth.enabled");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::warning);
    }

    TEST_CASE("a log file in a directory that does not exist is an error") {
        const auto found = with_key(
            validate(from_yaml("log:\n  file: /nonexistent-emqx/dir/emqxd.log\n")), "log.file");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::error);
        CHECK(contains(found[0].message, "/nonexistent-emqx/dir"));
    }

    TEST_CASE("a log file that is a directory is an error; one in a writable directory is fine") {
        const temp_dir dir;
        settings config;
        config.log.file = dir.path.string();
        CHECK(with_key(validate(config), "log.file").size() == 1);
        config.log.file = (dir.path / "emqxd.log").string();
        CHECK(with_key(validate(config), "log.file").empty());
    }

    TEST_CASE("a data directory that is a file is an error, a missing one a warning") {
        const temp_dir dir;
        const auto file = dir.path / "file";
        std::ofstream{file} << "x";
        settings config;
        config.node.data_dir = file.string();
        auto found = with_key(validate(config), "node.data_dir");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::error);
        config.node.data_dir = (dir.path / "missing").string();
        found = with_key(validate(config), "node.data_dir");
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::warning);
        config.node.data_dir = dir.path.string();
        CHECK(with_key(validate(config), "node.data_dir").empty());
    }
}

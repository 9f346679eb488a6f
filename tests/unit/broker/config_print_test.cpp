// --print-config: the effective configuration as YAML, each value with its source, secrets
// redacted, and readable back by the loader.
#include "config/keys.hpp"
#include "config/load.hpp"
#include "config/print.hpp"
#include "config/yaml_file.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>

using namespace emqx::broker;
using namespace emqx::broker::config;

namespace {

/// The line of `text` that sets `leaf` under its section (first match after `section:`).
std::string line_of(const std::string& text, std::string_view section, std::string_view leaf) {
    std::istringstream in{text};
    std::string line;
    bool in_section = false;
    while (std::getline(in, line)) {
        if (!line.starts_with(' ')) {
            in_section = line == std::string{section} + ":";
        } else if (in_section && line.find(std::string{leaf} + ":") != std::string::npos) {
            return line;
        }
    }
    return {};
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

} // namespace

TEST_SUITE("broker::config::print") {
    TEST_CASE("every key appears, each with its source") {
        const auto text = print_config(settings{});
        for (const auto& key : all_keys()) {
            const auto dot = key.path.find('.');
            const auto last = key.path.rfind('.');
            const auto line = line_of(text, key.path.substr(0, dot), key.path.substr(last + 1));
            CAPTURE(key.path);
            CHECK(contains(line, "# default"));
        }
    }

    TEST_CASE("each source is named: default, file with line, environment variable, flag") {
        settings config;
        REQUIRE(apply_yaml(config, "mqtt:\n  max_inflight: 10\n", "/etc/emqxd/emqxd.yaml").empty());
        const auto result = load({.env = environment_from({{"MQTT_PORT", "1999"}}),
                                  .flags = {{"log.level", "debug", "--log-level"}}});
        config.sources.insert(result.config.sources.begin(), result.config.sources.end());
        config.listeners.mqtt = result.config.listeners.mqtt;
        config.log.level = result.config.log.level;
        const auto text = print_config(config);
        CHECK(contains(line_of(text, "mqtt", "max_inflight"), "10"));
        CHECK(contains(line_of(text, "mqtt", "max_inflight"), "# file /etc/emqxd/emqxd.yaml:2"));
        CHECK(contains(line_of(text, "listeners", "mqtt"), "\"127.0.0.1:1999\""));
        CHECK(contains(line_of(text, "listeners", "mqtt"), "# env MQTT_PORT"));
        CHECK(contains(line_of(text, "log", "level"), "debug"));
        CHECK(contains(line_of(text, "log", "level"), "# flag --log-level"));
        CHECK(contains(line_of(text, "log", "format"), "# default"));
    }

    TEST_CASE("secrets are redacted and never printed") {
        settings config;
        REQUIRE(apply_yaml(config,
                           "cluster:\n  cookie: cookie-value-0123456789\n"
                           "http:\n  auth_token: token-value-0123456789\n"
                           "auth:\n  users:\n    - username: alice\n"
                           "      password: password-value\n      algorithm: plain\n",
                           "emqxd.yaml")
                    .empty());
        const auto text = print_config(config);
        CHECK_FALSE(contains(text, "cookie-value"));
        CHECK_FALSE(contains(text, "token-value"));
        CHECK_FALSE(contains(text, "password-value"));
        CHECK(contains(line_of(text, "cluster", "cookie"), "\"<redacted>\""));
        CHECK(contains(line_of(text, "http", "auth_token"), "\"<redacted>\""));
        CHECK(contains(line_of(text, "auth", "password"), "\"<redacted>\""));
        CHECK(contains(line_of(text, "auth", "username"), "\"alice\""));
        CHECK(contains(line_of(text, "auth", "username"), "# file emqxd.yaml:7"));
    }

    TEST_CASE("an empty secret is printed empty, so that an unset one shows") {
        const auto text = print_config(settings{});
        CHECK(contains(line_of(text, "cluster", "cookie"), "cookie: \"\""));
        CHECK(contains(line_of(text, "http", "auth_token"), "auth_token: \"\""));
        CHECK(contains(line_of(text, "auth", "users"), "users: []"));
    }

    TEST_CASE("the output reads back as the same configuration") {
        settings config;
        REQUIRE(apply_yaml(config,
                           "node: {id: n2, data_dir: /tmp}\n"
                           "listeners: {mqtt: \"[::1]:1884\", dashboard: 18084}\n"
                           "mqtt: {max_packet_size: 64KiB, connect_timeout: 1500ms}\n"
                           "cluster: {peers: [\"10.0.0.1:8083\", \"n3.example:8085\"],"
                           " discovery: emqx.example}\n"
                           "log: {level: warn, format: json, file: \"a \\\"b\\\".log\"}\n",
                           "emqxd.yaml")
                    .empty());
        settings again;
        const auto found = apply_yaml(again, print_config(config), "printed.yaml");
        CHECK(found.empty());
        for (const auto& key : all_keys()) {
            if (key.get != nullptr) {
                CAPTURE(key.path);
                CHECK(render_value(key, key.get(again)) == render_value(key, key.get(config)));
            }
        }
        CHECK(again.listeners.mqtt == listen_address{"::1", 1884});
        CHECK(again.log.file == "a \"b\".log");
    }
}

// Problems in the config file itself: YAML syntax, unknown keys with their did-you-mean, wrong
// types, out-of-range and enum values, and that every problem is reported, not the first.
#include "config/keys.hpp"
#include "config/load.hpp"
#include "config/suggest.hpp"
#include "config/yaml_file.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace emqx::broker::config;

namespace {

problems read(std::string_view text, settings& config) {
    return apply_yaml(config, text, "emqxd.yaml");
}

problems read(std::string_view text) {
    settings config;
    return read(text, config);
}

/// The only problem of `text`, which must have exactly one.
problem only_problem(std::string_view text) {
    const auto found = read(text);
    REQUIRE(found.size() == 1);
    return found[0];
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

} // namespace

TEST_SUITE("broker::config::file") {
    TEST_CASE("an empty file or one of comments only changes nothing") {
        settings config;
        CHECK(read("", config).empty());
        CHECK(read("# nothing here\n", config).empty());
        CHECK(config.sources.empty());
    }

    TEST_CASE("a YAML syntax error is reported with its line and column") {
        const auto p = only_problem("mqtt:\n  max_inflight: 10\nlog: {level: info\n");
        CHECK(p.level == severity::error);
        CHECK(contains(p.message, "not valid YAML"));
        CHECK(p.where.starts_with("emqxd.yaml:"));
        CHECK(p.where != "emqxd.yaml"); // a line and column follow the name
        const auto line = std::stoi(p.where.substr(p.where.find(':') + 1));
        CHECK(line >= 3);
    }

    TEST_CASE("a tab in the indentation gets a hint") {
        const auto p = only_problem("mqtt:\n\tmax_inflight: 10\n");
        CHECK(contains(p.message, "not tabs"));
        CHECK(p.where.starts_with("emqxd.yaml:2:"));
    }

    TEST_CASE("a document that is not a mapping is an error") {
        const auto p = only_problem("- mqtt\n- log\n");
        CHECK(contains(p.message, "mapping of sections"));
    }

    TEST_CASE("an unknown key with a typo suggests the key meant") {
        const auto p = only_problem("mqtt:\n  max_infligt: 10\n");
        CHECK(p.key == "mqtt.max_infligt");
        CHECK(contains(p.message, "did you mean mqtt.max_inflight?"));
        CHECK(p.where == "emqxd.yaml:2:3");
    }

    TEST_CASE("a known key in the wrong section suggests the right section") {
        const auto p = only_problem("listeners:\n  max_inflight: 10\n");
        CHECK(contains(p.message, "did you mean mqtt.max_inflight?"));
    }

    TEST_CASE("a misspelt section suggests the section") {
        const auto p = only_problem("listener:\n  mqtt: 1883\n");
        CHECK(p.key == "listener");
        CHECK(contains(p.message, "did you mean listeners?"));
    }

    TEST_CASE("an unknown key like no other gets no suggestion") {
        const auto p = only_problem("mqtt:\n  completely_different: 1\n");
        CHECK(contains(p.message, "unknown key"));
        CHECK_FALSE(contains(p.message, "did you mean"));
    }

    TEST_CASE("a misspelt user field suggests the field") {
        const auto found = read("auth:\n  users:\n    - username: a\n      pasword: x\n");
        REQUIRE_FALSE(found.empty());
        CHECK(found[0].key == "auth.users[0].pasword");
        CHECK(contains(found[0].message, "did you mean password?"));
    }

    TEST_CASE("a key given twice is an error") {
        const auto p = only_problem("mqtt:\n  max_inflight: 1\n  max_inflight: 2\n");
        CHECK(p.key == "mqtt.max_inflight");
        CHECK(contains(p.message, "twice"));
    }

    TEST_CASE("a word where a number belongs is a wrong type, with the allowed range") {
        settings config;
        const auto found = read("mqtt:\n  max_inflight: abc\n", config);
        REQUIRE(found.size() == 1);
        CHECK(found[0].key == "mqtt.max_inflight");
        CHECK(found[0].value == "abc");
        CHECK(contains(found[0].message, "not a whole number"));
        CHECK(contains(found[0].message, "from 1 to 65535"));
        CHECK(found[0].where == "emqxd.yaml:2:17");
        CHECK(config.mqtt.max_inflight == emqx::broker::limits{}.max_inflight);
    }

    TEST_CASE("a list or mapping where a value belongs is a wrong type") {
        CHECK(contains(only_problem("mqtt:\n  max_inflight: [1, 2]\n").message, "is a list"));
        CHECK(contains(only_problem("log:\n  level: {a: 1}\n").message, "is a mapping"));
        CHECK(contains(only_problem("mqtt: 5\n").message, "is a section"));
        CHECK(contains(only_problem("mqtt:\n  max_inflight:\n").message, "is empty"));
    }

    TEST_CASE("an out-of-range value names the allowed range") {
        const auto p = only_problem("mqtt:\n  max_keepalive: 70000\n");
        CHECK(p.value == "70000");
        CHECK(contains(p.message, "out of range"));
        CHECK(contains(p.message, "from 1 to 65535"));
    }

    TEST_CASE("a client id limit below 23 is refused [MQTT-3.1.3-5]") {
        const auto p = only_problem("mqtt:\n  max_clientid_len: 22\n");
        CHECK(contains(p.message, "from 23 to 65535"));
    }

    TEST_CASE("a Receive Maximum of 0 is refused (3.2.2.3.3)") {
        CHECK(only_problem("mqtt:\n  max_inflight: 0\n").key == "mqtt.max_inflight");
    }

    TEST_CASE("a duration out of range names the range in durations") {
        const auto p = only_problem("mqtt:\n  connect_timeout: 1h\n");
        CHECK(contains(p.message, "from 100ms to 10m"));
    }

    TEST_CASE("an enum value outside its list names the allowed values") {
        const auto level = only_problem("log:\n  level: verbose\n");
        CHECK(level.key == "log.level");
        CHECK(contains(level.message, "trace, debug, info, warn or error"));
        const auto format = only_problem("log:\n  format: xml\n");
        CHECK(contains(format.message, "text or json"));
        const auto algorithm = read("auth:\n  users:\n    - {username: a, password: b, "
                                    "algorithm: md5}\n");
        REQUIRE_FALSE(algorithm.empty());
        CHECK(algorithm[0].key == "auth.users[0].algorithm");
        CHECK(contains(algorithm[0].message, "bcrypt, sha256, plain or argon2id"));
    }

    TEST_CASE("a boolean is true or false, not a YAML 1.1 yes") {
        const auto p = only_problem("auth:\n  enabled: yes\n");
        CHECK(contains(p.message, "true or false"));
    }

    TEST_CASE("a listener host must be a numeric address") {
        const auto p = only_problem("listeners:\n  mqtt: localhost:1883\n");
        CHECK(p.key == "listeners.mqtt");
        CHECK(contains(p.message, "numeric IP address"));
    }

    TEST_CASE("a bad peer is reported by its index") {
        const auto p = only_problem("cluster:\n  peers: [\"a:8081\", \"b:0\"]\n");
        CHECK(p.key == "cluster.peers[1]");
        CHECK(p.value == "b:0");
    }

    TEST_CASE("a secret's value never appears in a problem") {
        const auto p = only_problem("cluster:\n  cookie: [s3cr3t]\n");
        CHECK_FALSE(contains(p.value + p.message, "s3cr3t"));
    }

    TEST_CASE("every problem of a file is reported, not just the first") {
        const auto found = read("node:\n  id: \"bad id\"\n"
                                "listeners:\n  dashbord: 18083\n"
                                "mqtt:\n  max_inflight: abc\n  max_keepalive: 0\n"
                                "log:\n  level: loud\n");
        std::vector<std::string> keys;
        for (const auto& p : found) {
            keys.push_back(p.key);
        }
        CHECK(keys == std::vector<std::string>{"node.id",
                                               "listeners.dashbord",
                                               "mqtt.max_inflight",
                                               "mqtt.max_keepalive",
                                               "log.level"});
    }

    TEST_CASE("every problem of every source comes back from load") {
        const auto result =
            load({.env = environment_from({{"MQTT_PORT", "x"}}),
                  .flags = {{"mqtt.max_infligt", "5", "--set"}, {"log.level", "loud", "--set"}}});
        CHECK_FALSE(result.ok());
        CHECK(result.found.size() == 3);
    }

    TEST_CASE("values in other units are read") {
        settings config;
        REQUIRE(read("mqtt:\n  max_packet_size: 2MiB\n  connect_timeout: 1500ms\n"
                     "auth:\n  ban:\n    window: 2m\n    duration: 3600\n",
                     config)
                    .empty());
        CHECK(config.mqtt.max_packet_size == 2U << 20U);
        CHECK(config.mqtt.connect_timeout == std::chrono::milliseconds{1500});
        CHECK(config.auth.ban.window == std::chrono::minutes{2});
        CHECK(config.auth.ban.duration == std::chrono::hours{1});
    }

    TEST_CASE("did_you_mean keeps to close candidates and prefers the first of a tie") {
        const std::vector<std::string> candidates{
            "mqtt.max_inflight", "mqtt.max_keepalive", "log.level"};
        CHECK(did_you_mean("mqtt.max_inflite", candidates) == "mqtt.max_inflight");
        CHECK(did_you_mean("log.levle", candidates) == "log.level");
        CHECK_FALSE(did_you_mean("mqtt.zzz", candidates).has_value());
        CHECK(edit_distance("kitten", "sitting") == 3);
        CHECK(edit_distance("", "abc") == 3);
        CHECK(edit_distance("same", "same") == 0);
    }
}

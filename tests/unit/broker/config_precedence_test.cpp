// The order of the configuration sources (DESIGN.md section 3: defaults < file < environment <
// flags), the environment variables of the old scripts, and each value's recorded source.
#include "config/environment.hpp"
#include "config/load.hpp"
#include "config/override.hpp"
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

/// A config file in the temporary directory, removed at the end of the test.
class temp_file {
public:
    explicit temp_file(std::string_view text)
        : path_{fs::temp_directory_path() / std::string{"emqx-config-precedence-"}
                                                .append(std::to_string(::getpid()))
                                                .append("-")
                                                .append(std::to_string(counter_++))
                                                .append(".yaml")} {
        std::ofstream{path_} << text;
    }
    ~temp_file() {
        std::error_code ec;
        fs::remove(path_, ec);
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;

    [[nodiscard]] const fs::path& path() const { return path_; }

private:
    static inline int counter_ = 0;
    fs::path path_;
};

const problem* find_problem(const problems& found, std::string_view key) {
    for (const auto& p : found) {
        if (p.key == key) {
            return &p;
        }
    }
    return nullptr;
}

constexpr std::string_view file_sets_inflight = "mqtt:\n  max_inflight: 10\n"
                                                "listeners:\n  mqtt: \"127.0.0.1:2001\"\n"
                                                "node:\n  id: from_file\n";

} // namespace

TEST_SUITE("broker::config::precedence") {
    TEST_CASE("with no file, environment or flag every value is its built-in default") {
        const auto result = load({});
        CHECK(result.ok());
        CHECK(result.found.empty());
        CHECK_FALSE(result.config_file.has_value());
        CHECK(result.config.listeners.mqtt == listen_address{"127.0.0.1", 1883});
        CHECK(result.config.listeners.http == listen_address{"127.0.0.1", 8082});
        CHECK(result.config.listeners.cluster == listen_address{"127.0.0.1", 8081});
        CHECK_FALSE(result.config.listeners.dashboard.has_value());
        CHECK(result.config.node.id == "node1");
        CHECK(result.config.mqtt.max_inflight == limits{}.max_inflight);
        CHECK(source_of(result.config, "listeners.mqtt").kind == source_kind::built_in);
    }

    TEST_CASE("a file value overrides the default and records the file and line") {
        const temp_file file{file_sets_inflight};
        const auto result = load({.config_file = file.path()});
        REQUIRE(result.ok());
        CHECK(result.config.mqtt.max_inflight == 10);
        const auto source = source_of(result.config, "mqtt.max_inflight");
        CHECK(source.kind == source_kind::file);
        CHECK(source.name == file.path().string() + ":2");
    }

    TEST_CASE("the environment overrides the file") {
        const temp_file file{file_sets_inflight};
        const auto result = load(
            {.config_file = file.path(),
             .env = environment_from({{"MQTT_PORT", "127.0.0.1:2002"}, {"NODE_ID", "from_env"}})});
        REQUIRE(result.ok());
        CHECK(result.config.listeners.mqtt.port == 2002);
        CHECK(result.config.node.id == "from_env");
        CHECK(source_of(result.config, "node.id") ==
              value_source{source_kind::environment, "NODE_ID"});
        CHECK(result.config.mqtt.max_inflight == 10); // untouched by the environment
    }

    TEST_CASE("a flag overrides the environment") {
        const auto result = load({.env = environment_from({{"MQTT_PORT", "2002"}}),
                                  .flags = {{"listeners.mqtt", "127.0.0.1:0", "--mqtt"}}});
        REQUIRE(result.ok());
        CHECK(result.config.listeners.mqtt == listen_address{"127.0.0.1", 0});
        CHECK(source_of(result.config, "listeners.mqtt") ==
              value_source{source_kind::flag, "--mqtt"});
    }

    TEST_CASE("a flag overrides the file") {
        const temp_file file{file_sets_inflight};
        const auto result =
            load({.config_file = file.path(), .flags = {{"mqtt.max_inflight", "20", "--set"}}});
        REQUIRE(result.ok());
        CHECK(result.config.mqtt.max_inflight == 20);
        CHECK(source_of(result.config, "mqtt.max_inflight").kind == source_kind::flag);
        CHECK(result.config.node.id == "from_file");
    }

    TEST_CASE("later flags override earlier ones") {
        const auto result = load({.flags = {{"mqtt.max_inflight", "20", "--set"},
                                            {"mqtt.max_inflight", "30", "--set"}}});
        CHECK(result.config.mqtt.max_inflight == 30);
    }

    TEST_CASE("EMQXD_CONFIG names the file when --config is not given") {
        const temp_file file{file_sets_inflight};
        const auto result =
            load({.env = environment_from({{"EMQXD_CONFIG", file.path().string()}})});
        REQUIRE(result.config_file.has_value());
        CHECK(*result.config_file == file.path());
        CHECK(result.config.mqtt.max_inflight == 10);
    }

    TEST_CASE("--config wins over EMQXD_CONFIG") {
        const temp_file file{file_sets_inflight};
        const auto result =
            load({.config_file = file.path(),
                  .env = environment_from({{"EMQXD_CONFIG", "/nonexistent/emqxd.yaml"}})});
        CHECK(result.ok());
        CHECK(result.config.mqtt.max_inflight == 10);
    }

    TEST_CASE("a missing file named by EMQXD_CONFIG is an error under that name") {
        const auto result =
            load({.env = environment_from({{"EMQXD_CONFIG", "/nonexistent/emqxd.yaml"}})});
        CHECK_FALSE(result.ok());
        const auto* p = find_problem(result.found, "EMQXD_CONFIG");
        REQUIRE(p != nullptr);
        CHECK(p->value == "/nonexistent/emqxd.yaml");
        CHECK(p->message.find("No such file") != std::string::npos);
    }

    TEST_CASE("each environment variable sets its key") {
        settings config;
        const auto found = apply_environment(
            config,
            environment_from({{"NODE_ID", "n7"},
                              {"MQTT_PORT", "1901"},
                              {"CLUSTER_PORT", ":1902"},
                              {"METRICS_PORT", "127.0.0.1:1903"},
                              {"DASHBOARD_PORT", "1904"},
                              {"PEER_NODES", "10.0.0.2:8083, node3.example:8085"}}));
        CHECK(found.empty());
        CHECK(config.node.id == "n7");
        CHECK(config.listeners.mqtt == listen_address{"127.0.0.1", 1901});
        CHECK(config.listeners.cluster == listen_address{"127.0.0.1", 1902});
        CHECK(config.listeners.http == listen_address{"127.0.0.1", 1903});
        CHECK(config.listeners.dashboard == listen_address{"127.0.0.1", 1904});
        CHECK(config.cluster.peers ==
              std::vector<std::string>{"10.0.0.2:8083", "node3.example:8085"});
        CHECK(source_of(config, "cluster.peers") ==
              value_source{source_kind::environment, "PEER_NODES"});
    }

    TEST_CASE("GRPC_PORT sets the cluster listener with a deprecation warning") {
        settings config;
        const auto found = apply_environment(config, environment_from({{"GRPC_PORT", "9100"}}));
        CHECK(config.listeners.cluster.port == 9100);
        CHECK(source_of(config, "listeners.cluster") ==
              value_source{source_kind::environment, "GRPC_PORT"});
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::warning);
        CHECK(found[0].key == "listeners.cluster");
        CHECK(found[0].message.find("CLUSTER_PORT") != std::string::npos);
        CHECK(found[0].where == "env GRPC_PORT");
    }

    TEST_CASE("GRPC_PORT is ignored, with a warning, when CLUSTER_PORT is set too") {
        settings config;
        const auto found = apply_environment(
            config, environment_from({{"GRPC_PORT", "9100"}, {"CLUSTER_PORT", "9200"}}));
        CHECK(config.listeners.cluster.port == 9200);
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::warning);
        CHECK(found[0].message.find("ignored") != std::string::npos);
    }

    TEST_CASE("an empty environment variable counts as unset") {
        settings config;
        const auto found = apply_environment(config, environment_from({{"MQTT_PORT", ""}}));
        CHECK(found.empty());
        CHECK(config.listeners.mqtt.port == 1883);
        CHECK(source_of(config, "listeners.mqtt").kind == source_kind::built_in);
    }

    TEST_CASE("a port without a host keeps the host of the file, in each form of section 3") {
        for (const char* port : {"1884", ":1884"}) {
            CAPTURE(port);
            settings config;
            REQUIRE(apply_yaml(config, "listeners:\n  mqtt: 0.0.0.0:1883\n", "f.yaml").empty());
            const auto found = apply_environment(config, environment_from({{"MQTT_PORT", port}}));
            CHECK(found.empty());
            CHECK(config.listeners.mqtt == listen_address{"0.0.0.0", 1884});
        }
        settings config;
        CHECK(apply_override(config, "listeners.mqtt", "0.0.0.0:1885", {}).empty());
        CHECK(config.listeners.mqtt == listen_address{"0.0.0.0", 1885});
    }

    TEST_CASE("a bad environment value is a problem that names the variable") {
        settings config;
        const auto found = apply_environment(config, environment_from({{"MQTT_PORT", "http"}}));
        REQUIRE(found.size() == 1);
        CHECK(found[0].level == severity::error);
        CHECK(found[0].key == "listeners.mqtt");
        CHECK(found[0].where == "env MQTT_PORT");
        CHECK(config.listeners.mqtt.port == 1883);
    }

    TEST_CASE("--set splits at the first '=' and refuses an argument without a key") {
        const auto ok = parse_set_argument("http.auth_token=a=b");
        REQUIRE(ok.has_value());
        CHECK(*ok == key_value{"http.auth_token", "a=b"});
        const auto empty_value = parse_set_argument("log.file=");
        REQUIRE(empty_value.has_value());
        CHECK(empty_value->value.empty());
        CHECK_FALSE(parse_set_argument("mqtt.max_inflight").has_value());
        CHECK_FALSE(parse_set_argument("=5").has_value());
    }

    TEST_CASE("a flag naming an unknown key gets a did-you-mean; one naming a section is told "
              "so") {
        settings config;
        const value_source flag{source_kind::flag, "--set"};
        auto found = apply_override(config, "log.levl", "debug", flag);
        REQUIRE(found.size() == 1);
        CHECK(found[0].message.find("did you mean log.level?") != std::string::npos);
        CHECK(found[0].where == "flag --set");
        found = apply_override(config, "mqtt", "5", flag);
        REQUIRE(found.size() == 1);
        CHECK(found[0].message.find("is a section") != std::string::npos);
        CHECK(config.sources.empty());
    }

    TEST_CASE("auth.users cannot be set from a flag") {
        settings config;
        const auto found = apply_override(config, "auth.users", "alice", {source_kind::flag, ""});
        REQUIRE(found.size() == 1);
        CHECK(found[0].message.find("config file") != std::string::npos);
    }
}

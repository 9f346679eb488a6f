// Reading emqxd's environment variables (see environment.hpp).
#include "config/environment.hpp"

#include "config/override.hpp"
#include "config/parse.hpp"

#include <array>
#include <cstdlib>

namespace emqx::broker::config {

namespace {

constexpr std::array<environment_variable, 7> variables{{
    {.name = "NODE_ID", .key = "node.id"},
    {.name = "MQTT_PORT", .key = "listeners.mqtt"},
    {.name = "CLUSTER_PORT", .key = "listeners.cluster"},
    {.name = "GRPC_PORT", .key = "listeners.cluster", .deprecated = true},
    {.name = "METRICS_PORT", .key = "listeners.http"},
    {.name = "DASHBOARD_PORT", .key = "listeners.dashboard"},
    {.name = "PEER_NODES", .key = "cluster.peers"},
}};

std::optional<std::string> lookup(const environment& env, std::string_view name) {
    if (!env) {
        return std::nullopt;
    }
    auto found = env(name);
    if (found && trim(*found).empty()) {
        return std::nullopt; // `export MQTT_PORT=` means "not set", as in the old scripts
    }
    return found;
}

} // namespace

environment environment_from(std::map<std::string, std::string, std::less<>> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        if (const auto it = vars.find(name); it != vars.end()) {
            return it->second;
        }
        return std::nullopt;
    };
}

environment process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const std::string key{name};
        if (const char* found = std::getenv(key.c_str())) {
            return std::string{found};
        }
        return std::nullopt;
    };
}

std::span<const environment_variable> environment_variables() noexcept {
    return variables;
}

problems apply_environment(settings& config, const environment& env) {
    problems found;
    for (const auto& var : variables) {
        const auto text = lookup(env, var.name);
        if (!text) {
            continue;
        }
        const value_source source{.kind = source_kind::environment, .name = std::string{var.name}};
        if (var.deprecated) {
            const bool replaced = lookup(env, "CLUSTER_PORT").has_value();
            found.push_back(problem{
                .level = severity::warning,
                .key = std::string{var.key},
                .value = *text,
                .message = replaced ? "GRPC_PORT is deprecated and ignored because CLUSTER_PORT "
                                      "is set; unset GRPC_PORT"
                                    : "GRPC_PORT is deprecated; rename it CLUSTER_PORT",
                .where = describe(source),
            });
            if (replaced) {
                continue;
            }
        }
        auto more = apply_override(config, var.key, *text, source);
        found.insert(found.end(), more.begin(), more.end());
    }
    return found;
}

} // namespace emqx::broker::config

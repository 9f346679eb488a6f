// The environment variables emqxd reads (those of the scripts operators already have,
// DESIGN.md section 3), passed in as a function so that tests control them.
#pragma once

#include "config/problem.hpp"
#include "config/settings.hpp"

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace emqx::broker::config {

/// getenv-like: the variable's value, or nullopt when it is not set.
using environment = std::function<std::optional<std::string>(std::string_view name)>;

/// An environment holding exactly `variables` (for tests, and for embedding).
[[nodiscard]] environment
environment_from(std::map<std::string, std::string, std::less<>> variables);

/// The process's environment (std::getenv). Only main() should use it.
[[nodiscard]] environment process_environment();

struct environment_variable {
    std::string_view name;
    std::string_view key; ///< the key it sets
    bool deprecated = false;
};

/// NODE_ID, MQTT_PORT, CLUSTER_PORT, GRPC_PORT (deprecated alias of CLUSTER_PORT),
/// METRICS_PORT, DASHBOARD_PORT, PEER_NODES: the variables apply_environment() reads.
[[nodiscard]] std::span<const environment_variable> environment_variables() noexcept;

/// The variable naming the config file when --config is not given.
inline constexpr std::string_view config_variable = "EMQXD_CONFIG";

/// Applies each variable of environment_variables() that is set and not empty. GRPC_PORT
/// sets listeners.cluster with a deprecation warning, and is ignored (with a warning) when
/// CLUSTER_PORT is set too.
[[nodiscard]] problems apply_environment(settings& config, const environment& env);

} // namespace emqx::broker::config

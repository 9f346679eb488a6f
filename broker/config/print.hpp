// The effective configuration as YAML for `emqxd --print-config` and /api/v1/config.
#pragma once

#include "config/settings.hpp"

#include <string>

namespace emqx::broker::config {

/// `config` as a YAML document that apply_yaml() reads back: every key, each followed by a
/// comment naming its source ("# default", "# file /etc/emqxd/emqxd.yaml:12", "# env
/// MQTT_PORT", "# flag --mqtt"). Secrets (user passwords, cluster.cookie, http.auth_token)
/// are written "<redacted>" unless empty.
[[nodiscard]] std::string print_config(const settings& config);

} // namespace emqx::broker::config

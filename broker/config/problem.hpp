// A problem found in the configuration: which key, which value, what is wrong and what is
// allowed (DESIGN.md section 9), and whether it stops the broker from starting.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace emqx::broker::config {

enum class severity : std::uint8_t { error, warning };

struct problem {
    severity level = severity::error;
    /// The key path ("mqtt.max_inflight", "auth.users[1].password"); for a problem with the
    /// file itself, the option or variable that named the file ("--config", "EMQXD_CONFIG").
    std::string key{};
    /// The value as written; never a secret's value (it is replaced by "<redacted>").
    std::string value{};
    /// What is wrong, then what is allowed or how to fix it.
    std::string message{};
    /// Where the value came from: "/etc/emqxd/emqxd.yaml:7:17", "env MQTT_PORT", "flag --mqtt";
    /// empty for a built-in value.
    std::string where{};

    bool operator==(const problem&) const = default;
};

using problems = std::vector<problem>;

/// One line: `error: emqxd.yaml:7:17: mqtt.max_inflight = "abc": expected ...`.
[[nodiscard]] std::string format(const problem& p);

[[nodiscard]] bool has_errors(std::span<const problem> list) noexcept;

} // namespace emqx::broker::config

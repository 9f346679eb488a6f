// The outcome of one health check: a verdict, a one-line reason, a hint, and its figures.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::health {

/// Ordered by severity, so that the worst of several is their maximum; the values are the
/// exit statuses of DESIGN.md section 8. `skipped` (not asked, e.g. no HTTP API behind
/// --mqtt) counts as OK.
enum class verdict { ok = 0, warning = 1, critical = 2, unknown = 3, skipped = 4 };

/// "OK", "WARNING", "CRITICAL", "UNKNOWN", "SKIPPED".
[[nodiscard]] std::string_view to_string(verdict v) noexcept;

/// The exit status a verdict maps to (skipped: 0).
[[nodiscard]] int exit_status_of(verdict v) noexcept;

/// The worse of two verdicts (skipped is the best).
[[nodiscard]] verdict worse(verdict a, verdict b) noexcept;

/// One figure for Nagios perfdata and JSON: `label=value[unit];warn;crit;min;max`.
struct figure {
    std::string label; ///< e.g. "node1_rtt"; letters, digits, '_', '-', '>'
    double value = 0;
    std::string unit; ///< Nagios units: "ms", "B", "%", "" (a count), "c"
    std::optional<double> warn;
    std::optional<double> crit;
    std::optional<double> min;
    std::optional<double> max;
    bool alert_below = false; ///< warn/crit are lower bounds (Nagios "10:")
};

/// One line of the report.
struct check_result {
    std::string scope; ///< a node id (or its address when the id is unknown), or "cluster"
    std::string name;  ///< stable: "api", "listeners", "mqtt.connect", "cluster.id", ...
    verdict state = verdict::unknown;
    std::string reason; ///< one line, also when OK ("12 ms")
    std::string hint;   ///< when not OK: likely cause and the next command; else empty
    std::vector<figure> figures;
};

/// A whole run.
struct report {
    std::vector<check_result> checks;
    std::vector<std::string> nodes; ///< the nodes checked, by id or address, in order
    std::string cluster_id;         ///< when every node agreed; else empty
    double seconds = 0;             ///< wall time of the run
    bool mqtt_only = false;

    /// The worst verdict of all checks (ok when there is none).
    [[nodiscard]] verdict overall() const noexcept;
};

} // namespace emqx::health

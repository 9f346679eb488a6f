// The three faces of a report: an aligned table for people, JSON (emqxctl.health/1) for
// machines, one Nagios plugin line. Strings only: the command decides where they go.
#pragma once

#include <emqx/health/check.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace emqx::health {

inline constexpr std::string_view json_schema = "emqxctl.health/1";

/// The table: NODE CHECK STATUS DETAIL, a "hint:" line under each check that is not OK, and a
/// summary line. ANSI colour on the status words only when `color`.
[[nodiscard]] std::string render_text(const report& r, bool color);

/// {"schema":"emqxctl.health/1","status","exit_status","cluster_id","mqtt_only","nodes",
///  "seconds","summary":{"ok","warning","critical","unknown","skipped"},
///  "checks":[{"scope","name","status","reason","hint","figures":[{"label","value","unit",
///  "warn","crit","min","max"}]}]} (absent thresholds are null).
[[nodiscard]] nlohmann::json render_json(const report& r);

/// "EMQXCTL HEALTH <STATUS> - <summary> | <perfdata>", one line with no newline: the Nagios
/// plugin output format (perfdata 'label'=value[unit];warn;crit;min;max).
[[nodiscard]] std::string render_nagios(const report& r);

} // namespace emqx::health

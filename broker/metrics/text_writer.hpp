// A tiny writer of the Prometheus text exposition format 0.0.4: HELP and TYPE once per family,
// escaped label values, and the node label on every series (DESIGN.md section 6).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::broker::prometheus {

/// The Content-Type of the text format 0.0.4.
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

enum class metric_type : std::uint8_t { counter, gauge };

struct label {
    std::string_view name;
    std::string_view value;
};

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
[[nodiscard]] bool is_valid_metric_name(std::string_view name) noexcept;
/// `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved for Prometheus itself).
[[nodiscard]] bool is_valid_label_name(std::string_view name) noexcept;
/// A label value as the text format wants it between its quotes: `\` -> `\\`, `"` -> `\"`,
/// newline -> `\n`.
[[nodiscard]] std::string escape_label_value(std::string_view value);
/// HELP text: `\` -> `\\`, newline -> `\n` (quotes stay as they are there).
[[nodiscard]] std::string escape_help(std::string_view help);

/// Builds one exposition. Usage: family(...), then its samples, then the next family.
/// Every sample is written as `name{node="<id>",<labels>} value`.
class text_writer {
public:
    explicit text_writer(std::string_view node_id);

    /// Starts a family: writes its HELP and TYPE lines. Refuses (returns false, writes
    /// nothing, and drops the samples that follow until the next accepted family) a name that
    /// is not a valid metric name, a counter whose name does not end in `_total`, and a
    /// family already written: the format allows each family once, its samples together.
    bool family(std::string_view name, metric_type type, std::string_view help);

    /// A sample of the current family. Returns false (nothing written) when there is no
    /// accepted current family or a label name is invalid or is `node`.
    bool sample(std::uint64_t value, std::initializer_list<label> labels = {});
    bool sample(double value, std::initializer_list<label> labels = {});

    [[nodiscard]] const std::string& text() const noexcept { return out_; }
    [[nodiscard]] std::string take() noexcept { return std::move(out_); }

private:
    bool write_series(std::initializer_list<label> labels);

    std::string out_;
    std::string node_value_; ///< escaped node id
    std::string current_;    ///< the family samples go to; empty when none is accepted
    std::vector<std::string> written_;
};

/// A sample value: integers exactly, others in the shortest form that reads back the same;
/// NaN, +Inf and -Inf as the format spells them.
[[nodiscard]] std::string format_value(double value);

} // namespace emqx::broker::prometheus

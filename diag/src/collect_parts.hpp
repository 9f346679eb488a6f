// The pieces collect() is made of, shared between its source files (private to emqx_diag).
#pragma once

#include <emqx/diag/collect.hpp>
#include <emqx/diag/redact.hpp>

#include <map>

namespace emqx::diag {

/// What the collection gathered so far.
struct parts {
    std::vector<bundle_file> files;
    std::vector<missing_item> missing;
    std::vector<std::string> noticed; ///< lines for summary.txt
};

/// Logs from `o.log_paths` and `extra` (files the nodes named), windowed, capped, redacted.
void collect_logs(const collect_options& o, const std::vector<std::filesystem::path>& extra,
                  redactor& redact, parts& out);

/// Config files, redacted.
void collect_configs(const std::vector<std::filesystem::path>& configs, redactor& redact, parts& out);

} // namespace emqx::diag

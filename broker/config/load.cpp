// The configuration sources applied in order, then validated (see load.hpp).
#include "config/load.hpp"

#include "config/override.hpp"
#include "config/validate.hpp"
#include "config/yaml_file.hpp"

namespace emqx::broker::config {

namespace {

void append(problems& to, problems more) {
    to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

} // namespace

load_result load(const load_options& options) {
    load_result result;
    std::string named_by = "--config";
    result.config_file = options.config_file;
    if (!result.config_file && options.env) {
        if (auto from_env = options.env(config_variable); from_env && !from_env->empty()) {
            result.config_file = std::filesystem::path{*from_env};
            named_by = config_variable;
        }
    }
    if (result.config_file) {
        append(result.found, apply_file(result.config, *result.config_file, named_by));
    }
    append(result.found, apply_environment(result.config, options.env));
    for (const auto& f : options.flags) {
        const value_source source{.kind = source_kind::flag, .name = f.flag};
        append(result.found, apply_override(result.config, f.key, f.value, source));
    }
    append(result.found, validate(result.config, result.found));
    return result;
}

} // namespace emqx::broker::config

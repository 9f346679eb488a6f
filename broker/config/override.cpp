// Setting single keys from flags and environment variables (see override.hpp).
#include "config/override.hpp"

#include "config/keys.hpp"
#include "config/suggest.hpp"

namespace emqx::broker::config {

namespace {

std::string where_of(const value_source& source) {
    return source.kind == source_kind::file ? source.name : describe(source);
}

std::string unknown_key_message(std::string_view key) {
    if (is_section(key)) {
        for (const auto& known : all_keys()) {
            if (known.path.starts_with(key) && known.path.size() > key.size() &&
                known.path[key.size()] == '.') {
                return cat({"is a section, not a key; name a key in it, e.g. ", known.path});
            }
        }
    }
    const auto paths = known_paths();
    if (const auto guess = did_you_mean(key, paths)) {
        return cat({"unknown key; did you mean ", *guess, "?"});
    }
    return "unknown key; see emqxd.yaml(5) for the keys";
}

} // namespace

problems apply_override(settings& config,
                        std::string_view key,
                        std::string_view text,
                        const value_source& source) {
    const key_info* info = find_key(key);
    problem p{.key = std::string{key},
              .value = std::string{text},
              .message = {},
              .where = where_of(source)};
    if (info == nullptr) {
        p.message = unknown_key_message(key);
        return {std::move(p)};
    }
    if (info->secret) {
        p.value = "<redacted>";
    }
    auto parsed = parse_value(*info, text, config);
    if (!parsed) {
        p.message = info->kind == value_kind::user_list
                        ? parsed.error()
                        : cat({parsed.error(), "; allowed: ", describe_allowed(*info)});
        return {std::move(p)};
    }
    info->set(config, *parsed);
    config.sources.insert_or_assign(std::string{key}, source);
    return {};
}

emqx::expected<key_value, problem> parse_set_argument(std::string_view argument) {
    const auto equals = argument.find('=');
    if (equals == std::string_view::npos || equals == 0) {
        return emqx::unexpected{problem{
            .key = "--set",
            .value = std::string{argument},
            .message = "expected KEY=VALUE, e.g. --set mqtt.max_inflight=64",
            .where = "flag --set",
        }};
    }
    return key_value{.key = std::string{argument.substr(0, equals)},
                     .value = std::string{argument.substr(equals + 1)}};
}

} // namespace emqx::broker::config

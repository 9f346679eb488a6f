// Describing where a value came from (see settings.hpp).
#include "config/settings.hpp"

#include "config/parse.hpp"

#include <array>

namespace emqx::broker::config {

std::string describe(const value_source& source) {
    std::string_view kind = "default";
    switch (source.kind) {
    case source_kind::built_in: return "default";
    case source_kind::file: kind = "file"; break;
    case source_kind::environment: kind = "env"; break;
    case source_kind::flag: kind = "flag"; break;
    }
    return source.name.empty() ? std::string{kind} : cat({kind, " ", source.name});
}

std::string_view to_string(hash_algorithm algorithm) noexcept {
    constexpr std::array<std::string_view, 4> names{"bcrypt", "sha256", "plain", "argon2id"};
    return names.at(static_cast<std::size_t>(algorithm));
}

value_source source_of(const settings& config, std::string_view path) {
    while (!path.empty()) {
        if (const auto it = config.sources.find(path); it != config.sources.end()) {
            return it->second;
        }
        // "auth.users[1].password" -> "auth.users[1]" -> "auth.users"
        const auto cut = path.find_last_of(".[");
        path = cut == std::string_view::npos ? std::string_view{} : path.substr(0, cut);
    }
    return {};
}

} // namespace emqx::broker::config

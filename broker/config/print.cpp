// Writing the effective configuration with its sources (see print.hpp).
#include "config/print.hpp"

#include "config/keys.hpp"

#include <algorithm>

namespace emqx::broker::config {

namespace {

// Comments start in this column when the line is shorter, so that they read as a column.
constexpr std::size_t comment_column = 44;

std::string indent(std::size_t depth) {
    return std::string(2 * depth, ' ');
}

void line(std::string& out, std::string_view text, std::string_view comment) {
    out += text;
    if (!comment.empty()) {
        out.append(text.size() < comment_column ? comment_column - text.size() : 2, ' ');
        out += "# ";
        out += comment;
    }
    out += '\n';
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
        parts.push_back(path.substr(0, dot));
        path.remove_prefix(dot + 1);
    }
    parts.push_back(path);
    return parts;
}

void print_users(std::string& out, const settings& config, std::size_t depth) {
    const std::string comment = describe(source_of(config, "auth.users"));
    if (config.auth.users.empty()) {
        line(out, cat({indent(depth), "users: []"}), comment);
        return;
    }
    line(out, cat({indent(depth), "users:"}), comment);
    const std::string item = indent(depth + 1);
    for (std::size_t i = 0; i < config.auth.users.size(); ++i) {
        const auto& u = config.auth.users[i];
        const auto source = config.sources.find(cat({"auth.users[", std::to_string(i), "]"}));
        line(out,
             cat({item, "- username: ", yaml_quote(u.username)}),
             source == config.sources.end() ? std::string{} : describe(source->second));
        const std::string field = cat({item, "  "});
        line(out, cat({field, "password: ", u.password.empty() ? "\"\"" : "\"<redacted>\""}), {});
        line(out, cat({field, "algorithm: ", to_string(u.algorithm)}), {});
        line(out, cat({field, "salt: ", yaml_quote(u.salt)}), {});
        line(out, cat({field, "enabled: ", u.enabled ? "true" : "false"}), {});
    }
}

std::string rendered(const key_info& key, const settings& config) {
    const value v = key.get(config);
    const auto* text = std::get_if<std::string>(&v);
    if (key.secret && text != nullptr && !text->empty()) {
        return "\"<redacted>\"";
    }
    return render_value(key, v);
}

} // namespace

std::string print_config(const settings& config) {
    std::string out = "# emqxd effective configuration; each value is followed by its source.\n";
    std::vector<std::string_view> open; // the sections of the previous key
    for (const auto& key : all_keys()) {
        auto parts = split_path(key.path);
        const std::string_view leaf = parts.back();
        parts.pop_back();
        const auto common = static_cast<std::size_t>(
            std::mismatch(open.begin(), open.end(), parts.begin(), parts.end()).first -
            open.begin());
        for (std::size_t d = common; d < parts.size(); ++d) {
            line(out, cat({indent(d), parts[d], ":"}), {});
        }
        open = parts;
        if (key.kind == value_kind::user_list) {
            print_users(out, config, parts.size());
            continue;
        }
        line(out,
             cat({indent(parts.size()), leaf, ": ", rendered(key, config)}),
             describe(source_of(config, key.path)));
    }
    return out;
}

} // namespace emqx::broker::config

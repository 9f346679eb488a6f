// Reading emqxd.yaml with yaml-cpp (see yaml_file.hpp). The walk follows the key table: a
// mapping whose path is a section is entered, a known key is parsed, anything else is unknown.
#include "config/yaml_file.hpp"

#include "config/keys.hpp"
#include "config/suggest.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace emqx::broker::config {

namespace {

std::string path_of(std::string_view prefix, std::string_view key) {
    return prefix.empty() ? std::string{key} : cat({prefix, ".", key});
}

std::string_view type_name(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "empty";
    default: return "a single value";
    }
}

// yaml-cpp's message for a tab in the indentation does not say so; most such errors are that.
std::string_view tab_hint(std::string_view text, const YAML::Mark& at) {
    for (int line = 0; line < at.line && !text.empty(); ++line) {
        const auto end = text.find('\n');
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
    const auto bad_line = text.substr(0, text.find('\n'));
    return bad_line.find('\t') == std::string_view::npos ? "" : " (indent with spaces, not tabs)";
}

class file_reader {
public:
    file_reader(settings& config, std::string_view file_name) : config_{config}, file_{file_name} {}

    problems take() { return std::move(found_); }

    void report(std::string key,
                std::string value,
                std::string message,
                const YAML::Mark& at,
                severity level = severity::error) {
        found_.push_back(problem{.level = level,
                                 .key = std::move(key),
                                 .value = std::move(value),
                                 .message = std::move(message),
                                 .where = where(at)});
    }

    [[nodiscard]] std::string where(const YAML::Mark& at) const {
        if (at.is_null()) {
            return file_;
        }
        return cat({file_, ":", std::to_string(at.line + 1), ":", std::to_string(at.column + 1)});
    }

    void remember(const std::string& path, const YAML::Mark& at) {
        config_.sources.insert_or_assign(
            path,
            value_source{.kind = source_kind::file,
                         .name = cat({file_, ":", std::to_string(at.line + 1)})});
    }

    void section(const YAML::Node& map, std::string_view prefix);

private:
    void entry(const YAML::Node& key,
               const YAML::Node& val,
               std::string_view prefix,
               std::set<std::string>& seen);
    void leaf(const key_info& key, const YAML::Node& val);
    void peers(const YAML::Node& val);
    void users(const YAML::Node& val);
    void user(const YAML::Node& item, std::size_t index, user_entry& out);
    void user_field(std::string_view field,
                    const std::string& path,
                    const YAML::Node& val,
                    user_entry& out);

    settings& config_;
    std::string file_;
    problems found_;
};

void file_reader::section(const YAML::Node& map, std::string_view prefix) {
    std::set<std::string> seen;
    for (const auto& item : map) {
        entry(item.first, item.second, prefix, seen);
    }
}

void file_reader::entry(const YAML::Node& key,
                        const YAML::Node& val,
                        std::string_view prefix,
                        std::set<std::string>& seen) {
    if (!key.IsScalar()) {
        report(std::string{prefix}, {}, "a key must be a plain name", key.Mark());
        return;
    }
    const std::string path = path_of(prefix, key.Scalar());
    if (!seen.insert(path).second) {
        report(path, {}, "given twice in the same mapping; keep one", key.Mark());
        return;
    }
    if (const key_info* info = find_key(path)) {
        leaf(*info, val);
    } else if (is_section(path)) {
        if (val.IsMap()) {
            section(val, path);
        } else if (!val.IsNull()) {
            report(path,
                   {},
                   cat({"is a section: expected a mapping of its keys, not ", type_name(val)}),
                   val.Mark());
        }
    } else {
        const auto paths = known_paths();
        const auto guess = did_you_mean(path, paths);
        report(path,
               {},
               guess ? cat({"unknown key; did you mean ", *guess, "?"})
                     : std::string{"unknown key; see emqxd.yaml(5) for the keys"},
               key.Mark());
    }
}

void file_reader::leaf(const key_info& key, const YAML::Node& val) {
    const std::string path{key.path};
    if (key.kind == value_kind::user_list) {
        users(val);
        return;
    }
    if (key.kind == value_kind::peer_list && val.IsSequence()) {
        peers(val);
        return;
    }
    const bool empty_allowed = key.kind == value_kind::text || key.kind == value_kind::dns_name ||
                               key.kind == value_kind::optional_listener ||
                               key.kind == value_kind::peer_list;
    if (!val.IsScalar() && !(val.IsNull() && empty_allowed)) {
        report(path,
               {},
               cat({"is ", type_name(val), "; expected ", describe_allowed(key)}),
               val.Mark());
        return;
    }
    const std::string text = val.IsNull() ? std::string{} : val.Scalar();
    auto parsed = parse_value(key, text, config_);
    if (!parsed) {
        report(path,
               key.secret ? "<redacted>" : text,
               cat({parsed.error(), "; allowed: ", describe_allowed(key)}),
               val.Mark());
        return;
    }
    key.set(config_, *parsed);
    remember(path, val.Mark());
}

void file_reader::peers(const YAML::Node& val) {
    std::vector<std::string> list;
    bool ok = true;
    for (std::size_t i = 0; i < val.size(); ++i) {
        const YAML::Node item = val[i];
        const std::string path = cat({"cluster.peers[", std::to_string(i), "]"});
        auto peer = item.IsScalar() ? parse_peer(item.Scalar())
                                    : emqx::expected<std::string, parse_error>{
                                          emqx::unexpected{cat({"is ", type_name(item)})}};
        if (!peer) {
            report(path,
                   item.IsScalar() ? item.Scalar() : std::string{},
                   cat({peer.error(), "; allowed: HOST:PORT, PORT from 1 to 65535"}),
                   item.Mark());
            ok = false;
            continue;
        }
        list.push_back(std::move(*peer));
    }
    if (ok) {
        config_.cluster.peers = std::move(list);
        remember("cluster.peers", val.Mark());
    }
}

void file_reader::users(const YAML::Node& val) {
    if (val.IsNull()) {
        config_.auth.users.clear();
        remember("auth.users", val.Mark());
        return;
    }
    if (!val.IsSequence()) {
        report("auth.users",
               {},
               cat({"is ",
                    type_name(val),
                    "; expected a list of users, each a mapping with "
                    "username, password, algorithm, salt, enabled"}),
               val.Mark());
        return;
    }
    std::vector<user_entry> list(val.size());
    for (std::size_t i = 0; i < val.size(); ++i) {
        user(val[i], i, list[i]);
    }
    config_.auth.users = std::move(list);
    remember("auth.users", val.Mark());
}

void file_reader::user(const YAML::Node& item, std::size_t index, user_entry& out) {
    const std::string base = cat({"auth.users[", std::to_string(index), "]"});
    remember(base, item.Mark());
    if (!item.IsMap()) {
        report(base,
               {},
               cat({"is ",
                    type_name(item),
                    "; expected a mapping with username, password, "
                    "algorithm, salt, enabled"}),
               item.Mark());
        return;
    }
    std::set<std::string> seen;
    for (const auto& kv : item) {
        const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : std::string{};
        const std::string path = cat({base, ".", name});
        if (!seen.insert(name).second) {
            report(path, {}, "given twice in the same user; keep one", kv.first.Mark());
            continue;
        }
        user_field(name, path, kv.second, out);
    }
}

void file_reader::user_field(std::string_view field,
                             const std::string& path,
                             const YAML::Node& val,
                             user_entry& out) {
    const auto fields = user_fields();
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
        const std::vector<std::string> names(fields.begin(), fields.end());
        const auto guess = did_you_mean(field, names);
        report(path,
               {},
               guess ? cat({"unknown key; did you mean ", *guess, "?"})
                     : std::string{"unknown key; a user has username, password, algorithm, salt, "
                                   "enabled"},
               val.Mark());
        return;
    }
    if (!val.IsScalar() && !val.IsNull()) {
        report(path, {}, cat({"is ", type_name(val), "; expected a single value"}), val.Mark());
        return;
    }
    const std::string text = val.IsNull() ? std::string{} : val.Scalar();
    if (field == "username") {
        out.username = text;
    } else if (field == "password") {
        out.password = text;
    } else if (field == "salt") {
        out.salt = text;
    } else if (field == "enabled") {
        const auto enabled = parse_bool(text);
        if (enabled) {
            out.enabled = *enabled;
        } else {
            report(path, text, cat({enabled.error(), "; allowed: true or false"}), val.Mark());
        }
    } else {
        const auto names = algorithm_names();
        const auto it = std::find(names.begin(), names.end(), text);
        if (it == names.end()) {
            report(path,
                   text,
                   "not an allowed value; allowed: one of bcrypt, sha256, plain or argon2id",
                   val.Mark());
        } else {
            out.algorithm = static_cast<hash_algorithm>(it - names.begin());
        }
    }
}

} // namespace

problems apply_yaml(settings& config, std::string_view text, std::string_view file_name) {
    file_reader reader{config, file_name};
    YAML::Node root;
    try {
        root = YAML::Load(std::string{text});
    } catch (const YAML::Exception& e) {
        reader.report({}, {}, cat({"not valid YAML: ", e.msg, tab_hint(text, e.mark)}), e.mark);
        return reader.take();
    }
    if (root.IsMap()) {
        reader.section(root, {});
    } else if (!root.IsNull()) {
        reader.report({},
                      {},
                      cat({"the file must be a mapping of sections (node, listeners, mqtt, auth, "
                           "cluster, log, http), not ",
                           type_name(root)}),
                      root.Mark());
    }
    return reader.take();
}

problems
apply_file(settings& config, const std::filesystem::path& path, std::string_view named_by) {
    problem p{.key = std::string{named_by}, .value = path.string(), .message = {}, .where = {}};
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        p.message = "is a directory; name the config file itself";
        return {std::move(p)};
    }
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        p.message = cat({"cannot read the config file: ", std::strerror(errno)});
        return {std::move(p)};
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        p.message = "cannot read the config file: read error";
        return {std::move(p)};
    }
    return apply_yaml(config, text.str(), path.string());
}

} // namespace emqx::broker::config

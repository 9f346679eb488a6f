// Reading and writing the local cluster file (see cluster_file.hpp).
#include <emqx/client/json_text.hpp>
#include <emqx/health/cluster_file.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <system_error>

namespace emqx::health {

namespace {

using json = nlohmann::json;

/// The string member `key` of `object`, or an error naming it.
expected<std::string, std::string> string_field(const json& object, const char* key,
                                                const std::string& where) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) {
        return unexpected{where + ": \"" + key + "\" is missing or not a string"};
    }
    return it->get<std::string>();
}

expected<cluster_file_node, std::string> parse_node(const json& item, std::size_t index) {
    const std::string where = "nodes[" + std::to_string(index) + "]";
    if (!item.is_object()) {
        return unexpected{where + " is not an object"};
    }
    cluster_file_node node;
    for (auto [key, target] : {std::pair{"node_id", &node.node_id}, std::pair{"mqtt", &node.mqtt},
                               std::pair{"http", &node.http}, std::pair{"cluster", &node.cluster},
                               std::pair{"log", &node.log}, std::pair{"pid_file", &node.pid_file}}) {
        auto value = string_field(item, key, where);
        if (!value) {
            return unexpected{value.error()};
        }
        *target = std::move(value).value();
    }
    const auto pid = item.find("pid");
    if (pid == item.end() || !pid->is_number_integer()) {
        return unexpected{where + ": \"pid\" is missing or not an integer"};
    }
    node.pid = pid->get<int>();
    return node;
}

} // namespace

std::string to_json_text(const cluster_file& file) {
    json nodes = json::array();
    for (const auto& n : file.nodes) {
        nodes.push_back({{"node_id", n.node_id},
                         {"pid", n.pid},
                         {"mqtt", n.mqtt},
                         {"http", n.http},
                         {"cluster", n.cluster},
                         {"log", n.log},
                         {"pid_file", n.pid_file}});
    }
    const json document{{"schema", cluster_file_schema},
                        {"dir", file.dir},
                        {"cluster_id", file.cluster_id},
                        {"created_at", file.created_at},
                        {"nodes", nodes}};
    return client::json_text(document, 2) + "\n";
}

expected<cluster_file, std::string> parse_cluster_file(std::string_view text) {
    const json document = client::parse_json(text);
    if (document.is_discarded() || !document.is_object()) {
        return unexpected{std::string{"not a JSON object"}};
    }
    const auto schema = document.find("schema");
    if (schema == document.end() || *schema != cluster_file_schema) {
        return unexpected{"schema is not \"" + std::string{cluster_file_schema} + "\""};
    }
    cluster_file file;
    for (auto [key, target] : {std::pair{"dir", &file.dir}, std::pair{"cluster_id", &file.cluster_id},
                               std::pair{"created_at", &file.created_at}}) {
        auto value = string_field(document, key, "cluster file");
        if (!value) {
            return unexpected{value.error()};
        }
        *target = std::move(value).value();
    }
    const auto nodes = document.find("nodes");
    if (nodes == document.end() || !nodes->is_array()) {
        return unexpected{std::string{"cluster file: \"nodes\" is missing or not an array"}};
    }
    for (std::size_t i = 0; i < nodes->size(); ++i) {
        auto node = parse_node((*nodes)[i], i);
        if (!node) {
            return unexpected{node.error()};
        }
        file.nodes.push_back(std::move(node).value());
    }
    return file;
}

std::filesystem::path cluster_file_path(const std::filesystem::path& dir) {
    return dir / "cluster.json";
}

expected<cluster_file, std::string> read_cluster_file(const std::filesystem::path& dir) {
    const auto path = cluster_file_path(dir);
    std::ifstream in{path};
    if (!in) {
        return unexpected{"no cluster file " + path.string() + " (was `emqxctl cluster start` run?)"};
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto file = parse_cluster_file(text.str());
    if (!file) {
        return unexpected{path.string() + ": " + file.error()};
    }
    return file;
}

expected<bool, std::string> write_cluster_file(const cluster_file& file) {
    const auto path = cluster_file_path(file.dir);
    const auto temporary = path.string() + ".tmp";
    {
        std::ofstream out{temporary, std::ios::trunc};
        out << to_json_text(file);
        if (!out.flush()) {
            return unexpected{"cannot write " + temporary};
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) {
        return unexpected{"cannot rename " + temporary + " to " + path.string() + ": " +
                          error.message()};
    }
    return true;
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm parts{};
    ::gmtime_r(&now, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

} // namespace emqx::health

// The local cluster file (DIR/cluster.json, schema emqxctl.cluster-file/1) that `cluster start`
// writes and every other command reads to find the nodes.
#pragma once

#include <emqx/base/expected.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::health {

inline constexpr std::string_view cluster_file_schema = "emqxctl.cluster-file/1";

/// One node as `cluster start` started it; addresses are "127.0.0.1:PORT".
struct cluster_file_node {
    std::string node_id;
    int pid = 0;
    std::string mqtt;
    std::string http;
    std::string cluster;
    std::string log;      ///< absolute path of its log file
    std::string pid_file; ///< absolute path of its PID file

    friend bool operator==(const cluster_file_node&, const cluster_file_node&) = default;
};

struct cluster_file {
    std::string dir; ///< absolute
    std::string cluster_id = "emqxd";
    std::string created_at; ///< UTC, "2026-11-22T08:15:30Z"
    std::vector<cluster_file_node> nodes;

    friend bool operator==(const cluster_file&, const cluster_file&) = default;
};

/// The file's JSON text (pretty-printed, with the schema field).
[[nodiscard]] std::string to_json_text(const cluster_file& file);

/// Parses the JSON text; the error names what is missing or of the wrong type.
[[nodiscard]] expected<cluster_file, std::string> parse_cluster_file(std::string_view text);

/// DIR/cluster.json.
[[nodiscard]] std::filesystem::path cluster_file_path(const std::filesystem::path& dir);

/// Reads and parses DIR/cluster.json; the error names the path.
[[nodiscard]] expected<cluster_file, std::string> read_cluster_file(const std::filesystem::path& dir);

/// Writes DIR/cluster.json atomically (a temporary file renamed over it).
[[nodiscard]] expected<bool, std::string> write_cluster_file(const cluster_file& file);

/// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
[[nodiscard]] std::string utc_now();

} // namespace emqx::health

// The local cluster file: written and read back unchanged, and bad files refused with the
// field that is wrong.
#include <emqx/health/cluster_file.hpp>

#include "process_guard.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace emqx::health;

namespace {

cluster_file sample(const std::string& dir) {
    return cluster_file{
        .dir = dir,
        .cluster_id = "emqxd",
        .created_at = "2026-11-22T08:15:30Z",
        .nodes = {{"node1", 1234, "127.0.0.1:1883", "127.0.0.1:8082", "127.0.0.1:8081",
                   dir + "/logs/node1.log", dir + "/node1.pid"},
                  {"node2", 0, "127.0.0.1:1884", "127.0.0.1:8084", "127.0.0.1:8083",
                   dir + "/logs/node2.log", dir + "/node2.pid"}}};
}

} // namespace

TEST_SUITE("health::cluster_file") {
    TEST_CASE("a cluster file written to a directory reads back equal") {
        const emqx::test::temp_dir dir;
        const auto file = sample(dir.path().string());
        REQUIRE(write_cluster_file(file).has_value());
        const auto read = read_cluster_file(dir.path());
        REQUIRE(read.has_value());
        CHECK(read.value() == file);
    }

    TEST_CASE("the JSON text carries the schema and the fields other tools read") {
        const auto text = to_json_text(sample("/tmp/x"));
        CHECK(text.find("\"schema\": \"emqxctl.cluster-file/1\"") != std::string::npos);
        for (const char* key : {"\"node_id\"", "\"pid\"", "\"mqtt\"", "\"http\"", "\"cluster\"",
                                "\"log\"", "\"pid_file\"", "\"created_at\"", "\"cluster_id\""}) {
            CHECK_MESSAGE(text.find(key) != std::string::npos, key);
        }
    }

    TEST_CASE("a file of another schema, not JSON, or with a bad node is refused by name") {
        CHECK(parse_cluster_file("not json").error() == "not a JSON object");
        CHECK(parse_cluster_file(R"({"schema":"other/1"})").error().find("schema") != std::string::npos);
        auto text = to_json_text(sample("/tmp/x"));
        text.replace(text.find("\"pid\": 1234"), 11, "\"pid\": \"x\"");
        const auto bad = parse_cluster_file(text);
        REQUIRE_FALSE(bad.has_value());
        CHECK(bad.error() == "nodes[0]: \"pid\" is missing or not an integer");
    }

    TEST_CASE("a missing cluster file says which path and what creates it") {
        const emqx::test::temp_dir dir;
        const auto read = read_cluster_file(dir.path());
        REQUIRE_FALSE(read.has_value());
        CHECK(read.error().find(dir.path().string() + "/cluster.json") != std::string::npos);
        CHECK(read.error().find("cluster start") != std::string::npos);
    }
}

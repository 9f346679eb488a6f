// Node addressing: HOST:PORT parsing, printing, the cluster file and the seed nodes.
#include <emqx/client/node.hpp>

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using emqx::client::host_port;
using emqx::client::parse_host_port;

TEST_SUITE("client::parse_host_port") {

    TEST_CASE("HOST:PORT gives both parts") {
        const auto parsed = parse_host_port("127.0.0.1:8082", 1);
        REQUIRE(parsed.has_value());
        CHECK(*parsed == host_port{"127.0.0.1", 8082});
    }

    TEST_CASE("a host without a port takes the default port") {
        CHECK(*parse_host_port("broker.example", 1883) == host_port{"broker.example", 1883});
    }

    TEST_CASE("a bracketed IPv6 address is accepted with or without a port") {
        CHECK(*parse_host_port("[::1]:8082", 1) == host_port{"::1", 8082});
        CHECK(*parse_host_port("[::1]", 9) == host_port{"::1", 9});
    }

    TEST_CASE("bad addresses are errors that quote the text") {
        for (const char* bad : {"",
                                ":8082",
                                "h:",
                                "h:0",
                                "h:65536",
                                "h:80x",
                                "h:-1",
                                "::1:8082",
                                "[::1",
                                "[]:1",
                                "[::1]x",
                                "a b:1",
                                "http://h:1"}) {
            CAPTURE(bad);
            const auto parsed = parse_host_port(bad, 1);
            REQUIRE_FALSE(parsed.has_value());
            CHECK(parsed.error().find(std::string("'") + bad + "'") != std::string::npos);
        }
    }

    TEST_CASE("to_string brackets IPv6 hosts only") {
        CHECK(to_string(host_port{"127.0.0.1", 1}) == "127.0.0.1:1");
        CHECK(to_string(host_port{"::1", 2}) == "[::1]:2");
    }

} // TEST_SUITE

TEST_SUITE("client::seed_nodes") {

    namespace {

    /// Points EMQXCTL_CLUSTER_DIR at a fresh temporary directory for one test.
    struct cluster_dir {
        std::string path;
        cluster_dir() {
            char pattern[] = "/tmp/emqx-seed-XXXXXX";
            path = ::mkdtemp(pattern);
            ::setenv("EMQXCTL_CLUSTER_DIR", path.c_str(), 1);
        }
        ~cluster_dir() {
            ::unsetenv("EMQXCTL_CLUSTER_DIR");
            std::filesystem::remove_all(path);
        }
        void write(const std::string& text) const { std::ofstream(path + "/cluster.json") << text; }
    };

    } // namespace

    TEST_CASE("--node values win over everything") {
        const cluster_dir dir;
        dir.write(R"({"nodes":[{"http":"127.0.0.1:9001"}]})");
        const auto seeds = emqx::client::seed_nodes({"10.0.0.1:1", "10.0.0.2"});
        REQUIRE(seeds.size() == 2);
        CHECK(seeds[1] == host_port{"10.0.0.2", 8082});
    }

    TEST_CASE("without --node the nodes of the cluster file are the seeds") {
        const cluster_dir dir;
        dir.write(
            R"({"schema":"emqxctl.cluster-file/1","nodes":[{"node_id":"node1","http":"127.0.0.1:9001"},
               {"node_id":"node2","http":"127.0.0.1:9003"},{"node_id":"bad"}]})");
        CHECK(emqx::client::default_cluster_dir() == dir.path);
        const auto seeds = emqx::client::seed_nodes({});
        REQUIRE(seeds.size() == 2);
        CHECK(seeds[0] == host_port{"127.0.0.1", 9001});
        CHECK(seeds[1] == host_port{"127.0.0.1", 9003});
    }

    TEST_CASE("without --node and without a usable cluster file the seed is 127.0.0.1:8082") {
        const cluster_dir dir;
        CHECK(emqx::client::seed_nodes({}) == std::vector<host_port>{{"127.0.0.1", 8082}});
        dir.write("not json");
        CHECK(emqx::client::seed_nodes({}) == std::vector<host_port>{{"127.0.0.1", 8082}});
        CHECK_FALSE(emqx::client::read_cluster_file_nodes(dir.path + "/cluster.json").has_value());
    }

    TEST_CASE("the cluster directory follows XDG_STATE_HOME, then HOME") {
        ::unsetenv("EMQXCTL_CLUSTER_DIR");
        const char* old_state = std::getenv("XDG_STATE_HOME");
        const std::string saved = old_state == nullptr ? "" : old_state;
        ::setenv("XDG_STATE_HOME", "/xdg", 1);
        CHECK(emqx::client::default_cluster_dir() == "/xdg/emqxctl/cluster");
        ::unsetenv("XDG_STATE_HOME");
        const std::string home = std::getenv("HOME") == nullptr ? "" : std::getenv("HOME");
        CHECK(emqx::client::default_cluster_dir() ==
              std::filesystem::path(home) / ".local/state/emqxctl/cluster");
        if (!saved.empty()) {
            ::setenv("XDG_STATE_HOME", saved.c_str(), 1);
        }
    }

} // TEST_SUITE

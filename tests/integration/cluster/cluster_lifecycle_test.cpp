// `emqxctl cluster start|status|stop` against real emqxd nodes: the nodes run detached with PID
// files and logs, status sees them, stop stops them, and start refuses clearly when it cannot.
#include "local_cluster.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace emqx::test;
namespace fs = std::filesystem;

namespace {

/// A socket listening on 127.0.0.1:`port` for as long as it lives.
class listener {
public:
    explicit listener(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(fd_, 4) == 0);
    }
    ~listener() { ::close(fd_); }
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;

private:
    int fd_;
};

std::vector<int> pids_of(const local_cluster& cluster) {
    std::vector<int> pids;
    const auto file = emqx::health::read_cluster_file(cluster.dir());
    REQUIRE(file.has_value());
    for (const auto& node : file.value().nodes) {
        pids.push_back(node.pid);
    }
    return pids;
}

} // namespace

TEST_SUITE("integration::cluster_lifecycle") {
    TEST_CASE("start runs three nodes with PID files and logs; status sees them; stop ends them") {
        local_cluster cluster{3};
        const auto started = cluster.start("--wait ready --timeout 20");
        INFO(started.output);
        REQUIRE(started.status == 0);
        CHECK(started.output.find("127.0.0.1:" + std::to_string(cluster.base_port())) !=
              std::string::npos);
        const auto pids = pids_of(cluster);
        REQUIRE(pids.size() == 3);
        for (int k = 1; k <= 3; ++k) {
            const auto id = "node" + std::to_string(k);
            INFO(id);
            CHECK(emqx::health::is_emqxd(pids[static_cast<std::size_t>(k - 1)]));
            CHECK(emqx::health::read_pid_file(cluster.dir() / (id + ".pid")) ==
                  pids[static_cast<std::size_t>(k - 1)]);
            CHECK(fs::file_size(cluster.dir() / "logs" / (id + ".log")) > 0);
        }
        struct stat cookie {};
        REQUIRE(::stat((cluster.dir() / "cookie").c_str(), &cookie) == 0);
        CHECK((cookie.st_mode & 0777) == 0600);

        const auto status = cluster.run("status", "-o json");
        const auto doc = json_of(status);
        INFO(status.output);
        REQUIRE(doc.is_object());
        CHECK(doc["schema"] == "emqxctl.cluster-status/1");
        REQUIRE(doc["nodes"].size() == 3);
        for (const auto& node : doc["nodes"]) {
            CHECK(node["state"] == "up");
        }
        CHECK(doc["nodes"][1]["pid"] == pids[1]);

        const auto stopped = cluster.run("stop");
        INFO(stopped.output);
        CHECK(stopped.status == 0);
        CHECK(stopped.output.find("node3    PID " + std::to_string(pids[2])) != std::string::npos);
        for (const int pid : pids) {
            CHECK_FALSE(emqx::health::process_alive(pid));
        }
        CHECK_FALSE(fs::exists(cluster.dir() / "node1.pid"));

        const auto again = cluster.run("stop");
        CHECK(again.status == 0);
        CHECK(again.output.find("already stopped") != std::string::npos);
        const auto after = cluster.run("status", "-o json");
        CHECK(after.status == 3);
        CHECK(json_of(after)["verdict"] == "UNKNOWN");
    }

    TEST_CASE("start refuses when a port of the plan is taken, naming the port and its holder") {
        local_cluster cluster{2};
        const std::uint16_t taken = static_cast<std::uint16_t>(cluster.base_port() + 6); // node2 http
        const listener holder{taken};
        const auto r = cluster.start("--wait ready --timeout 10");
        INFO(r.output);
        CHECK(r.status == 2);
        CHECK(r.output.find("port " + std::to_string(taken) + " (node2 http) is in use by PID " +
                            std::to_string(::getpid())) != std::string::npos);
        CHECK_FALSE(fs::exists(cluster.dir() / "node1.pid"));
        CHECK_FALSE(emqx::health::read_cluster_file(cluster.dir()).has_value());
    }

    TEST_CASE("a second start over a running cluster is refused and names the stop command") {
        local_cluster cluster{1};
        REQUIRE(cluster.start("--timeout 20").status == 0);
        const auto r = cluster.start("--timeout 20");
        CHECK(r.status == 2);
        CHECK(r.output.find("already runs from") != std::string::npos);
        CHECK(r.output.find("emqxctl cluster stop") != std::string::npos);
    }

    TEST_CASE("a node that dies during start-up is named with its log, and the others are stopped") {
        local_cluster cluster{3};
        // An "emqxd" that fails for node2 only, and is the real one for the others.
        const auto fake = cluster.dir() / "bin" / "emqxd";
        fs::create_directories(fake.parent_path());
        {
            std::ofstream script{fake};
            script << "#!/bin/sh\n"
                   << "case \"$*\" in *'--node-id node2'*) echo 'fake failure of node2' >&2; exit 3;; esac\n"
                   << "exec " << EMQXD_PATH << " \"$@\"\n";
        }
        fs::permissions(fake, fs::perms::owner_all);
        const auto r = run_command(emqxctl("cluster start --nodes 3 --emqxd " + fake.string() +
                                           " --base-port " + std::to_string(cluster.base_port()) +
                                           " " + cluster.dir_flag() + " --wait ready --timeout 20 2>&1"));
        INFO(r.output);
        CHECK(r.status == 2);
        CHECK(r.output.find("node2 exited with status 3 during start-up") != std::string::npos);
        CHECK(r.output.find("fake failure of node2") != std::string::npos);
        for (const char* id : {"node1", "node2", "node3"}) {
            CHECK_FALSE(fs::exists(cluster.dir() / (std::string{id} + ".pid")));
        }
        CHECK(emqx::health::port_is_free(cluster.base_port()));
    }

    TEST_CASE("stop in a directory without a cluster succeeds and says there was nothing") {
        const temp_dir empty;
        const auto r = run_command(emqxctl("cluster stop --dir " + empty.path().string()));
        CHECK(r.status == 0);
        CHECK(r.output.find("nothing to stop") != std::string::npos);
    }
}

// Reading /proc/net/tcp to find who listens on a port (pure part: the table parser).
#include <emqx/health/cluster_process.hpp>

#include <doctest/doctest.h>

#include <unistd.h>

using emqx::health::listening_inodes;

namespace {

// A listener on 127.0.0.1:1883 (0x075B), one on 0.0.0.0:8082 (0x1F92), and an established
// connection from port 1883 that must not count.
constexpr const char* table =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:075B 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41234 1 0000000000000000 100 0 0 10 0\n"
    "   1: 00000000:1F92 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41235 1 0000000000000000 100 0 0 10 0\n"
    "   2: 0100007F:075B 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 41299 1 0000000000000000 20 4 30 10 -1\n";

} // namespace

TEST_SUITE("health::cluster_process") {
    TEST_CASE("the listening socket of a port is found by its hex port, connections are not") {
        CHECK(listening_inodes(table, 1883) == std::vector<std::uint64_t>{41234});
        CHECK(listening_inodes(table, 8082) == std::vector<std::uint64_t>{41235});
        CHECK(listening_inodes(table, 1884).empty());
    }

    TEST_CASE("a truncated or empty table finds nothing") {
        CHECK(listening_inodes("", 1883).empty());
        CHECK(listening_inodes("header only\n   0: 0100007F:075B", 1883).empty());
    }

    TEST_CASE("this process is alive and is not an emqxd; PID 0 and a huge PID are not alive") {
        CHECK(emqx::health::process_alive(static_cast<int>(::getpid())));
        CHECK_FALSE(emqx::health::is_emqxd(static_cast<int>(::getpid())));
        CHECK_FALSE(emqx::health::process_alive(0));
        CHECK_FALSE(emqx::health::process_alive(4'194'304 + 1));
    }
}

TEST_SUITE("health::cluster_process") {
    TEST_CASE("a port used only by a connection reports that connection's state") {
        CHECK(emqx::health::connection_state(table, 1883) == "ESTABLISHED");
        CHECK(emqx::health::connection_state(table, 8082).empty());
        const std::string time_wait =
            std::string{"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"} +
            "   0: 0100007F:A028 0100007F:4962 06 00000000:00000000 03:00000A0A 00000000     0        0 0 3 0000000000000000\n";
        CHECK(emqx::health::connection_state(time_wait, 41000) == "TIME_WAIT");
    }
}

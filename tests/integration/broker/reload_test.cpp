// SIGHUP to the real emqxd: users and limits reloaded from the changed file, an invalid file
// refused with the old configuration kept, and the log file reopened after logrotate's rename.
#include "auth_support.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

using namespace emqx::test;
using namespace emqx::test::e2e;
using namespace std::string_literals;

namespace {

const std::string pingreq = "\xc0\x00"s;
const std::string pingresp = "\xd0\x00"s;

std::string reload_config(const std::vector<user_entry>& users,
                          const std::string& mqtt_section,
                          const std::string& log_file) {
    return "node:\n  id: reload-e2e\n" + mqtt_section +
           "auth:\n  enabled: true\n  allow_anonymous: false\n" + users_yaml(users) +
           "log:\n  level: info\n  file: \"" + log_file + "\"\n";
}

user_entry plain(const std::string& name, const std::string& password) {
    return {.username = name, .password = password, .algorithm = "plain"};
}

// A v5 CONNACK that accepts and announces `max_packet_size` (Maximum Packet Size, 0x27).
bool announces_packet_size(const std::optional<std::string>& ack, std::uint32_t size) {
    const std::string property =
        "\x27"s + static_cast<char>(size >> 24U) + static_cast<char>((size >> 16U) & 0xFFU) +
        static_cast<char>((size >> 8U) & 0xFFU) + static_cast<char>(size & 0xFFU);
    return connack_code(ack) == 0 && ack->find(property) != std::string::npos;
}

// A broker with alice and bob, max_packet_size 1000, and a v5 connection of alice's made
// before any reload.
struct reload_fixture {
    scratch_dir dir;
    std::string log_file = dir.file("emqxd.log");
    std::string config = written(dir.file("emqxd.yaml"),
                                 reload_config({plain("alice", "a-pw"), plain("bob", "b-pw")},
                                               "mqtt:\n  max_packet_size: 1000\n",
                                               log_file));
    broker_under_test broker{config, log_file};
    raw_client old{broker.port()};

    reload_fixture() {
        old.send(connect_login(true, "old-alice", "alice"s, "a-pw"s));
        REQUIRE(announces_packet_size(old.receive_packet(), 1'000));
    }
};

} // namespace

TEST_SUITE("integration::reload") {
    TEST_CASE("SIGHUP adds and removes users and gives new connections the new "
              "max_packet_size, while a connection made before stays up") {
        reload_fixture f;
        write_text(f.config,
                   reload_config({plain("alice", "a-pw"), plain("carol", "c-pw")},
                                 "mqtt:\n  max_packet_size: 200\n",
                                 f.log_file));
        REQUIRE(f.broker.reload());
        const auto port = f.broker.port();
        CHECK(hex(connack_for(port, connect_login(false, "carol3", "carol"s, "c-pw"s))) ==
              hex("\x20\x02\x00\x00"s));
        CHECK(hex(connack_for(port, connect_login(false, "bob3", "bob"s, "b-pw"s))) ==
              hex("\x20\x02\x00\x04"s));
        CHECK(hex(connack_for(port, connect_login(true, "bob5", "bob"s, "b-pw"s))) ==
              hex("\x20\x03\x00\x86\x00"s));
        CHECK(f.broker.wait_for_log("username=bob peer=127.0.0.1:"));
        raw_client fresh{port};
        fresh.send(connect_login(true, "new-alice", "alice"s, "a-pw"s));
        CHECK(announces_packet_size(fresh.receive_packet(), 200));
        fresh.send(wire::publish("big", std::string(300, 'x'), 0x00, 0, true));
        CHECK(hex(fresh.receive_packet()) == hex("\xe0\x01\x95"s));
        CHECK(fresh.wait_closed());
        // The connection made before the reload was not touched.
        f.old.send(pingreq);
        CHECK(hex(f.old.receive_packet()) == hex(pingresp));
        CHECK(f.broker.stop() == 0);
    }

    TEST_CASE("a connection made before SIGHUP keeps the Maximum Packet Size it was told") {
        reload_fixture f;
        write_text(
            f.config,
            reload_config({plain("alice", "a-pw")}, "mqtt:\n  max_packet_size: 200\n", f.log_file));
        REQUIRE(f.broker.reload());
        f.old.send(wire::publish("big", std::string(500, 'x'), 0x00, 0, true));
        f.old.send(pingreq);
        CHECK(hex(f.old.receive_packet()) == hex(pingresp));
    }

    TEST_CASE("after SIGHUP a changed password replaces the old one, even one just accepted") {
        reload_fixture f;
        write_text(f.config,
                   reload_config({plain("alice", "a-pw-2"), plain("bob", "b-pw")},
                                 "mqtt:\n  max_packet_size: 1000\n",
                                 f.log_file));
        REQUIRE(f.broker.reload());
        const auto port = f.broker.port();
        CHECK(hex(connack_for(port, connect_login(false, "a1", "alice"s, "a-pw"s))) ==
              hex("\x20\x02\x00\x04"s));
        CHECK(hex(connack_for(port, connect_login(false, "a2", "alice"s, "a-pw-2"s))) ==
              hex("\x20\x02\x00\x00"s));
        CHECK(f.broker.stop() == 0);
    }

    TEST_CASE("an invalid file on SIGHUP is refused and logged; the old configuration keeps "
              "running until a valid file is reloaded") {
        reload_fixture f;
        write_text(f.config,
                   reload_config({plain("alice", "a-pw"), plain("dave", "d-pw")},
                                 "mqtt:\n  max_packet_size: 10\n",
                                 f.log_file));
        REQUIRE(f.broker.reload("reload refused"));
        const auto refused = lines_with(f.broker.log(), "mqtt.max_packet_size");
        REQUIRE(refused.size() == 1);
        CHECK(refused[0].find(" ERROR config reload refused ") != std::string::npos);
        CHECK(refused[0].find("out of range") != std::string::npos);
        CHECK(count_of(f.broker.log(), "configuration reloaded") == 0);
        CHECK(f.broker.running());
        const auto port = f.broker.port();
        // dave is only in the refused file; bob and the 1000-byte limit are still in force.
        CHECK(hex(connack_for(port, connect_login(false, "d", "dave"s, "d-pw"s))) ==
              hex("\x20\x02\x00\x04"s));
        CHECK(hex(connack_for(port, connect_login(false, "b", "bob"s, "b-pw"s))) ==
              hex("\x20\x02\x00\x00"s));
        CHECK(announces_packet_size(connack_for(port, connect_login(true, "a", "alice"s, "a-pw"s)),
                                    1'000));
        f.old.send(pingreq);
        CHECK(hex(f.old.receive_packet()) == hex(pingresp));
        // Fixed: the next SIGHUP applies it.
        write_text(f.config,
                   reload_config({plain("alice", "a-pw"), plain("dave", "d-pw")},
                                 "mqtt:\n  max_packet_size: 1000\n",
                                 f.log_file));
        REQUIRE(f.broker.reload());
        CHECK(hex(connack_for(port, connect_login(false, "d", "dave"s, "d-pw"s))) ==
              hex("\x20\x02\x00\x00"s));
        CHECK(f.broker.stop() == 0);
    }

    TEST_CASE("after logrotate renames the log file, SIGHUP makes emqxd write to a new file "
              "at the configured path") {
        reload_fixture f;
        const std::string rotated = f.log_file + ".1";
        REQUIRE(std::rename(f.log_file.c_str(), rotated.c_str()) == 0);
        // Written before the SIGHUP: still goes to the renamed file (same open descriptor).
        CHECK(connack_code(connack_for(f.broker.port(),
                                       connect_login(true, "before", "alice"s, "a-pw"s))) == 0);
        REQUIRE(wait_for_text(rotated, "client_id=before"));
        REQUIRE(f.broker.reload());
        CHECK(connack_code(connack_for(f.broker.port(),
                                       connect_login(true, "after", "alice"s, "a-pw"s))) == 0);
        CHECK(f.broker.wait_for_log("client connected client_id=after"));
        const std::string fresh = read_text(f.log_file);
        const std::string old = read_text(rotated);
        CHECK(count_of(fresh, "configuration reloaded") == 1);
        CHECK(count_of(old, "configuration reloaded") == 0);
        CHECK(count_of(old, "client_id=after") == 0);
        CHECK(count_of(fresh, "client_id=before") == 0);
        CHECK(count_of(old, "listener started name=mqtt") == 1);
        CHECK(f.broker.stop() == 0);
        CHECK(count_of(read_text(f.log_file), "shutting down") == 1);
    }

    TEST_CASE("a new log.file and log.format on SIGHUP: the reload is the first line of the "
              "new file, in the new format") {
        reload_fixture f;
        const std::string moved = f.dir.file("moved.log");
        write_text(f.config,
                   reload_config({plain("alice", "a-pw")}, {}, moved) + "  format: json\n");
        ::kill(f.broker.pid(), SIGHUP);
        REQUIRE(wait_for_text(moved, "configuration reloaded"));
        CHECK(connack_code(connack_for(f.broker.port(),
                                       connect_login(true, "moved", "alice"s, "a-pw"s))) == 0);
        REQUIRE(wait_for_text(moved, "\"client_id\":\"moved\""));
        const auto lines = lines_with(read_text(moved), "{");
        REQUIRE(!lines.empty());
        CHECK(lines.front().starts_with("{\"ts\":"));
        CHECK(lines.front().find("\"msg\":\"configuration reloaded\"") != std::string::npos);
        CHECK(count_of(read_text(f.log_file), "configuration reloaded") == 0);
        CHECK(count_of(read_text(f.log_file), "client_id=moved") == 0);
        CHECK(f.broker.stop() == 0);
    }
}

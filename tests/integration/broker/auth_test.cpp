// Authentication of the real emqxd end to end: users of every hash algorithm (hashed by
// `emqxd --hash-password` itself), refusals byte-exact in both versions and as real clients
// see them, anonymous access, the ban window, the failure counter and the failure log line.
#include "auth_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

using namespace emqx::test;
using namespace emqx::test::e2e;
using namespace std::string_literals;

namespace {

const std::string refused_v3_bad_login = "\x20\x02\x00\x04"s;
const std::string refused_v3_not_authorized = "\x20\x02\x00\x05"s;
const std::string refused_v5_bad_login = "\x20\x03\x00\x86\x00"s;
const std::string refused_v5_not_authorized = "\x20\x03\x00\x87\x00"s;
const std::string refused_v5_banned = "\x20\x03\x00\x8a\x00"s;

// A config with authentication on, `users`, a log file and the given ban policy.
std::string auth_config(const std::vector<user_entry>& users,
                        const std::string& log_file,
                        bool allow_anonymous = false,
                        const std::string& ban = "0") {
    return "node:\n  id: auth-e2e\n"
           "auth:\n  enabled: true\n  allow_anonymous: " +
           std::string{allow_anonymous ? "true" : "false"} + "\n  ban:\n    max_failures: " + ban +
           "\n    window: 30s\n    duration: 1s\n" + users_yaml(users) +
           "log:\n  level: info\n  file: \"" + log_file + "\"\n";
}

// Right password: accepted in both versions; wrong: 4 / 0x86 and the connection closed.
void check_login(std::uint16_t port, const std::string& user, const std::string& right) {
    INFO("user ", user);
    CHECK(hex(connack_for(port, connect_login(false, "r3-" + user, user, right))) ==
          hex("\x20\x02\x00\x00"s));
    CHECK(connack_code(connack_for(port, connect_login(true, "r5-" + user, user, right))) == 0);
    raw_client wrong3{port};
    wrong3.send(connect_login(false, "w3-" + user, user, right + "x"));
    CHECK(hex(wrong3.receive_packet()) == hex(refused_v3_bad_login));
    CHECK(wrong3.wait_closed());
    raw_client wrong5{port};
    wrong5.send(connect_login(true, "w5-" + user, user, "not-" + right));
    CHECK(hex(wrong5.receive_packet()) == hex(refused_v5_bad_login));
    CHECK(wrong5.wait_closed());
}

std::string upper(std::string hex_digits) {
    for (char& c : hex_digits) {
        if (c >= 'a' && c <= 'f') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return hex_digits;
}

int run_to_end(std::vector<std::string> argv) {
    child_process run{std::move(argv), "auth-client"};
    const int code = run.wait(10s);
    return code == -1 ? run.stop(SIGKILL) : code;
}

} // namespace

TEST_SUITE("integration::auth") {
    TEST_CASE("users hashed by emqxd --hash-password (bcrypt, sha256, argon2id) and plain ones "
              "log in with the right password and are refused with 4 / 0x86 otherwise") {
        scratch_dir dir;
        std::vector<user_entry> users{
            hashed_user("bea", "bcrypt", "bea-secret"),
            hashed_user("sal", "sha256", "sal-secret"),
            hashed_user("ari", "argon2id", "ari-secret"),
            {.username = "nos", .password = sha256sum_hex("nos-secret"), .algorithm = "sha256"},
            {.username = "pla", .password = "pla-secret", .algorithm = "plain"},
            {.username = "upp",
             .password = upper(sha256sum_hex("upp-secret")),
             .algorithm = "sha256"},
        };
        REQUIRE(users[0].password.starts_with("$2b$"));
        REQUIRE(users[2].password.starts_with("$argon2id$v=19$"));
        // The documented sha256 form: the digest of the password followed by the salt.
        REQUIRE(!users[1].salt.empty());
        CHECK(users[1].password == sha256sum_hex("sal-secret" + users[1].salt));
        write_text(dir.file("emqxd.yaml"), auth_config(users, dir.file("emqxd.log")));
        broker_under_test broker{dir.file("emqxd.yaml"), dir.file("emqxd.log")};
        for (const std::string name : {"bea", "sal", "ari", "nos", "pla", "upp"}) {
            check_login(broker.port(), name, name + "-secret");
        }
        // plain is accepted, with a warning at start-up naming the user's entry.
        CHECK(lines_with(broker.err(), "auth.users[4].password").size() == 1);
        CHECK(broker.err().find("stored in clear") != std::string::npos);
        CHECK(broker.stop() == 0);
    }

    TEST_CASE("an unknown or disabled user gets 4 / 0x86; no user name gets 5 / 0x87 unless "
              "allow_anonymous") {
        scratch_dir dir;
        const std::vector<user_entry> users{
            {.username = "on", .password = "on-pw", .algorithm = "plain"},
            {.username = "off", .password = "off-pw", .algorithm = "plain", .enabled = false}};
        write_text(dir.file("closed.yaml"), auth_config(users, dir.file("closed.log")));
        broker_under_test closed{dir.file("closed.yaml"), dir.file("closed.log")};
        const auto port = closed.port();
        CHECK(hex(connack_for(port, connect_login(false, "u3", "nobody"s, "x"s))) ==
              hex(refused_v3_bad_login));
        CHECK(hex(connack_for(port, connect_login(true, "u5", "nobody"s, "x"s))) ==
              hex(refused_v5_bad_login));
        CHECK(hex(connack_for(port, connect_login(false, "d3", "off"s, "off-pw"s))) ==
              hex(refused_v3_bad_login));
        CHECK(hex(connack_for(port, connect_login(true, "d5", "off"s, "off-pw"s))) ==
              hex(refused_v5_bad_login));
        CHECK(hex(connack_for(port, connect_login(false, "a3", std::nullopt))) ==
              hex(refused_v3_not_authorized));
        CHECK(hex(connack_for(port, connect_login(true, "a5", std::nullopt))) ==
              hex(refused_v5_not_authorized));
        CHECK(connack_code(connack_for(port, connect_login(true, "ok", "on"s, "on-pw"s))) == 0);
        CHECK(closed.wait_for_log("reason=disabled_user"));
        CHECK(closed.wait_for_log("reason=unknown_user"));
        CHECK(closed.wait_for_log("reason=anonymous", 2));

        write_text(dir.file("open.yaml"), auth_config(users, dir.file("open.log"), true));
        broker_under_test open{dir.file("open.yaml"), dir.file("open.log")};
        CHECK(hex(connack_for(open.port(), connect_login(false, "a3", std::nullopt))) ==
              hex("\x20\x02\x00\x00"s));
        CHECK(connack_code(connack_for(open.port(), connect_login(true, "a5", std::nullopt))) == 0);
        // Anonymous access does not make a wrong password right.
        CHECK(hex(connack_for(open.port(), connect_login(false, "w3", "on"s, "bad"s))) ==
              hex(refused_v3_bad_login));
        CHECK(closed.stop() == 0);
        CHECK(open.stop() == 0);
    }

    TEST_CASE("mosquitto_pub and paho-mqtt see a wrong password as a refused connection and a "
              "right one as success") {
        scratch_dir dir;
        const std::vector<user_entry> users{hashed_user("mo", "bcrypt", "mo-pw")};
        write_text(dir.file("emqxd.yaml"), auth_config(users, dir.file("emqxd.log")));
        broker_under_test broker{dir.file("emqxd.yaml"), dir.file("emqxd.log")};
        const std::string port = std::to_string(broker.port());
        const auto pub = [&](const std::string& version, const std::string& password) {
            return run_to_end({"mosquitto_pub",
                               "-h",
                               "127.0.0.1",
                               "-p",
                               port,
                               "-V",
                               version,
                               "-u",
                               "mo",
                               "-P",
                               password,
                               "-t",
                               "auth/t",
                               "-m",
                               "x",
                               "-q",
                               "1"});
        };
        CHECK(pub("mqttv311", "mo-pw") == 0);
        CHECK(pub("mqttv5", "mo-pw") == 0);
        // mosquitto_pub 2.0 exits with the refusing CONNACK's code.
        CHECK(pub("mqttv311", "wrong") == 4);
        CHECK(pub("mqttv5", "wrong") == 0x86);
        // The script exits with the CONNACK code paho-mqtt reports.
        const std::string script =
            std::string{EMQX_SOURCE_DIR} + "/tests/integration/python/auth_login.py";
        const auto paho = [&](const std::string& version, const std::string& password) {
            return run_to_end({"/usr/bin/python3", script, port, version, "mo", password});
        };
        CHECK(paho("311", "mo-pw") == 0);
        CHECK(paho("5", "mo-pw") == 0);
        CHECK(paho("311", "wrong") == 4);
        CHECK(paho("5", "wrong") == 0x86);
        CHECK(broker.stop() == 0);
    }

    TEST_CASE("after max_failures from one address even the right password is refused (5 / "
              "0x8A) until the ban ends; every refusal is counted in emqx_auth_failures_total") {
        scratch_dir dir;
        const std::vector<user_entry> users{
            {.username = "bo", .password = "bo-pw", .algorithm = "plain"}};
        write_text(dir.file("emqxd.yaml"), auth_config(users, dir.file("emqxd.log"), false, "3"));
        broker_under_test broker{dir.file("emqxd.yaml"), dir.file("emqxd.log")};
        const auto port = broker.port();
        for (int i = 0; i < 3; ++i) {
            CHECK(hex(connack_for(port, connect_login(false, "g", "bo"s, "guess"s))) ==
                  hex(refused_v3_bad_login));
        }
        const auto banned_at = std::chrono::steady_clock::now();
        CHECK(hex(connack_for(port, connect_login(false, "b3", "bo"s, "bo-pw"s))) ==
              hex(refused_v3_not_authorized));
        CHECK(hex(connack_for(port, connect_login(true, "b5", "bo"s, "bo-pw"s))) ==
              hex(refused_v5_banned));
        // Banned before any check: an unknown user gets the ban too, not 0x86.
        CHECK(hex(connack_for(port, connect_login(true, "b5u", "who"s, "x"s))) ==
              hex(refused_v5_banned));
        const auto samples = scrape(broker.http_port());
        CHECK(value_of(samples, "emqx_auth_failures_total") == 6.0);
        // ban.duration is 1s: after it the right password works again, the wrong one not.
        std::this_thread::sleep_until(banned_at + 1'100ms);
        CHECK(connack_code(connack_for(port, connect_login(true, "ok", "bo"s, "bo-pw"s))) == 0);
        CHECK(hex(connack_for(port, connect_login(false, "g2", "bo"s, "guess"s))) ==
              hex(refused_v3_bad_login));
        CHECK(value_of(scrape(broker.http_port()), "emqx_auth_failures_total") == 7.0);
        CHECK(broker.stop() == 0);
    }

    TEST_CASE("a refused login is logged once at WARN with client id, user name, peer and "
              "reason, and no password ever reaches the log") {
        scratch_dir dir;
        const std::vector<user_entry> users{
            hashed_user("lu", "bcrypt", "Right-Pass-1"),
            {.username = "pl", .password = "Plain-Pass-2", .algorithm = "plain"}};
        write_text(dir.file("emqxd.yaml"), auth_config(users, dir.file("emqxd.log")));
        broker_under_test broker{dir.file("emqxd.yaml"), dir.file("emqxd.log")};
        raw_client wrong{broker.port()};
        wrong.send(connect_login(false, "cid-wrong", "lu"s, "Wrong-Pass-3"s));
        CHECK(hex(wrong.receive_packet()) == hex(refused_v3_bad_login));
        CHECK(connack_code(connack_for(
                  broker.port(), connect_login(true, "cid-ok", "lu"s, "Right-Pass-1"s))) == 0);
        CHECK(connack_code(connack_for(
                  broker.port(), connect_login(true, "cid-pl", "pl"s, "Plain-Pass-2"s))) == 0);
        REQUIRE(broker.wait_for_log("client_id=cid-pl"));
        const std::string log = broker.log();
        const auto failures = lines_with(log, "authentication failed");
        REQUIRE(failures.size() == 1);
        const std::string& line = failures.front();
        CHECK(line.find(" WARN  auth authentication failed ") != std::string::npos);
        CHECK(line.find(" client_id=cid-wrong") != std::string::npos);
        CHECK(line.find(" username=lu") != std::string::npos);
        CHECK(line.find(" peer=127.0.0.1:") != std::string::npos);
        CHECK(line.find(" reason=bad_password") != std::string::npos);
        for (const char* secret : {"Wrong-Pass-3", "Right-Pass-1", "Plain-Pass-2"}) {
            CHECK_MESSAGE(log.find(secret) == std::string::npos, secret);
            CHECK_MESSAGE(broker.err().find(secret) == std::string::npos, secret);
        }
        CHECK(log.find(users[0].password) == std::string::npos); // nor the hash
        // Nor do the effective configuration's two outputs show them.
        const auto printed = run_command(std::string{EMQXD_PATH} + " --config " +
                                         dir.file("emqxd.yaml") + " --print-config");
        const std::string api = http_get(broker.http_port(), "/api/v1/config?format=yaml");
        CHECK(printed.status == 0);
        for (const std::string& shown : {printed.output, api}) {
            CHECK(shown.find("username: \"lu\"") != std::string::npos);
            CHECK(shown.find("<redacted>") != std::string::npos);
            CHECK(shown.find("Plain-Pass-2") == std::string::npos);
            CHECK(shown.find(users[0].password) == std::string::npos);
        }
        CHECK(broker.stop() == 0);
    }
}

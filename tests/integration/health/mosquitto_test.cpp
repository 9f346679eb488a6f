// `emqxctl health --mqtt` against mosquitto, a broker without emqxd's HTTP API.
#include "health_support.hpp"

#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <fstream>

using namespace emqx::test;
using namespace emqx::test::health;

namespace {

constexpr const char* mosquitto_path = "/usr/sbin/mosquitto";

std::uint16_t unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t length = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
    ::close(fd);
    return ntohs(a.sin_port);
}

} // namespace

TEST_SUITE("integration::health_mosquitto") {

    TEST_CASE("--mqtt against mosquitto runs the MQTT checks and skips the rest") {
        if (::access(mosquitto_path, X_OK) != 0) {
            MESSAGE("mosquitto is not installed: skipped");
            return;
        }
        detail::temp_file config{"emqx-health-mosquitto"};
        const auto port = unused_port();
        std::ofstream(config.path()) << "listener " << port << " 127.0.0.1\nallow_anonymous true\n";
        child_process broker{{mosquitto_path, "-c", config.path()}, "mosquitto"};
        const auto address = "127.0.0.1:" + std::to_string(port);
        ctl_result r;
        for (int attempt = 0; attempt < 50; ++attempt) { // until mosquitto listens, at most 5 s
            r = run_ctl({"--mqtt", address, "--timeout", "2", "-o", "json", "health"});
            if (r.status == 0) {
                break;
            }
            std::this_thread::sleep_for(100ms);
        }
        INFO(r.out, r.err);
        CHECK(r.status == 0);
        const auto doc = nlohmann::json::parse(r.out);
        CHECK(doc["mqtt_only"] == true);
        CHECK(find_check(doc, address, "api")["status"] == "SKIPPED");
        CHECK(find_check(doc, address, "mqtt.connect")["status"] == "OK");
        CHECK(find_check(doc, address, "mqtt.round_trip")["status"] == "OK");
        broker.stop();
    }

} // TEST_SUITE

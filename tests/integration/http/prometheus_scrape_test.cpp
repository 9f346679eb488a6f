// A real scrape: Debian's prometheus reads the node's /metrics, and its query API must return
// the node's values; proof that the exposition is text Prometheus accepts (DESIGN.md section 6).
#include "emqxd_process.hpp"
#include "http_client.hpp"
#include "node_fixture.hpp"
#include "raw_client.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#ifndef EMQX_PROMETHEUS_PATH
#define EMQX_PROMETHEUS_PATH "/usr/bin/prometheus"
#endif

using namespace emqx::test;
using namespace std::chrono_literals;
using namespace std::string_literals;
using nlohmann::json;

namespace {

/// A temporary directory, removed with everything in it.
class temp_dir {
public:
    temp_dir() {
        std::string pattern = "/tmp/emqx-prometheus-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

/// A port that was free a moment ago (Prometheus cannot listen on port 0 and tell us).
std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        throw std::runtime_error("could not find a free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

/// A JSON answer of Prometheus' HTTP API; nullopt while it is not up or not answering.
std::optional<json> prometheus_api(std::uint16_t port, const std::string& target) {
    try {
        http_client c{port};
        // HTTP/1.0: Prometheus answers with no chunking and closes, so the body is the rest.
        c.send("GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        const auto all = c.read_until_close(5s);
        const auto body_at = all ? all->find("\r\n\r\n") : std::string::npos;
        if (body_at == std::string::npos) {
            return std::nullopt;
        }
        auto j = json::parse(all->substr(body_at + 4), nullptr, false);
        return j.is_discarded() ? std::nullopt : std::optional<json>{std::move(j)};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

/// The value of `query`'s first series once it equals `want`, waiting up to `timeout`; the
/// last value seen otherwise ("<none>" when there was none).
std::string wait_for_value(std::uint16_t port,
                           const std::string& query,
                           const std::string& want,
                           std::chrono::seconds timeout,
                           child_process& prometheus) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string last = "<none>";
    while (std::chrono::steady_clock::now() < deadline && prometheus.running()) {
        const auto answer = prometheus_api(port, "/api/v1/query?query=" + query);
        if (answer && (*answer)["status"] == "success" && !(*answer)["data"]["result"].empty()) {
            const auto& series = (*answer)["data"]["result"][0];
            CHECK(series["metric"]["node"] == "node1");
            CHECK(series["metric"]["job"] == "emqxd");
            last = series["value"][1].get<std::string>();
            if (last == want) {
                return last;
            }
        }
        std::this_thread::sleep_for(250ms);
    }
    return last;
}

std::unique_ptr<raw_client> mqtt_client(std::uint16_t port, char id) {
    auto c = std::make_unique<raw_client>(port);
    // 3.1: CONNECT, "MQTT" level 4, Clean Session, keep alive 60, client id "p" + id.
    REQUIRE(c->send("\x10\x0e\x00\x04MQTT\x04\x02\x00\x3c\x00\x02"s + "p" + std::string(1, id)));
    REQUIRE(c->receive_packet(2s) == "\x20\x02\x00\x00"s);
    return c;
}

} // namespace

TEST_SUITE("integration::http::prometheus") {
    TEST_CASE("Prometheus scrapes /metrics, reports the target up, and its query API returns the "
              "node's connection count as it moves") {
        REQUIRE_MESSAGE(::access(EMQX_PROMETHEUS_PATH, X_OK) == 0,
                        EMQX_PROMETHEUS_PATH " is needed (Debian package prometheus)");
        node_fixture node;
        auto first = mqtt_client(node.mqtt_port(), '1');
        auto second = mqtt_client(node.mqtt_port(), '2');

        temp_dir dir;
        const auto config = dir.path() / "prometheus.yml";
        std::ofstream{config} << "global:\n"
                                 "  scrape_interval: 1s\n"
                                 "  scrape_timeout: 1s\n"
                                 "scrape_configs:\n"
                                 "  - job_name: emqxd\n"
                                 "    static_configs:\n"
                                 "      - targets: ['127.0.0.1:"
                              << node.http_port() << "']\n";
        const std::uint16_t port = free_port();
        child_process prometheus{{EMQX_PROMETHEUS_PATH,
                                  "--config.file=" + config.string(),
                                  "--storage.tsdb.path=" + (dir.path() / "data").string(),
                                  "--web.listen-address=127.0.0.1:" + std::to_string(port),
                                  "--log.level=warn"},
                                 "prometheus"};

        CHECK(wait_for_value(port, "emqx_connections_count", "2", 60s, prometheus) == "2");
        REQUIRE_MESSAGE(prometheus.running(), "prometheus exited: " << prometheus.err());

        // The target's last scrape parsed without error.
        const auto targets = prometheus_api(port, "/api/v1/targets");
        REQUIRE(targets);
        REQUIRE((*targets)["data"]["activeTargets"].size() == 1);
        const auto& target = (*targets)["data"]["activeTargets"][0];
        CHECK(target["health"] == "up");
        CHECK(target["lastError"] == "");

        auto third = mqtt_client(node.mqtt_port(), '3');
        CHECK(wait_for_value(port, "emqx_connections_count", "3", 30s, prometheus) == "3");
        CHECK(wait_for_value(port, "emqx_cluster_info", "1", 5s, prometheus) == "1");

        const int status = prometheus.stop(SIGTERM, 10s);
        CHECK(status == 0);
        if (status != 0) {
            MESSAGE("prometheus stderr:\n" << prometheus.err());
        }
    }
}

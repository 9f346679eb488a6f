// The load generator when the broker misbehaves: it stops answering mid-run, it cannot be
// reached, it refuses us, it never sends CONNACK. Every run ends by itself and says why.
#include "mosquitto.hpp"
#include "run_command.hpp"

#include <emqx/perf/run.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using emqx::mqtt::qos;
using emqx::perf::run_status;

namespace {

/// SIGSTOPs the broker after `delay`, from another thread, while the run goes on.
class freezer {
public:
    freezer(emqx::test::process_guard& broker, std::chrono::milliseconds delay)
        : thread_([&broker, delay] {
              std::this_thread::sleep_for(delay);
              broker.signal(SIGSTOP);
          }) {}
    ~freezer() { thread_.join(); }
    freezer(const freezer&) = delete;
    freezer& operator=(const freezer&) = delete;

private:
    std::thread thread_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// A socket that listens on 127.0.0.1 and never accepts: TCP connects, MQTT never answers.
class silent_listener {
public:
    silent_listener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(fd_, 16);
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }
    ~silent_listener() { ::close(fd_); }
    silent_listener(const silent_listener&) = delete;
    silent_listener& operator=(const silent_listener&) = delete;
    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

private:
    int fd_;
    std::uint16_t port_ = 0;
};

} // namespace

TEST_SUITE("integration::perf::failures") {
    TEST_CASE("a broker that stops answering mid-run ends the run by its timeout, saying so") {
        for (const auto level : {qos::at_most_once, qos::at_least_once}) {
            emqx::test::mosquitto broker;
            auto o = broker.short_run(0);
            o.count.reset();
            o.duration_s = 20.0;
            o.timeout_s = 1.0;
            o.qos = level;
            const auto start = std::chrono::steady_clock::now();
            emqx::perf::run_results r;
            {
                freezer stop_it(broker.process(), std::chrono::milliseconds(700));
                r = emqx::perf::run(o);
            }
            const double took = seconds_since(start);
            broker.process().signal(SIGCONT);
            INFO("QoS " << static_cast<int>(level) << ": " << r.reason);
            CHECK(r.status == run_status::stalled);
            CHECK(r.reason.find("stopped answering after") != std::string::npos);
            CHECK(took < 4.0); // 0.7 s of traffic, then 1 s of silence, not 20 s
            CHECK(r.published > 0);
            CHECK(r.deliveries.delivered > 0);
            CHECK(broker.process().running());
        }
    }

    TEST_CASE("a port where nothing listens is unreachable") {
        auto o = emqx::test::mosquitto::unused_options(emqx::test::free_port());
        const auto r = emqx::perf::run(o);
        CHECK(r.status == run_status::unreachable);
        CHECK(r.reason.find("cannot reach the broker") != std::string::npos);
    }

    TEST_CASE("a server that accepts TCP but never sends CONNACK is unreachable after the timeout") {
        silent_listener silent;
        auto o = emqx::test::mosquitto::unused_options(silent.port());
        o.timeout_s = 0.5;
        const auto start = std::chrono::steady_clock::now();
        const auto r = emqx::perf::run(o);
        CHECK(r.status == run_status::unreachable);
        CHECK(r.reason.find("no CONNACK") != std::string::npos);
        CHECK(seconds_since(start) < 2.0);
    }

    TEST_CASE("a broker that refuses anonymous clients refuses the run") {
        emqx::test::mosquitto broker("allow_anonymous false\n");
        const auto r = emqx::perf::run(broker.short_run(100));
        CHECK(r.status == run_status::refused);
        CHECK(r.reason.find("refused the connection") != std::string::npos);
    }

    TEST_CASE("emqxctl perf throughput exits 0 with a JSON document for a good run") {
        emqx::test::mosquitto broker;
        const auto r = emqx::test::run_command(
            std::string{EMQXCTL_PATH} + " perf throughput --mqtt 127.0.0.1:" +
            std::to_string(broker.port()) + " --qos 1 --count 3000 --warmup 0.1 -o json");
        CHECK(r.status == 0);
        const auto doc = nlohmann::json::parse(r.output);
        CHECK(doc["schema"] == "emqxctl.perf/1");
        CHECK(doc["status"] == "completed");
        CHECK(doc["messages"]["delivered"] == 3000);
        CHECK(doc["messages"]["lost"] == 0);
    }

    TEST_CASE("emqxctl perf exits 2 when the broker stops answering, and 3 when it is not there") {
        emqx::test::mosquitto broker;
        {
            freezer stop_it(broker.process(), std::chrono::milliseconds(700));
            const auto r = emqx::test::run_command(
                std::string{EMQXCTL_PATH} + " perf latency --mqtt 127.0.0.1:" +
                std::to_string(broker.port()) + " --duration 20 --warmup 0 --timeout 1");
            CHECK(r.status == 2);
            CHECK(r.output.find("stopped answering") != std::string::npos);
        }
        broker.process().signal(SIGCONT);
        const auto gone = emqx::test::run_command(
            std::string{EMQXCTL_PATH} + " perf latency --mqtt 127.0.0.1:" +
            std::to_string(emqx::test::free_port()) + " --timeout 1");
        CHECK(gone.status == 3);
    }
}

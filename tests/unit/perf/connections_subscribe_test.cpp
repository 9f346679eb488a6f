// `perf connections` with `subscribe`: each connection subscribes to its own topic after the
// CONNACK and counts once the SUBACK grants it; a refused subscription is a failure by reason.
// Run against a scripted broker on 127.0.0.1 in this process.
#include <emqx/perf/connections.hpp>

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/split.hpp>

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace emqx;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

/// Accepts `expected` connections; answers CONNECT with success and SUBSCRIBE with
/// `granted`, recording the filters; serves each socket until the peer closes it.
class scripted_broker {
public:
    scripted_broker(std::size_t expected, mqtt::reason_code granted)
        : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          granted_(granted) {
        acceptor_.non_blocking(true);
        thread_ = std::thread([this, expected] { accept(expected); });
    }
    ~scripted_broker() {
        stop_ = true;
        thread_.join();
        for (auto& t : served_) {
            t.join();
        }
    }
    scripted_broker(const scripted_broker&) = delete;
    scripted_broker& operator=(const scripted_broker&) = delete;

    [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    [[nodiscard]] std::set<std::string> filters() {
        const std::lock_guard lock(mutex_);
        return filters_;
    }

private:
    void accept(std::size_t expected) {
        // Polled, bounded in time, so that a test that goes wrong still ends.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::size_t accepted = 0;
        while (accepted < expected && !stop_ && std::chrono::steady_clock::now() < deadline) {
            auto socket = std::make_shared<tcp::socket>(io_);
            boost::system::error_code error;
            acceptor_.accept(*socket, error);
            if (error == asio::error::would_block) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                continue;
            }
            if (error) {
                return;
            }
            socket->non_blocking(false);
            ++accepted;
            served_.emplace_back([this, socket] { serve(*socket); });
        }
    }

    void serve(tcp::socket& socket) {
        std::string in;
        std::array<char, 512> chunk{};
        // Bounded: the client disconnects at the end of its hold (or of its max time).
        for (int reads = 0; reads < 1000; ++reads) {
            boost::system::error_code error;
            const std::size_t n = socket.read_some(asio::buffer(chunk), error);
            if (error) {
                return;
            }
            in.append(chunk.data(), n);
            for (;;) {
                const auto split = mqtt::split_packet(in);
                if (split.status != mqtt::split_status::complete) {
                    break;
                }
                answer(socket, std::string_view{in}.substr(0, split.packet_size));
                in.erase(0, split.packet_size);
            }
        }
    }

    void answer(tcp::socket& socket, std::string_view bytes) {
        const auto packet = mqtt::decode(bytes, mqtt::protocol_version::v3_1_1);
        if (!packet) {
            return;
        }
        std::string out;
        if (mqtt::type_of(*packet) == mqtt::packet_type::connect) {
            (void)mqtt::encode(mqtt::connack{.session_present = false,
                                             .reason = mqtt::reason_code::success,
                                             .props = {}},
                               mqtt::protocol_version::v3_1_1, out);
        } else if (mqtt::type_of(*packet) == mqtt::packet_type::subscribe) {
            const auto& sub = std::get<mqtt::subscribe>(*packet);
            {
                const std::lock_guard lock(mutex_);
                for (const auto& s : sub.subscriptions) {
                    filters_.insert(std::string{s.filter});
                }
            }
            (void)mqtt::encode(mqtt::suback{.packet_id = sub.packet_id,
                                            .props = {},
                                            .reasons = {granted_}},
                               mqtt::protocol_version::v3_1_1, out);
        }
        boost::system::error_code ignored;
        asio::write(socket, asio::buffer(out), ignored);
    }

    asio::io_context io_;
    tcp::acceptor acceptor_;
    mqtt::reason_code granted_;
    std::mutex mutex_;
    std::set<std::string> filters_;
    std::vector<std::thread> served_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

perf::connections_options options_for(std::uint16_t port, std::uint32_t connections) {
    perf::connections_options o;
    o.host = "127.0.0.1";
    o.port = port;
    o.connections = connections;
    o.rate = 0;
    o.hold_s = 0.1;
    o.timeout_s = 3;
    o.max_time_s = 10;
    o.subscribe = true;
    o.broker_pid = static_cast<int>(::getpid());
    return o;
}

} // namespace

TEST_SUITE("perf::connections") {
    TEST_CASE("subscription_topic names one topic per connection") {
        CHECK(perf::subscription_topic(0) == "perf/conn/0");
        CHECK(perf::subscription_topic(9999) == "perf/conn/9999");
    }

    TEST_CASE("with subscribe every connection subscribes to its own topic and is held") {
        scripted_broker broker(3, mqtt::granted_qos_0);
        const auto r = perf::run_connections(options_for(broker.port(), 3));
        CHECK(r.status == perf::run_status::completed);
        CHECK(r.connected == 3);
        CHECK(r.failed == 0);
        CHECK(r.held == 3);
        CHECK(broker.filters() ==
              std::set<std::string>{"perf/conn/0", "perf/conn/1", "perf/conn/2"});
        CHECK(perf::to_json(r, options_for(broker.port(), 3)).find("\"subscribe\": true") !=
              std::string::npos);
    }

    TEST_CASE("a refused subscription counts as a failure with the SUBACK's reason") {
        scripted_broker broker(2, mqtt::reason_code::unspecified_error);
        const auto r = perf::run_connections(options_for(broker.port(), 2));
        CHECK(r.connected == 0);
        CHECK(r.failed == 2);
        REQUIRE(r.failures.size() == 1);
        CHECK(r.failures.begin()->first.starts_with("suback: "));
        CHECK(r.failures.begin()->second == 2);
        CHECK(perf::judge(r) == perf::verdict::unreachable);
    }
}

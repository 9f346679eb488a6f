// The connection ramp: opens N MQTT sessions at a paced rate on one io_context, with small
// per-connection state (no 256 KiB buffers here: 50,000 connections must fit), holds them,
// and closes them with DISCONNECT.
#include <emqx/perf/connections.hpp>

#include "clock.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <random>

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <emqx/mqtt/decode.hpp>
#include <emqx/mqtt/encode.hpp>
#include <emqx/mqtt/reason_code.hpp>
#include <emqx/mqtt/split.hpp>
#include <emqx/perf/cpu_time.hpp>

namespace emqx::perf {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using detail::now_ns;
using detail::to_ns;
using detail::to_seconds;

constexpr auto tick_period = std::chrono::milliseconds(10);
constexpr std::uint64_t progress_period_ns = 250'000'000;
constexpr std::uint64_t ping_period_ns = 30'000'000'000;
constexpr std::uint16_t keep_alive_seconds = 75;
// PINGREQ and DISCONNECT (reason 0, no properties: the same two bytes in 3.1.1 and 5).
constexpr std::array<char, 2> pingreq_bytes{static_cast<char>(0xC0), 0};
constexpr std::array<char, 2> disconnect_bytes{static_cast<char>(0xE0), 0};

std::string reason_of(const boost::system::error_code& e) {
    if (e == asio::error::connection_refused) {
        return "refused";
    }
    if (e == asio::error::timed_out) {
        return "timeout";
    }
    if (e == asio::error::connection_reset) {
        return "reset";
    }
    if (e == asio::error::eof) {
        return "closed";
    }
    if (e == asio::error::no_descriptors) {
        return "too many open files";
    }
    if (e.category() == boost::system::system_category() && e.value() == EADDRNOTAVAIL) {
        return "address unavailable";
    }
    return e.message();
}

class ramp {
public:
    /// `on_finish` runs once when the run ends, before any connection closes (the memory
    /// reading).
    ramp(const connections_options& o, const tcp::endpoint& where,
         std::vector<asio::ip::address> sources, connections_results& results,
         std::function<void()> on_finish)
        : options_(o), where_(where), sources_(std::move(sources)), results_(results),
          on_finish_(std::move(on_finish)), tick_timer_(io_) {
        std::random_device random;
        char id[9];
        std::snprintf(id, sizeof id, "%08x", static_cast<unsigned>(random()));
        run_id_ = id;
        conns_.reserve(o.connections);
        for (std::uint32_t i = 0; i < o.connections; ++i) {
            conns_.push_back(std::make_unique<conn>(io_));
        }
    }

    void run() {
        start_ = last_progress_ = now_ns();
        tick();
        io_.run();
    }

private:
    /// subscribing: CONNACK received, SUBSCRIBE sent (with `subscribe`), SUBACK awaited.
    enum class state : std::uint8_t {
        waiting,
        connecting,
        handshaking,
        subscribing,
        open,
        failed,
        closed
    };
    enum class phase : std::uint8_t { ramping, holding, done };
    /// Connected at the TCP level and waiting for the broker's CONNACK or SUBACK.
    static bool awaiting_ack(state s) noexcept {
        return s == state::handshaking || s == state::subscribing;
    }

    struct conn {
        explicit conn(asio::io_context& io) : socket(io) {}
        tcp::socket socket;
        std::uint64_t started = 0;
        state st = state::waiting;
        std::size_t filled = 0;
        std::vector<char> in;
        std::string out;
    };

    void arm_tick() {
        tick_timer_.expires_after(tick_period);
        tick_timer_.async_wait([this](const boost::system::error_code& error) {
            if (!error && phase_ != phase::done) {
                tick();
            }
        });
    }

    void tick() {
        const std::uint64_t now = now_ns();
        if (options_.interrupt && options_.interrupt->load()) {
            finish(run_status::interrupted, "stopped by the user");
            return;
        }
        if (now - start_ >= to_ns(options_.max_time_s)) {
            finish(run_status::deadline, "the run reached its time limit");
            return;
        }
        if (phase_ == phase::ramping) {
            sweep_timeouts(now);
            start_due(now);
            check_ramp_done(now);
        } else if (phase_ == phase::holding) {
            hold_tick(now);
        }
        if (options_.progress && now - last_progress_ >= progress_period_ns) {
            last_progress_ = now;
            options_.progress("connections: " + std::to_string(results_.connected) + " of " +
                              std::to_string(options_.connections) + " connected, " +
                              std::to_string(results_.failed) + " failed, " +
                              std::to_string(pending_count_) + " pending");
        }
        if (phase_ != phase::done) {
            arm_tick();
        }
    }

    void start_due(std::uint64_t now) {
        const double elapsed = to_seconds(now - start_);
        const std::uint64_t due = due_by(elapsed, options_.rate, options_.connections);
        while (next_ < due && pending_count_ < options_.max_pending) {
            start_one(next_++, now);
        }
    }

    void start_one(std::size_t i, std::uint64_t now) {
        conn& c = *conns_[i];
        ++results_.attempted;
        c.started = now;
        c.st = state::connecting;
        ++pending_count_;
        pending_.push_back(i);
        boost::system::error_code error;
        c.socket.open(where_.protocol(), error);
        if (!error && !sources_.empty()) {
            const int one = 1;
            // Defers the choice of the source port to connect(), where the whole 4-tuple counts.
            ::setsockopt(c.socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
                         sizeof one);
            c.socket.bind(tcp::endpoint(sources_[i % sources_.size()], 0), error);
        }
        if (error) {
            fail(i, reason_of(error));
            return;
        }
        c.socket.async_connect(where_, [this, i](const boost::system::error_code& e) {
            on_connected(i, e);
        });
    }

    void on_connected(std::size_t i, const boost::system::error_code& error) {
        conn& c = *conns_[i];
        if (c.st != state::connecting) {
            return; // timed out meanwhile, or the run ended
        }
        if (error) {
            fail(i, reason_of(error));
            return;
        }
        c.st = state::handshaking;
        boost::system::error_code ignored;
        c.socket.set_option(tcp::no_delay(true), ignored);
        mqtt::connect packet;
        packet.version = options_.version;
        packet.clean_start = true;
        packet.keep_alive = keep_alive_seconds;
        const std::string client_id =
            options_.client_prefix + "-" + run_id_ + "-c" + std::to_string(i);
        packet.client_id = client_id;
        if (options_.username) {
            packet.username = *options_.username;
        }
        if (options_.password) {
            packet.password = *options_.password;
        }
        (void)mqtt::encode(packet, options_.version, c.out);
        asio::async_write(c.socket, asio::buffer(c.out),
                          [this, i](const boost::system::error_code& e, std::size_t) {
                              conn& w = *conns_[i];
                              w.out = std::string{};
                              if (e && awaiting_ack(w.st)) {
                                  fail(i, reason_of(e));
                              }
                          });
        c.in.resize(64);
        read_more(i);
    }

    void read_more(std::size_t i) {
        conn& c = *conns_[i];
        if (c.filled == c.in.size()) {
            c.filled = 0; // after the CONNACK nothing read is kept
        }
        c.socket.async_read_some(asio::buffer(c.in.data() + c.filled, c.in.size() - c.filled),
                                 [this, i](const boost::system::error_code& e, std::size_t n) {
                                     on_read(i, e, n);
                                 });
    }

    void on_read(std::size_t i, const boost::system::error_code& error, std::size_t bytes) {
        conn& c = *conns_[i];
        if (c.st == state::open) {
            if (error) {
                c.st = state::closed;
                ++results_.dropped;
                return;
            }
            c.filled = 0;
            read_more(i);
            return;
        }
        if (!awaiting_ack(c.st)) {
            return;
        }
        if (error) {
            fail(i, reason_of(error));
            return;
        }
        c.filled += bytes;
        const std::string_view view(c.in.data(), c.filled);
        const auto split = mqtt::split_packet(view);
        if (split.status == mqtt::split_status::invalid) {
            fail(i, "broken packet");
            return;
        }
        if (split.status == mqtt::split_status::need_more) {
            if (split.packet_size > c.in.size()) {
                c.in.resize(split.packet_size);
            }
            read_more(i);
            return;
        }
        const auto packet = mqtt::decode(view.substr(0, split.packet_size), options_.version);
        if (c.st == state::subscribing) {
            on_suback(i, packet ? &*packet : nullptr);
            return;
        }
        if (!packet || mqtt::type_of(*packet) != mqtt::packet_type::connack) {
            fail(i, "no CONNACK");
            return;
        }
        const auto& ack = std::get<mqtt::connack>(*packet);
        if (mqtt::is_failure(ack.reason)) {
            fail(i, "connack: " + std::string{mqtt::reason_code_name(ack.reason)});
            return;
        }
        if (options_.subscribe) {
            // The broker sends nothing after the CONNACK until it has the SUBSCRIBE.
            c.filled = 0;
            send_subscribe(i);
            return;
        }
        accepted(i);
    }

    void send_subscribe(std::size_t i) {
        conn& c = *conns_[i];
        c.st = state::subscribing;
        const std::string topic = subscription_topic(i);
        mqtt::subscribe packet;
        packet.packet_id = 1;
        packet.subscriptions.push_back({.filter = topic, .options = {}});
        // Its own buffer: the CONNECT's write may not have reported back yet.
        auto bytes = std::make_shared<std::string>();
        (void)mqtt::encode(packet, options_.version, *bytes);
        asio::async_write(c.socket, asio::buffer(*bytes),
                          [this, i, bytes](const boost::system::error_code& e, std::size_t) {
                              if (e && conns_[i]->st == state::subscribing) {
                                  fail(i, reason_of(e));
                              }
                          });
        read_more(i);
    }

    void on_suback(std::size_t i, const mqtt::packet* packet) {
        if (packet == nullptr || mqtt::type_of(*packet) != mqtt::packet_type::suback) {
            fail(i, "no SUBACK");
            return;
        }
        const auto& ack = std::get<mqtt::suback>(*packet);
        if (ack.reasons.size() != 1 || mqtt::is_failure(ack.reasons.front())) {
            const auto reason = ack.reasons.empty() ? mqtt::reason_code::unspecified_error
                                                    : ack.reasons.front();
            fail(i, "suback: " + std::string{mqtt::reason_code_name(reason)});
            return;
        }
        accepted(i);
    }

    void accepted(std::size_t i) {
        conn& c = *conns_[i];
        const std::uint64_t now = now_ns();
        c.st = state::open;
        --pending_count_;
        ++results_.connected;
        last_outcome_ = now;
        results_.latency.record(now - c.started);
        const auto second = static_cast<std::size_t>((now - start_) / 1'000'000'000U);
        if (results_.per_second.size() <= second) {
            results_.per_second.resize(second + 1, 0);
        }
        ++results_.per_second[second];
        c.in.resize(16);
        c.in.shrink_to_fit();
        c.filled = 0;
        read_more(i);
    }

    void fail(std::size_t i, const std::string& reason) {
        conn& c = *conns_[i];
        c.st = state::failed;
        boost::system::error_code ignored;
        c.socket.close(ignored);
        c.in = std::vector<char>{};
        --pending_count_;
        ++results_.failed;
        ++results_.failures[reason];
        last_outcome_ = now_ns();
    }

    void sweep_timeouts(std::uint64_t now) {
        const std::uint64_t limit = to_ns(options_.timeout_s);
        while (!pending_.empty()) {
            const std::size_t i = pending_.front();
            const conn& c = *conns_[i];
            if (c.st == state::connecting || awaiting_ack(c.st)) {
                if (now - c.started <= limit) {
                    break;
                }
                fail(i, "timeout");
            }
            pending_.pop_front();
        }
    }

    void check_ramp_done(std::uint64_t now) {
        if (next_ < options_.connections || pending_count_ > 0) {
            return;
        }
        results_.ramp_seconds = to_seconds(std::max(last_outcome_, start_) - start_);
        if (results_.connected == 0) {
            finish(run_status::unreachable, "no connection was accepted");
            return;
        }
        phase_ = phase::holding;
        hold_start_ = last_ping_ = now;
    }

    void hold_tick(std::uint64_t now) {
        if (now - hold_start_ >= to_ns(options_.hold_s)) {
            results_.hold_seconds = to_seconds(now - hold_start_);
            finish(run_status::completed, {});
            return;
        }
        if (now - last_ping_ < ping_period_ns) {
            return;
        }
        last_ping_ = now;
        for (auto& c : conns_) {
            if (c->st == state::open) {
                asio::async_write(c->socket, asio::buffer(pingreq_bytes),
                                  [](const boost::system::error_code&, std::size_t) {});
            }
        }
    }

    void finish(run_status status, std::string reason) {
        phase_ = phase::done;
        results_.status = status;
        results_.reason = std::move(reason);
        on_finish_();
        for (auto& c : conns_) {
            boost::system::error_code ignored;
            if (c->st == state::open) {
                ++results_.held;
                c->socket.send(asio::buffer(disconnect_bytes), 0, ignored);
            }
            c->st = state::closed;
            c->socket.close(ignored);
        }
        tick_timer_.cancel();
        io_.stop();
    }

    asio::io_context io_;
    connections_options options_;
    tcp::endpoint where_;
    std::vector<asio::ip::address> sources_;
    connections_results& results_;
    std::function<void()> on_finish_;
    asio::steady_timer tick_timer_;
    std::string run_id_;
    std::vector<std::unique_ptr<conn>> conns_;
    std::deque<std::size_t> pending_;
    std::size_t next_ = 0;
    std::uint64_t pending_count_ = 0;
    phase phase_ = phase::ramping;
    std::uint64_t start_ = 0;
    std::uint64_t last_progress_ = 0;
    std::uint64_t last_outcome_ = 0;
    std::uint64_t hold_start_ = 0;
    std::uint64_t last_ping_ = 0;
};

/// Where the broker's memory can be read, and one reading.
std::optional<std::uint64_t> read_memory(const connections_results& r,
                                         const connections_options& o) {
    if (r.broker_pid) {
        return process_rss_bytes(*r.broker_pid);
    }
    if (o.metrics_node) {
        const auto body = http_get_body(o.metrics_node->first, o.metrics_node->second,
                                        "/metrics", 2.0);
        if (body) {
            if (const auto v = find_metric(*body, "process_resident_memory_bytes")) {
                return static_cast<std::uint64_t>(*v);
            }
        }
    }
    return std::nullopt;
}

std::string memory_source(const connections_results& r, const connections_options& o) {
    if (r.broker_pid) {
        return "/proc/" + std::to_string(*r.broker_pid) + "/status";
    }
    if (o.metrics_node) {
        return "http://" + o.metrics_node->first + ":" + std::to_string(o.metrics_node->second) +
               "/metrics";
    }
    return {};
}

void note_fd_limit(connections_results& r) {
    const fd_limit& f = r.files;
    if (f.soft != f.soft_before) {
        r.notes.push_back("raised the open-file limit from " + std::to_string(f.soft_before) +
                          " to " + std::to_string(f.soft));
    }
    if (!f.enough()) {
        r.notes.push_back("the open-file limit is " + std::to_string(f.soft) + " (hard " +
                          std::to_string(f.hard) + "), below the " + std::to_string(f.needed) +
                          " this run needs: at most about " +
                          std::to_string(f.soft > 64 ? f.soft - 64 : 0) +
                          " connections can be opened (raise it with ulimit -n as root)");
    }
}

} // namespace

std::vector<std::string> choose_sources(const std::string& host, std::uint32_t connections,
                                        std::uint32_t per_source) {
    boost::system::error_code error;
    const auto address = asio::ip::make_address_v4(host, error);
    if (error || !address.is_loopback() || per_source == 0 || connections <= per_source) {
        return {};
    }
    const std::uint32_t count = std::min<std::uint32_t>(254, (connections + per_source - 1) / per_source);
    std::vector<std::string> sources;
    for (std::uint32_t i = 1; i <= count; ++i) {
        sources.push_back("127.0.0." + std::to_string(i));
    }
    return sources;
}

std::string subscription_topic(std::size_t n) {
    return "perf/conn/" + std::to_string(n);
}

std::uint64_t due_by(double elapsed_s, double rate, std::uint64_t total) noexcept {
    if (!(rate > 0.0)) {
        return total;
    }
    if (!(elapsed_s > 0.0)) {
        return std::min<std::uint64_t>(1, total);
    }
    const double due = std::floor(elapsed_s * rate) + 1.0;
    return due >= static_cast<double>(total) ? total : static_cast<std::uint64_t>(due);
}

std::optional<double> memory_reading::per_connection(std::uint64_t held) const noexcept {
    if (!before || !after || held == 0) {
        return std::nullopt;
    }
    return (static_cast<double>(*after) - static_cast<double>(*before)) /
           static_cast<double>(held);
}

double connections_results::connected_per_second() const noexcept {
    return ramp_seconds > 0.0 ? static_cast<double>(connected) / ramp_seconds : 0.0;
}

connections_results run_connections(const connections_options& o) {
    connections_results r;
    r.target = o.connections;
    r.files = raise_fd_limit(std::uint64_t{o.connections} + 64);
    note_fd_limit(r);

    asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code error;
    const auto found = resolver.resolve(o.host, std::to_string(o.port), error);
    if (error || found.empty()) {
        r.status = run_status::unreachable;
        r.reason = "cannot resolve " + o.host + ": " + error.message();
        return r;
    }
    const tcp::endpoint where = found.begin()->endpoint();
    std::vector<asio::ip::address> sources;
    for (const auto& s : o.sources.empty() ? choose_sources(o.host, o.connections) : o.sources) {
        const auto address = asio::ip::make_address(s, error);
        if (error) {
            r.status = run_status::unreachable;
            r.reason = "not a source address: " + s;
            return r;
        }
        sources.push_back(address);
    }
    r.sources = sources.size();

    r.broker_pid = o.broker_pid;
    if (!r.broker_pid && where.address().is_loopback()) {
        r.broker_pid = find_listening_pid(o.port);
    }
    r.memory.source = memory_source(r, o);
    r.memory.before = read_memory(r, o);

    const double cpu_before = own_cpu_seconds();
    const std::uint64_t wall_before = now_ns();
    ramp engine(o, where, std::move(sources), r,
                [&r, &o] { r.memory.after = read_memory(r, o); });
    engine.run();
    r.tool_cpu_seconds = own_cpu_seconds() - cpu_before;
    r.wall_seconds = to_seconds(now_ns() - wall_before);
    if (r.status == run_status::completed && r.failed > 0) {
        r.reason = std::to_string(r.failed) + " of " + std::to_string(r.target) +
                   " connections failed";
    }
    return r;
}

} // namespace emqx::perf
